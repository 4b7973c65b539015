CREATE TABLE "limit_hits" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trusted_devices" (
	"device_hash" text NOT NULL,
	"subject" text NOT NULL,
	"created_at" bigint NOT NULL,
	"last_success_at" bigint NOT NULL,
	CONSTRAINT "trusted_devices_device_hash_subject_pk" PRIMARY KEY("device_hash","subject")
);
--> statement-breakpoint
ALTER TABLE "signing_requests" ADD COLUMN "caller_key" text;--> statement-breakpoint
ALTER TABLE "signing_requests" ADD COLUMN "signing_until" bigint;--> statement-breakpoint
CREATE INDEX "limit_hits_key_at" ON "limit_hits" USING btree ("key","at");--> statement-breakpoint
CREATE INDEX "limit_hits_at" ON "limit_hits" USING btree ("at");--> statement-breakpoint
CREATE INDEX "signing_requests_caller_pending" ON "signing_requests" USING btree ("nric","caller_key","status");--> statement-breakpoint
CREATE INDEX "signing_requests_status_lease" ON "signing_requests" USING btree ("status","signing_until");