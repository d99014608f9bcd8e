CREATE TABLE "affiliate_suspensions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"affiliate_id" uuid NOT NULL,
	"suspended_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"reactivated_at" timestamp with time zone,
	CONSTRAINT "affiliate_suspensions_order_check" CHECK ("affiliate_suspensions"."reactivated_at" is null or "affiliate_suspensions"."reactivated_at" >= "affiliate_suspensions"."suspended_at")
);
--> statement-breakpoint
ALTER TABLE "affiliates" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "affiliates" ADD COLUMN "suspension_reason" text;--> statement-breakpoint
ALTER TABLE "affiliate_suspensions" ADD CONSTRAINT "affiliate_suspensions_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "affiliate_suspensions_affiliate_idx" ON "affiliate_suspensions" USING btree ("affiliate_id","suspended_at");--> statement-breakpoint
CREATE UNIQUE INDEX "affiliate_suspensions_open_key" ON "affiliate_suspensions" USING btree ("affiliate_id") WHERE "affiliate_suspensions"."reactivated_at" is null;