CREATE TABLE `agencies` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`subject` text,
	`details` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ca_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`cert_der` blob NOT NULL,
	`key_ref` text NOT NULL,
	`crl_number` integer DEFAULT 0 NOT NULL,
	`crl_der` blob,
	`crl_next_update` integer
);
--> statement-breakpoint
CREATE TABLE `certificates` (
	`serial` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`der` blob NOT NULL,
	`key_ref` text NOT NULL,
	`not_before` integer NOT NULL,
	`not_after` integer NOT NULL,
	`revoked_at` integer,
	`revocation_reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `certificates_nric` ON `certificates` (`nric`);--> statement-breakpoint
CREATE TABLE `officers` (
	`nric` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`phone` text,
	`agency_code` text NOT NULL,
	`media` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`pin_verifier` text,
	`pin_failures` integer DEFAULT 0 NOT NULL,
	`pin_locked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`agency_code`) REFERENCES `agencies`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`nric` text,
	`address` text NOT NULL,
	`channel` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`otp` text,
	`request_id` text,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_nric` ON `outbox` (`nric`);--> statement-breakpoint
CREATE INDEX `outbox_address` ON `outbox` (`address`);--> statement-breakpoint
CREATE TABLE `signatures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`document_id` text NOT NULL,
	`digest` text NOT NULL,
	`cms` blob NOT NULL,
	`certificate_serial` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`request_id`) REFERENCES `signing_requests`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signatures_request_document` ON `signatures` (`request_id`,`document_id`);--> statement-breakpoint
CREATE TABLE `signing_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`nric` text NOT NULL,
	`system` text NOT NULL,
	`origin` text,
	`documents` text NOT NULL,
	`channel` text NOT NULL,
	`destination` text NOT NULL,
	`verification_code` text NOT NULL,
	`status` text NOT NULL,
	`failure_code` text,
	`otp_hash` text,
	`consumed_otp_hash` text,
	`otp_expires_at` integer NOT NULL,
	`otp_attempts` integer DEFAULT 0 NOT NULL,
	`otp_sends` integer DEFAULT 1 NOT NULL,
	`last_otp_sent_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`signed_at` integer,
	`result` text,
	FOREIGN KEY (`nric`) REFERENCES `officers`(`nric`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`system`) REFERENCES `systems`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `signing_requests_nric_created` ON `signing_requests` (`nric`,`created_at`);--> statement-breakpoint
CREATE TABLE `systems` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`allowed_origins` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vault_keys` (
	`ref` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`wrapped` blob NOT NULL,
	`created_at` integer NOT NULL
);
