import { bigint, date, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";
import { customers } from "./customers.js";

/**
 * Every webhook event stored, by the sender's id: a replay finds its id here and stores nothing.
 */
export const ingestedEvents = pgTable(
  "ingested_events",
  {
    /** The sender's event id (the idempotency key). */
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    at: timestamptz("at").notNull(),
    receivedAt: timestamptz("received_at").notNull().defaultNow(),
  },
  (t) => [index("ingested_events_customer_idx").on(t.customerId)],
);

/**
 * Product events rolled up as they arrive, one row per customer, event name and UTC day: storage
 * grows with customers × event names × days, not with events. `events` is the number of events,
 * `users` the distinct users who sent them that day (as reported by a counted action, or counted
 * by ingestion), 0 when unknown.
 */
export const productActivityDaily = pgTable(
  "product_activity_daily",
  {
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    events: bigint("events", { mode: "number" }).notNull(),
    users: integer("users").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.name, t.day] }),
    // Behavioural features and training read every customer's window of days at once.
    index("product_activity_daily_day_idx").on(t.day),
  ],
);
