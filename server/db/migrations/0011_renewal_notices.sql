CREATE TABLE `renewal_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`serial` text NOT NULL,
	`nric` text NOT NULL,
	`days` integer NOT NULL,
	`not_after` integer NOT NULL,
	`sent_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `renewal_notices_nric` ON `renewal_notices` (`nric`,`sent_at`);