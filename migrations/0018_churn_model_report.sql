ALTER TABLE "churn_models" ADD COLUMN "forward_auc" double precision;--> statement-breakpoint
ALTER TABLE "churn_models" ADD COLUMN "forward_auc_note" text;--> statement-breakpoint
ALTER TABLE "churn_models" ADD COLUMN "forward_cutoff" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "churn_models" ADD COLUMN "observation_dates" integer DEFAULT 0 NOT NULL;