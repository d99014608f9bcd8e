-- Product actions are rolled up per customer, name and UTC day (issue 15): the actions stored one
-- row each so far move into product_activity_daily before their table goes, so no history is lost.
INSERT INTO "product_activity_daily" ("customer_id", "name", "day", "events", "users")
SELECT "customer_id", "name", ("at" AT TIME ZONE 'UTC')::date, count(*), 0 FROM "customer_actions" GROUP BY 1, 2, 3
ON CONFLICT ("customer_id", "name", "day") DO UPDATE SET "events" = "product_activity_daily"."events" + excluded."events";--> statement-breakpoint
DROP TABLE "customer_actions" CASCADE;
