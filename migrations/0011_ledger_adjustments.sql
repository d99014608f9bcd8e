CREATE TYPE "public"."commission_entry_kind" AS ENUM('ACCRUAL', 'ADJUSTMENT');--> statement-breakpoint
ALTER TABLE "commission_entries" DROP CONSTRAINT "commission_entries_amount_check";--> statement-breakpoint
DROP INDEX "commission_entries_referral_period_key";--> statement-breakpoint
ALTER TABLE "commission_entries" ADD COLUMN "kind" "commission_entry_kind" DEFAULT 'ACCRUAL' NOT NULL;--> statement-breakpoint
ALTER TABLE "commission_entries" ADD COLUMN "reason" text;--> statement-breakpoint
CREATE INDEX "commission_entries_referral_start_idx" ON "commission_entries" USING btree ("referral_id","period_start");--> statement-breakpoint
CREATE UNIQUE INDEX "commission_entries_referral_period_key" ON "commission_entries" USING btree ("referral_id","period") WHERE "commission_entries"."kind" = 'ACCRUAL';--> statement-breakpoint
ALTER TABLE "commission_entries" ADD CONSTRAINT "commission_entries_amount_check" CHECK ("commission_entries"."amount_cents" >= 0 or "commission_entries"."kind" = 'ADJUSTMENT');