ALTER TABLE "content_assets" ADD COLUMN "subject_name" text;--> statement-breakpoint
ALTER TABLE "content_assets" ADD COLUMN "subject_niche" text;--> statement-breakpoint
ALTER TABLE "content_assets" ADD COLUMN "subject_live" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "content_assets" ADD COLUMN "subject_successful" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "content_assets" ADD COLUMN "subject_advocacy" double precision;--> statement-breakpoint
ALTER TABLE "content_assets" ADD COLUMN "subject_health" double precision;--> statement-breakpoint
-- Existing assets take their customers' current figures (later score writes keep them in step).
UPDATE "content_assets" a SET
  "subject_name" = c."name",
  "subject_niche" = c."niche",
  "subject_live" = (c."status" = 'ACTIVE' AND s."health_band" IS NOT NULL AND s."health_band" <> 'RED'),
  "subject_successful" = coalesce(s."successful", false),
  "subject_advocacy" = s."advocacy_score",
  "subject_health" = s."health_score"
FROM "customers" c LEFT JOIN "customer_scores" s ON s."customer_id" = c."id"
WHERE a."customer_id" = c."id";
