CREATE TYPE "public"."customer_status" AS ENUM('TRIAL', 'ACTIVE', 'CHURNED');--> statement-breakpoint
CREATE TYPE "public"."stakeholder_role" AS ENUM('CHAMPION', 'DECISION_MAKER', 'INFLUENCER', 'USER');--> statement-breakpoint
CREATE TYPE "public"."commission_type" AS ENUM('PERCENT', 'FLAT');--> statement-breakpoint
CREATE TYPE "public"."content_kind" AS ENUM('CASE_STUDY', 'USE_CASE', 'PAIN_POINT');--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"niche" text,
	"plan" text,
	"mrr_cents" integer DEFAULT 0 NOT NULL,
	"acquisition_channel" text,
	"status" "customer_status" DEFAULT 'ACTIVE' NOT NULL,
	"signed_up_at" timestamp with time zone DEFAULT now() NOT NULL,
	"churned_at" timestamp with time zone,
	"churn_reason" text,
	"retention_cost_cents" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "csat_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"score" smallint NOT NULL,
	CONSTRAINT "csat_responses_score_check" CHECK ("csat_responses"."score" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "nps_responses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"score" smallint NOT NULL,
	CONSTRAINT "nps_responses_score_check" CHECK ("nps_responses"."score" between 0 and 10)
);
--> statement-breakpoint
CREATE TABLE "plan_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"plan" text,
	"mrr_cents" integer NOT NULL,
	"previous_mrr_cents" integer,
	CONSTRAINT "plan_changes_mrr_check" CHECK ("plan_changes"."mrr_cents" >= 0)
);
--> statement-breakpoint
CREATE TABLE "support_tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_snapshots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"active_users" integer NOT NULL,
	"licensed_seats" integer NOT NULL,
	CONSTRAINT "usage_snapshots_seats_check" CHECK ("usage_snapshots"."licensed_seats" > 0 and "usage_snapshots"."active_users" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stakeholders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"role" "stakeholder_role" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "affiliate_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"affiliate_id" uuid NOT NULL,
	"key_hash" text NOT NULL,
	"key_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "affiliates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"customer_id" uuid,
	"commission_type" "commission_type" NOT NULL,
	"commission_value" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "affiliates_commission_value_check" CHECK ("affiliates"."commission_value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "referral_visits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"affiliate_id" uuid NOT NULL,
	"visitor_id" text NOT NULL,
	"niche" text,
	"visited_on" date NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"affiliate_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"referred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_assets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "content_kind" NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text,
	"niches" text[] DEFAULT '{}'::text[] NOT NULL,
	"customer_id" uuid,
	"affiliate_id" uuid,
	"archived" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"rules" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "csat_responses" ADD CONSTRAINT "csat_responses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nps_responses" ADD CONSTRAINT "nps_responses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_changes" ADD CONSTRAINT "plan_changes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_tickets" ADD CONSTRAINT "support_tickets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_snapshots" ADD CONSTRAINT "usage_snapshots_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stakeholders" ADD CONSTRAINT "stakeholders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliate_api_keys" ADD CONSTRAINT "affiliate_api_keys_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "affiliates" ADD CONSTRAINT "affiliates_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_visits" ADD CONSTRAINT "referral_visits_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_assets" ADD CONSTRAINT "content_assets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_assets" ADD CONSTRAINT "content_assets_affiliate_id_affiliates_id_fk" FOREIGN KEY ("affiliate_id") REFERENCES "public"."affiliates"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customers_external_id_key" ON "customers" USING btree ("external_id");--> statement-breakpoint
CREATE INDEX "customers_niche_idx" ON "customers" USING btree ("niche");--> statement-breakpoint
CREATE INDEX "customers_status_idx" ON "customers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "csat_responses_customer_at_idx" ON "csat_responses" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "nps_responses_customer_at_idx" ON "nps_responses" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "plan_changes_customer_at_idx" ON "plan_changes" USING btree ("customer_id","at");--> statement-breakpoint
CREATE INDEX "support_tickets_customer_opened_idx" ON "support_tickets" USING btree ("customer_id","opened_at");--> statement-breakpoint
CREATE INDEX "usage_snapshots_customer_at_idx" ON "usage_snapshots" USING btree ("customer_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "stakeholders_customer_email_key" ON "stakeholders" USING btree ("customer_id","email");--> statement-breakpoint
CREATE INDEX "stakeholders_customer_role_idx" ON "stakeholders" USING btree ("customer_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "affiliate_api_keys_key_hash_key" ON "affiliate_api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "affiliate_api_keys_affiliate_idx" ON "affiliate_api_keys" USING btree ("affiliate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "affiliates_code_key" ON "affiliates" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "affiliates_customer_id_key" ON "affiliates" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_visits_affiliate_visitor_day_key" ON "referral_visits" USING btree ("affiliate_id","visitor_id","visited_on");--> statement-breakpoint
CREATE INDEX "referral_visits_affiliate_at_idx" ON "referral_visits" USING btree ("affiliate_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_customer_id_key" ON "referrals" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "referrals_affiliate_referred_idx" ON "referrals" USING btree ("affiliate_id","referred_at");--> statement-breakpoint
CREATE INDEX "content_assets_niches_gin_idx" ON "content_assets" USING gin ("niches");--> statement-breakpoint
CREATE INDEX "content_assets_kind_live_idx" ON "content_assets" USING btree ("kind") WHERE not "content_assets"."archived";--> statement-breakpoint
CREATE INDEX "content_assets_customer_idx" ON "content_assets" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "content_assets_affiliate_idx" ON "content_assets" USING btree ("affiliate_id");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_key" ON "segments" USING btree ("name");