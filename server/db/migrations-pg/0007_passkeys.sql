CREATE TABLE "passkey_challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"subject_type" text,
	"subject_id" text,
	"request_id" text,
	"challenge" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "passkey_policies" (
	"scope" text NOT NULL,
	"scope_id" text NOT NULL,
	"policy" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "passkey_policies_scope_scope_id_pk" PRIMARY KEY("scope","scope_id")
);
--> statement-breakpoint
CREATE TABLE "passkeys" (
	"credential_id" text PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" text NOT NULL,
	"public_key" "bytea" NOT NULL,
	"counter" bigint DEFAULT 0 NOT NULL,
	"transports" json NOT NULL,
	"name" text NOT NULL,
	"device_type" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"status_at" bigint,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "signing_passkeys" (
	"request_id" text PRIMARY KEY NOT NULL,
	"credential_id" text NOT NULL,
	"authenticator_data" "bytea" NOT NULL,
	"counter" bigint NOT NULL,
	"used_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "passkey_challenges_request" ON "passkey_challenges" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "passkey_challenges_challenge" ON "passkey_challenges" USING btree ("challenge");--> statement-breakpoint
CREATE INDEX "passkeys_subject" ON "passkeys" USING btree ("subject_type","subject_id");