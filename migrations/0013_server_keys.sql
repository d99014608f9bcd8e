CREATE TYPE "public"."server_key_scope" AS ENUM('CONVERSIONS');--> statement-breakpoint
CREATE TABLE "server_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"scopes" "server_key_scope"[] NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "server_keys_scopes_check" CHECK (cardinality("server_keys"."scopes") > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "server_keys_key_hash_key" ON "server_keys" USING btree ("key_hash");