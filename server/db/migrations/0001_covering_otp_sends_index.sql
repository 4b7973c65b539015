DROP INDEX `signing_requests_nric_created`;--> statement-breakpoint
CREATE INDEX `signing_requests_nric_created_sends` ON `signing_requests` (`nric`,`created_at`,`otp_sends`);