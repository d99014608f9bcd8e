import { index, integer, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { enumValues, id, lifecycleDates, timestamptz } from "./columns.js";
import { CustomerStatus } from "../../customers/customer.enums.js";

export const customerStatus = pgEnum("customer_status", enumValues(CustomerStatus));

export const customers = pgTable(
  "customers",
  {
    id: id(),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    /** Normalized: trimmed, lower-case, inner spaces collapsed (see common/normalize.ts). */
    niche: text("niche"),
    plan: text("plan"),
    mrrCents: integer("mrr_cents").notNull().default(0),
    acquisitionChannel: text("acquisition_channel"),
    status: customerStatus("status").notNull().default("ACTIVE"),
    signedUpAt: timestamptz("signed_up_at").notNull().defaultNow(),
    churnedAt: timestamptz("churned_at"),
    churnReason: text("churn_reason"),
    /** What customer success spends to keep this customer, per month (CRC). */
    retentionCostCents: integer("retention_cost_cents").notNull().default(0),
    /** The billing system's status of its subscription (Stripe: trialing, active, past_due, canceled, …); null: not billed there. */
    billingStatus: text("billing_status"),
    /** When its trial ends (Stripe's trial_end); null: not in a trial. */
    trialEndsAt: timestamptz("trial_ends_at"),
    /**
     * When eraseCustomer erased it (README, "Erasure"): the row stays as an anonymized tombstone
     * because referrals, commission entries and payments still reference it; null: not erased.
     */
    erasedAt: timestamptz("erased_at"),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex("customers_external_id_key").on(t.externalId),
    // Dashboards and landing pages filter by niche; the success-pattern queries group by it.
    index("customers_niche_idx").on(t.niche),
    index("customers_status_idx").on(t.status),
  ],
);
