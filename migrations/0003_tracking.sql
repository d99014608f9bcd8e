ALTER TABLE "affiliates" ADD COLUMN "contact_stakeholder_id" uuid;--> statement-breakpoint
ALTER TABLE "referrals" ADD COLUMN "visitor_id" text;--> statement-breakpoint
ALTER TABLE "affiliates" ADD CONSTRAINT "affiliates_contact_stakeholder_id_stakeholders_id_fk" FOREIGN KEY ("contact_stakeholder_id") REFERENCES "public"."stakeholders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "affiliates_contact_stakeholder_idx" ON "affiliates" USING btree ("contact_stakeholder_id");