CREATE TABLE `limit_hits` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `limit_hits_key_at` ON `limit_hits` (`key`,`at`);--> statement-breakpoint
CREATE INDEX `limit_hits_at` ON `limit_hits` (`at`);--> statement-breakpoint
CREATE TABLE `trusted_devices` (
	`device_hash` text NOT NULL,
	`subject` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_success_at` integer NOT NULL,
	PRIMARY KEY(`device_hash`, `subject`)
);
--> statement-breakpoint
ALTER TABLE `signing_requests` ADD `caller_key` text;--> statement-breakpoint
ALTER TABLE `signing_requests` ADD `signing_until` integer;--> statement-breakpoint
CREATE INDEX `signing_requests_caller_pending` ON `signing_requests` (`nric`,`caller_key`,`status`);--> statement-breakpoint
CREATE INDEX `signing_requests_status_lease` ON `signing_requests` (`status`,`signing_until`);