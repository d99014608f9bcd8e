import { sql } from "drizzle-orm";
import { bigint, check, index, numeric, pgEnum, pgTable, smallint, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enumValues, id, lifecycleDates, timestamptz } from "./columns.js";
import { customers } from "./customers.js";
import { PaymentSource } from "../../payments/payment.enums.js";

export const paymentSource = pgEnum("payment_source", enumValues(PaymentSource));

const ISO_CURRENCY = "'^[A-Z]{3}$'";

/**
 * A payment a customer made (a paid invoice), in its own currency's minor unit. Revenue of a
 * customer with payments is these, less refunds, converted to the program currency
 * (billing-periods.ts). customer_id is null while the payer is unknown (unlinked: kept and
 * reported, linked when its provider customer is). refunded_cents is the sum of its refunds'
 * cumulative amounts, at most the amount; program_rate converts one minor unit into program
 * currency minor units, null while no exchange rate applies (its commission waits).
 */
export const payments = pgTable(
  "payments",
  {
    id: id(),
    source: paymentSource("source").notNull(),
    /** The invoice id (Stripe in_…) or the sender's payment id: the idempotency key within the source. */
    externalId: text("external_id").notNull(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    providerCustomerId: text("provider_customer_id"),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** Digits of the currency's minor unit (common/currency.ts), fixed with the payment. */
    minorDigits: smallint("minor_digits").notNull(),
    refundedCents: bigint("refunded_cents", { mode: "number" }).notNull().default(0),
    periodStart: timestamptz("period_start").notNull(),
    periodEnd: timestamptz("period_end").notNull(),
    paidAt: timestamptz("paid_at").notNull(),
    paymentIntentId: text("payment_intent_id"),
    chargeId: text("charge_id"),
    /** The program currency program_rate converts into (PROGRAM_CURRENCY when it was converted). */
    programCurrency: text("program_currency"),
    programRate: numeric("program_rate"),
    ...lifecycleDates,
  },
  (t) => [
    // Idempotency: one payment per invoice and source, whatever the order or number of events.
    uniqueIndex("payments_source_external_key").on(t.source, t.externalId),
    // Revenue reads a customer's payments by time (lifetime value as of a moment, ledger periods).
    index("payments_customer_paid_idx").on(t.customerId, t.paidAt),
    // Linking finds the unlinked payments of one provider customer (customer.created after invoice.paid).
    index("payments_unlinked_provider_idx").on(t.source, t.providerCustomerId).where(sql`${t.customerId} is null`),
    // Refunds find their payment by payment intent (Stripe basil and later) or charge.
    index("payments_payment_intent_idx").on(t.source, t.paymentIntentId).where(sql`${t.paymentIntentId} is not null`),
    index("payments_charge_idx").on(t.source, t.chargeId).where(sql`${t.chargeId} is not null`),
    // A new exchange rate reconverts the payments of its currency.
    index("payments_currency_idx").on(t.currency),
    check("payments_amount_check", sql`${t.amountCents} >= 0`),
    check("payments_refunded_check", sql`${t.refundedCents} >= 0 and ${t.refundedCents} <= ${t.amountCents}`),
    check("payments_currency_check", sql`${t.currency} ~ ${sql.raw(ISO_CURRENCY)}`),
    check("payments_period_check", sql`${t.periodEnd} >= ${t.periodStart}`),
    check("payments_rate_check", sql`${t.programRate} is null or ${t.programRate} > 0`),
  ],
);

/**
 * A refunded charge: its cumulative refunded amount (Stripe's charge.amount_refunded), so
 * replays and events out of order converge on the largest. payment_id is null until its payment
 * is known (a refund may arrive first); it is matched by invoice id, payment intent or charge.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: id(),
    source: paymentSource("source").notNull(),
    chargeId: text("charge_id").notNull(),
    paymentId: uuid("payment_id").references(() => payments.id, { onDelete: "cascade" }),
    paymentExternalId: text("payment_external_id"),
    paymentIntentId: text("payment_intent_id"),
    amountRefundedCents: bigint("amount_refunded_cents", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    refundedAt: timestamptz("refunded_at").notNull(),
    ...lifecycleDates,
  },
  (t) => [
    // Idempotency: one row per refunded charge; its amount only grows.
    uniqueIndex("refunds_source_charge_key").on(t.source, t.chargeId),
    // A payment sums its refunds.
    index("refunds_payment_idx").on(t.paymentId),
    // A payment arriving after its refund finds it by invoice id or payment intent.
    index("refunds_unlinked_external_idx").on(t.source, t.paymentExternalId).where(sql`${t.paymentId} is null`),
    index("refunds_unlinked_intent_idx").on(t.source, t.paymentIntentId).where(sql`${t.paymentId} is null`),
    check("refunds_amount_check", sql`${t.amountRefundedCents} >= 0`),
    check("refunds_currency_check", sql`${t.currency} ~ ${sql.raw(ISO_CURRENCY)}`),
  ],
);

/**
 * Exchange rates an admin recorded: units of `quote_currency` (the program currency then) per
 * one unit of `currency`, in force from `effective_from` until the next one. History is kept: a
 * payment converts at the rate in force at its paid_at.
 */
export const exchangeRates = pgTable(
  "exchange_rates",
  {
    id: id(),
    currency: text("currency").notNull(),
    quoteCurrency: text("quote_currency").notNull(),
    rate: numeric("rate").notNull(),
    effectiveFrom: timestamptz("effective_from").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    // The rate in force at a moment is the latest one from before it: this key, read backwards.
    uniqueIndex("exchange_rates_pair_from_key").on(t.currency, t.quoteCurrency, t.effectiveFrom),
    check("exchange_rates_rate_check", sql`${t.rate} > 0`),
    check("exchange_rates_currency_check", sql`${t.currency} ~ ${sql.raw(ISO_CURRENCY)} and ${t.quoteCurrency} ~ ${sql.raw(ISO_CURRENCY)}`),
  ],
);
