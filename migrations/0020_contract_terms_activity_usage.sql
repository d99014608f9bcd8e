ALTER TABLE "plan_changes" ADD COLUMN "term_months" smallint;--> statement-breakpoint
ALTER TABLE "customer_scores" ADD COLUMN "activity_events_28d" bigint;--> statement-breakpoint
ALTER TABLE "stripe_subscriptions" ADD COLUMN "term_months" smallint;--> statement-breakpoint
ALTER TABLE "plan_changes" ADD CONSTRAINT "plan_changes_term_months_check" CHECK ("plan_changes"."term_months" in (1, 3, 6, 12, 24, 36));