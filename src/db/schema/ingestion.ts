import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns.js";
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

/** A named product action a customer took (invited_teammate, connected_integration, …). */
export const customerActions = pgTable(
  "customer_actions",
  {
    id: id(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    at: timestamptz("at").notNull(),
  },
  (t) => [
    // A customer's first actions (milestones) are read by customer and time.
    index("customer_actions_customer_at_idx").on(t.customerId, t.at),
    index("customer_actions_name_idx").on(t.name),
  ],
);
