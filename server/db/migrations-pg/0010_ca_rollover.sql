ALTER TABLE "ca_state" ADD COLUMN "link_from_previous_der" "bytea";--> statement-breakpoint
ALTER TABLE "ca_state" ADD COLUMN "link_to_previous_der" "bytea";--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "ca_id" integer DEFAULT 1 NOT NULL;