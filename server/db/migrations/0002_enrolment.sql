CREATE TABLE `admins` (
	`id` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`agency_code` text,
	`password_verifier` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`agency_code`) REFERENCES `agencies`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `admins_nric_unique` ON `admins` (`nric`);--> statement-breakpoint
CREATE TABLE `applications` (
	`id` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`system` text NOT NULL,
	`office_address` text NOT NULL,
	`phone` text NOT NULL,
	`pin_verifier` text NOT NULL,
	`declared_at` integer NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `applications_nric` ON `applications` (`nric`);--> statement-breakpoint
CREATE TABLE `challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`subject_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` integer NOT NULL,
	`consumed_at` integer,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`platform` text NOT NULL,
	`label` text NOT NULL,
	`secret_hash` text NOT NULL,
	`status` text NOT NULL,
	`registered_at` integer NOT NULL,
	`deactivated_at` integer,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `devices_nric` ON `devices` (`nric`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_secret` ON `devices` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `email_verifications` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`email` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `movements` (
	`id` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`kind` text NOT NULL,
	`effective_at` integer NOT NULL,
	`from_agency_code` text NOT NULL,
	`to_agency_code` text,
	`recorded_by` text NOT NULL,
	`applied_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `movements_due` ON `movements` (`applied_at`,`effective_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `sessions_subject` ON `sessions` (`subject_type`,`subject_id`);--> statement-breakpoint
ALTER TABLE `officers` ADD `email_verified_at` integer;--> statement-breakpoint
ALTER TABLE `officers` ADD `office_address` text;--> statement-breakpoint
ALTER TABLE `officers` ADD `accounting_office` text;--> statement-breakpoint
ALTER TABLE `officers` ADD `system` text;--> statement-breakpoint
ALTER TABLE `officers` ADD `last_activity_at` integer;