import { check, index, integer, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { id, timestamptz } from "./columns.js";
import { customers } from "./customers.js";

// The customer-success history is kept as time-stamped rows, never overwritten, so that any
// score can be recomputed as of any moment (the churn model learns from what was known before
// a customer churned). Each table is read per customer and time window: hence the
// (customer_id, at) indexes.

const customerId = () =>
  uuid("customer_id")
    .notNull()
    .references(() => customers.id, { onDelete: "cascade" });

export const usageSnapshots = pgTable(
  "usage_snapshots",
  {
    id: id(),
    customerId: customerId(),
    at: timestamptz("at").notNull().defaultNow(),
    activeUsers: integer("active_users").notNull(),
    licensedSeats: integer("licensed_seats").notNull(),
  },
  (t) => [
    index("usage_snapshots_customer_at_idx").on(t.customerId, t.at),
    check("usage_snapshots_seats_check", sql`${t.licensedSeats} > 0 and ${t.activeUsers} >= 0`),
  ],
);

export const npsResponses = pgTable(
  "nps_responses",
  {
    id: id(),
    customerId: customerId(),
    at: timestamptz("at").notNull().defaultNow(),
    score: smallint("score").notNull(),
  },
  (t) => [
    index("nps_responses_customer_at_idx").on(t.customerId, t.at),
    check("nps_responses_score_check", sql`${t.score} between 0 and 10`),
  ],
);

export const csatResponses = pgTable(
  "csat_responses",
  {
    id: id(),
    customerId: customerId(),
    at: timestamptz("at").notNull().defaultNow(),
    score: smallint("score").notNull(),
  },
  (t) => [
    index("csat_responses_customer_at_idx").on(t.customerId, t.at),
    check("csat_responses_score_check", sql`${t.score} between 1 and 5`),
  ],
);

export const supportTickets = pgTable(
  "support_tickets",
  {
    id: id(),
    customerId: customerId(),
    openedAt: timestamptz("opened_at").notNull().defaultNow(),
  },
  (t) => [index("support_tickets_customer_opened_idx").on(t.customerId, t.openedAt)],
);

/**
 * The customer's billing history: one row when it starts paying and one per change of plan
 * or MRR. Lifetime value is the revenue these rows imply; a row with a higher MRR than the
 * one before it (and a paying one before it) is an upsell.
 */
export const planChanges = pgTable(
  "plan_changes",
  {
    id: id(),
    customerId: customerId(),
    at: timestamptz("at").notNull().defaultNow(),
    plan: text("plan"),
    mrrCents: integer("mrr_cents").notNull(),
    previousMrrCents: integer("previous_mrr_cents"),
    /**
     * The contract term this change signs, in months (1, 3, 6, 12, 24 or 36); null: it says
     * none and the term in force goes on (customers/contract-terms.ts: the term and its renewals
     * as of any moment are read from these rows).
     */
    termMonths: smallint("term_months"),
  },
  (t) => [
    index("plan_changes_customer_at_idx").on(t.customerId, t.at),
    check("plan_changes_mrr_check", sql`${t.mrrCents} >= 0`),
    check("plan_changes_term_months_check", sql`${t.termMonths} in (1, 3, 6, 12, 24, 36)`),
  ],
);

/**
 * The churns a re-activation ended, one row per re-activation: the customer was churned from
 * `churnedAt` until `reactivatedAt` and paid nothing in between. The churn still in force is
 * customers.churned_at; together they are every churn of the customer (billing periods, README
 * "Commissions").
 */
export const reactivations = pgTable(
  "reactivations",
  {
    id: id(),
    customerId: customerId(),
    churnedAt: timestamptz("churned_at").notNull(),
    churnReason: text("churn_reason"),
    reactivatedAt: timestamptz("reactivated_at").notNull(),
  },
  (t) => [
    index("reactivations_customer_churned_idx").on(t.customerId, t.churnedAt),
    check("reactivations_order_check", sql`${t.reactivatedAt} >= ${t.churnedAt}`),
  ],
);
