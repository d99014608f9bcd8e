CREATE TABLE "content_impressions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"asset_id" uuid NOT NULL,
	"affiliate_id" uuid,
	"niche" text,
	"day" date NOT NULL,
	"impressions" integer NOT NULL,
	CONSTRAINT "content_impressions_key" UNIQUE NULLS NOT DISTINCT("asset_id","affiliate_id","niche","day"),
	CONSTRAINT "content_impressions_impressions_check" CHECK ("content_impressions"."impressions" > 0)
);
--> statement-breakpoint
ALTER TABLE "content_impressions" ADD CONSTRAINT "content_impressions_asset_id_content_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."content_assets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_impressions" ADD CONSTRAINT "content_impressions_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "content_impressions_affiliate_day_idx" ON "content_impressions" USING btree ("affiliate_id","day");