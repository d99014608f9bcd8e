CREATE TABLE "segment_message_ids" (
	"id" uuid PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "product_activity_daily" ADD COLUMN "users_sketch" bit(1024);--> statement-breakpoint
CREATE INDEX "segment_message_ids_received_at_idx" ON "segment_message_ids" USING btree ("received_at");