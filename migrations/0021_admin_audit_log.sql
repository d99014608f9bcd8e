CREATE TABLE "admin_audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"operation" text NOT NULL,
	"arguments" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"outcome" text NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE INDEX "admin_audit_log_operation_idx" ON "admin_audit_log" USING btree ("operation","id");