ALTER TYPE "public"."server_key_scope" ADD VALUE 'INGESTION';--> statement-breakpoint
CREATE TABLE "product_activity_daily" (
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"day" date NOT NULL,
	"events" bigint NOT NULL,
	"users" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "product_activity_daily_customer_id_name_day_pk" PRIMARY KEY("customer_id","name","day")
);
--> statement-breakpoint
ALTER TABLE "product_activity_daily" ADD CONSTRAINT "product_activity_daily_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "product_activity_daily_day_idx" ON "product_activity_daily" USING btree ("day");