CREATE TABLE `admin_password_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`admin_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`admin_id`) REFERENCES `admins`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `officers` ADD `import_batch` text;--> statement-breakpoint
CREATE INDEX `officers_agency_name` ON `officers` (`agency_code`,`name`,`nric`);--> statement-breakpoint
CREATE INDEX `officers_name` ON `officers` (`name`,`nric`);--> statement-breakpoint
CREATE INDEX `officers_email` ON `officers` (`email`,`nric`);--> statement-breakpoint
CREATE INDEX `officers_created` ON `officers` (`created_at`,`nric`);--> statement-breakpoint
CREATE INDEX `officers_status` ON `officers` (`status`);--> statement-breakpoint
CREATE INDEX `officers_import_batch` ON `officers` (`import_batch`);--> statement-breakpoint
CREATE INDEX `officers_pin_locked` ON `officers` (`pin_locked_at`);--> statement-breakpoint
CREATE INDEX `officers_email_verified` ON `officers` (`email_verified_at`);--> statement-breakpoint
ALTER TABLE `admins` ADD `must_change_password` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_log_subject` ON `audit_log` (`subject`);--> statement-breakpoint
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor`);--> statement-breakpoint
CREATE INDEX `audit_log_action` ON `audit_log` (`action`);