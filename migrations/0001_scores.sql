CREATE TYPE "public"."health_band" AS ENUM('RED', 'YELLOW', 'GREEN');--> statement-breakpoint
CREATE TABLE "churn_models" (
	"version" serial PRIMARY KEY NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"examples" integer NOT NULL,
	"positives" integer NOT NULL,
	"auc" double precision,
	"intercept" double precision NOT NULL,
	"features" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_scores" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"health_score" double precision NOT NULL,
	"health_band" "health_band" NOT NULL,
	"health_breakdown" jsonb NOT NULL,
	"health_trend" double precision,
	"advocacy_score" double precision NOT NULL,
	"churn_risk" double precision NOT NULL,
	"churn_model_version" integer,
	"successful" boolean NOT NULL,
	"usage_ratio" double precision,
	"nps" smallint,
	"csat" double precision,
	"csat_recent" double precision,
	"support_tickets_90d" integer NOT NULL,
	"upsell_count" integer NOT NULL,
	"lifetime_value_cents" bigint NOT NULL,
	"tenure_days" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_scores" ADD CONSTRAINT "customer_scores_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_scores" ADD CONSTRAINT "customer_scores_churn_model_version_churn_models_version_fk" FOREIGN KEY ("churn_model_version") REFERENCES "public"."churn_models"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_scores_advocacy_idx" ON "customer_scores" USING btree ("advocacy_score" DESC NULLS FIRST,"customer_id");--> statement-breakpoint
CREATE INDEX "customer_scores_health_idx" ON "customer_scores" USING btree ("health_score","customer_id");--> statement-breakpoint
CREATE INDEX "customer_scores_churn_risk_idx" ON "customer_scores" USING btree ("churn_risk" DESC NULLS FIRST,"customer_id");