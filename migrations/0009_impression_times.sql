ALTER TABLE "content_impressions" ADD COLUMN "first_shown_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "content_impressions" ADD COLUMN "last_shown_at" timestamp with time zone;--> statement-breakpoint
-- Rows counted before these columns existed say only the UTC day: they take the end of that day,
-- so no referral made before one of their impressions is ever credited to their asset.
UPDATE "content_impressions" SET
  "first_shown_at" = ("day" + 1)::timestamp AT TIME ZONE 'UTC',
  "last_shown_at" = ("day" + 1)::timestamp AT TIME ZONE 'UTC';--> statement-breakpoint
ALTER TABLE "content_impressions" ALTER COLUMN "first_shown_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "content_impressions" ALTER COLUMN "last_shown_at" SET NOT NULL;
