CREATE TABLE "score_refresh_queue" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "score_refresh_queue" ADD CONSTRAINT "score_refresh_queue_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;