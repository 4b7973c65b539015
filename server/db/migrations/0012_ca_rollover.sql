ALTER TABLE `ca_state` ADD `link_from_previous_der` blob;--> statement-breakpoint
ALTER TABLE `ca_state` ADD `link_to_previous_der` blob;--> statement-breakpoint
ALTER TABLE `certificates` ADD `ca_id` integer DEFAULT 1 NOT NULL;