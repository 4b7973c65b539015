CREATE TABLE "pdf_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"system" text NOT NULL,
	"nric" text NOT NULL,
	"title" text,
	"digest" text NOT NULL,
	"field_name" text NOT NULL,
	"byte_range" json NOT NULL,
	"capacity" integer NOT NULL,
	"prepared" "bytea" NOT NULL,
	"status" text NOT NULL,
	"signed" "bytea",
	"level" text,
	"previous_id" text,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"signed_at" bigint
);
--> statement-breakpoint
CREATE INDEX "pdf_documents_expiry" ON "pdf_documents" USING btree ("status","expires_at");