import { bigint, bit, date, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
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
    /**
     * The day's distinct users as a 1,024-bit linear-counting sketch (README, "Product activity"),
     * while events for it may still arrive from the Segment routes; cleared after two days.
     */
    usersSketch: bit("users_sketch", { dimensions: 1024 }),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.name, t.day] }),
    // Behavioural features and training read every customer's window of days at once.
    index("product_activity_daily_day_idx").on(t.day),
  ],
);

/**
 * The Segment routes' recent messageIds (an MD5 of each, as a uuid), so a retried batch counts
 * once: a bounded window, pruned by age and size (README, "Segment-compatible ingestion").
 */
export const segmentMessageIds = pgTable(
  "segment_message_ids",
  {
    id: uuid("id").primaryKey(),
    receivedAt: timestamptz("received_at").notNull(),
  },
  // The pruning deletes the oldest: appended at the right edge, this index costs little per insert.
  (t) => [index("segment_message_ids_received_at_idx").on(t.receivedAt)],
);
