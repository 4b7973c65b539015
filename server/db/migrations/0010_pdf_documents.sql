CREATE TABLE `pdf_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`system` text NOT NULL,
	`nric` text NOT NULL,
	`title` text,
	`digest` text NOT NULL,
	`field_name` text NOT NULL,
	`byte_range` text NOT NULL,
	`capacity` integer NOT NULL,
	`prepared` blob NOT NULL,
	`status` text NOT NULL,
	`signed` blob,
	`level` text,
	`previous_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`signed_at` integer
);
--> statement-breakpoint
CREATE INDEX `pdf_documents_expiry` ON `pdf_documents` (`status`,`expires_at`);