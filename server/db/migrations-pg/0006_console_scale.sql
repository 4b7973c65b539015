CREATE TABLE "admin_password_links" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"admin_id" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admins" ADD COLUMN "must_change_password" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "officers" ADD COLUMN "import_batch" text;--> statement-breakpoint
ALTER TABLE "admin_password_links" ADD CONSTRAINT "admin_password_links_admin_id_admins_id_fk" FOREIGN KEY ("admin_id") REFERENCES "public"."admins"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_subject" ON "audit_log" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_actor" ON "audit_log" USING btree ("actor");--> statement-breakpoint
CREATE INDEX "audit_log_action" ON "audit_log" USING btree ("action");--> statement-breakpoint
CREATE INDEX "officers_agency_name" ON "officers" USING btree ("agency_code","name","nric");--> statement-breakpoint
CREATE INDEX "officers_name" ON "officers" USING btree ("name","nric");--> statement-breakpoint
CREATE INDEX "officers_email" ON "officers" USING btree ("email","nric");--> statement-breakpoint
CREATE INDEX "officers_created" ON "officers" USING btree ("created_at","nric");--> statement-breakpoint
CREATE INDEX "officers_status" ON "officers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "officers_import_batch" ON "officers" USING btree ("import_batch");--> statement-breakpoint
CREATE INDEX "officers_pin_locked" ON "officers" USING btree ("pin_locked_at");--> statement-breakpoint
CREATE INDEX "officers_email_verified" ON "officers" USING btree ("email_verified_at");