DROP INDEX "outbox_nric";--> statement-breakpoint
DROP INDEX "outbox_address";--> statement-breakpoint
CREATE INDEX "outbox_nric_id" ON "outbox" USING btree ("nric","id");--> statement-breakpoint
CREATE INDEX "outbox_address_id" ON "outbox" USING btree ("address","id");