CREATE TABLE `passkey_challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`subject_type` text,
	`subject_id` text,
	`request_id` text,
	`challenge` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `passkey_challenges_request` ON `passkey_challenges` (`request_id`);--> statement-breakpoint
CREATE INDEX `passkey_challenges_challenge` ON `passkey_challenges` (`challenge`);--> statement-breakpoint
CREATE TABLE `passkey_policies` (
	`scope` text NOT NULL,
	`scope_id` text NOT NULL,
	`policy` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `scope_id`)
);
--> statement-breakpoint
CREATE TABLE `passkeys` (
	`credential_id` text PRIMARY KEY NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`public_key` blob NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text NOT NULL,
	`name` text NOT NULL,
	`device_type` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`status_reason` text,
	`status_at` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE INDEX `passkeys_subject` ON `passkeys` (`subject_type`,`subject_id`);--> statement-breakpoint
CREATE TABLE `signing_passkeys` (
	`request_id` text PRIMARY KEY NOT NULL,
	`credential_id` text NOT NULL,
	`authenticator_data` blob NOT NULL,
	`counter` integer NOT NULL,
	`used_at` integer NOT NULL
);
