CREATE TABLE "reactivations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"churned_at" timestamp with time zone NOT NULL,
	"churn_reason" text,
	"reactivated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "reactivations_order_check" CHECK ("reactivations"."reactivated_at" >= "reactivations"."churned_at")
);
--> statement-breakpoint
ALTER TABLE "reactivations" ADD CONSTRAINT "reactivations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reactivations_customer_churned_idx" ON "reactivations" USING btree ("customer_id","churned_at");