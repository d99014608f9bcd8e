import { and, eq, sql } from "drizzle-orm";
import type { Executor, Transaction } from "../db/client.js";
import { payments, refunds } from "../db/schema/index.js";
import type { ServiceContext } from "../common/service-context.js";
import { badInput } from "../common/errors.js";
import { currency as isoCurrencyOf, minorDigits } from "../common/currency.js";
import * as v from "../common/validate.js";
import { queueScoreRefresh } from "../intelligence/score-queue.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { PaymentSource } from "./payment.enums.js";
import { convertPayments, findPaymentForRefund, linkPaymentsOfProvider, linkWaitingRefunds, sumRefunds, type PaymentRow } from "./payment.repository.js";

// Payments and refunds (README, "Revenue and currency"): recorded idempotently, whatever the order
// of the events that report them; each write converts what it touched into the program currency
// and queues the customers' rescoring (lifetime value) in its transaction. The ledger reads them
// at its next run (billing-periods.ts, commission.repository.ts).

export interface PaymentInput {
  source: `${PaymentSource}`;
  /** The invoice id (Stripe in_…) or the sender's payment id: unique per source, the idempotency key. */
  externalId: string;
  /** The Advocate customer, when known. */
  customerId: string | null;
  /** E.g. Stripe cus_…: a payment with customerId null is kept unlinked (reported, never lost) and linked later. */
  providerCustomerId: string | null;
  /** Integer ≥ 0 in the currency's minor unit. */
  amountCents: number;
  /** ISO 4217, any case. */
  currency: string;
  /** The billing period it pays for. */
  periodStart: Date;
  periodEnd: Date;
  paidAt: Date;
  /** What refunds may reference. */
  paymentIntentId?: string | null;
  chargeId?: string | null;
}

export interface RefundInput {
  source: `${PaymentSource}`;
  /** The refunded charge (Stripe ch_…): the key. */
  chargeId: string;
  /** The invoice id (older Stripe API versions: charge.invoice). */
  paymentExternalId?: string | null;
  /** Basil and later: matched to the payment that recorded this payment intent. */
  paymentIntentId?: string | null;
  /** The charge's CUMULATIVE refunded amount (Stripe's charge.amount_refunded): replays and late events converge on the largest. */
  amountRefundedCents: number;
  currency: string;
  refundedAt: Date;
}

export type WriteStatus = "RECORDED" | "DUPLICATE" | "UPDATED";

/** Largest amount taken, in minor units (as every *Cents input: GraphQL Int). */
export const MAX_AMOUNT = v.LIMITS.cents;
const KEY_LIMIT = 255;

const key = (field: string, value: string | null | undefined) => v.optionalText(field, value, KEY_LIMIT);

function amount(field: string, value: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw badInput(field, "must be a non-negative integer in the currency's minor unit");
  if (value > MAX_AMOUNT) throw badInput(field, `must be at most ${MAX_AMOUNT}`);
  return value;
}

function source(value: string): PaymentSource {
  if (value !== PaymentSource.STRIPE && value !== PaymentSource.WEBHOOK) throw badInput("source", "must be STRIPE or WEBHOOK");
  return value;
}

function validDate(field: string, value: Date): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw badInput(field, "must be a valid date");
  return value;
}

/** A payment's input, checked and normalized (BAD_USER_INPUT naming the field), before any write. */
export function validatePayment(input: PaymentInput, now: Date) {
  const periodStart = validDate("periodStart", input.periodStart);
  const periodEnd = validDate("periodEnd", input.periodEnd);
  if (periodEnd < periodStart) throw badInput("periodEnd", "must not be before periodStart");
  const currency = isoCurrencyOf("currency", input.currency);
  return {
    source: source(input.source),
    externalId: v.requiredText("externalId", input.externalId, KEY_LIMIT),
    customerId: input.customerId == null ? null : v.id("customerId", input.customerId),
    providerCustomerId: key("providerCustomerId", input.providerCustomerId),
    amountCents: amount("amountCents", input.amountCents),
    currency,
    minorDigits: minorDigits(currency),
    periodStart,
    periodEnd,
    paidAt: v.pastDate("paidAt", validDate("paidAt", input.paidAt), now),
    paymentIntentId: key("paymentIntentId", input.paymentIntentId),
    chargeId: key("chargeId", input.chargeId),
  };
}

export function validateRefund(input: RefundInput, now: Date) {
  return {
    source: source(input.source),
    chargeId: v.requiredText("chargeId", input.chargeId, KEY_LIMIT),
    paymentExternalId: key("paymentExternalId", input.paymentExternalId),
    paymentIntentId: key("paymentIntentId", input.paymentIntentId),
    amountRefundedCents: amount("amountRefundedCents", input.amountRefundedCents),
    currency: isoCurrencyOf("currency", input.currency),
    refundedAt: v.pastDate("refundedAt", validDate("refundedAt", input.refundedAt), now),
  };
}

const sameTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * Records a payment, once per (source, externalId): a replay stores nothing (DUPLICATE); a later
 * report with other facts (the customer now known, another amount or period) updates it
 * (UPDATED). Refunds that arrived first are linked to it. Its currency never changes.
 */
export async function recordPayment(ctx: ServiceContext, input: PaymentInput, now = new Date()): Promise<{ status: WriteStatus; paymentId: string; linked: boolean }> {
  const values = validatePayment(input, now);
  const result = await ctx.db.transaction((tx) => applyPayment(tx, ctx.programCurrency, values, now));
  if (result.status !== "DUPLICATE") ctx.changes.publish({ kind: "jobs" });
  return result;
}

/** recordPayment's work in the caller's transaction (a webhook batch); the caller publishes { kind: "jobs" } after commit. */
export async function applyPayment(
  tx: Transaction,
  programCurrency: string,
  values: ReturnType<typeof validatePayment>,
  now: Date,
  /** The caller has read the customer already (not erased): no second read. */
  { customerChecked = false } = {},
) {
  if (values.customerId && !customerChecked) await getCustomerOrThrow(tx, values.customerId);
  // A new payment in the program currency is converted as it is stored (at 1, as convertPayments would).
  const inProgramCurrency = values.currency === programCurrency;
  const [inserted] = await tx
    .insert(payments)
    .values({ ...values, ...(inProgramCurrency ? { programCurrency, programRate: "1" } : {}), createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: [payments.source, payments.externalId] })
    .returning();
  let payment: PaymentRow;
  let status: WriteStatus;
  /** A payment moved to another customer takes its revenue from the one it left. */
  let previousCustomerId: string | null = null;
  if (inserted) {
    payment = inserted;
    status = "RECORDED";
  } else {
    const [existing] = await tx
      .select()
      .from(payments)
      .where(and(eq(payments.source, values.source), eq(payments.externalId, values.externalId)))
      .for("update");
    if (existing!.currency !== values.currency) throw badInput("currency", `the payment ${values.externalId} was recorded in ${existing!.currency}: its currency cannot change`);
    const next = {
      customerId: values.customerId ?? existing!.customerId,
      providerCustomerId: values.providerCustomerId ?? existing!.providerCustomerId,
      amountCents: values.amountCents,
      periodStart: values.periodStart,
      periodEnd: values.periodEnd,
      paidAt: values.paidAt,
      paymentIntentId: values.paymentIntentId ?? existing!.paymentIntentId,
      chargeId: values.chargeId ?? existing!.chargeId,
    };
    const changed =
      next.customerId !== existing!.customerId ||
      next.providerCustomerId !== existing!.providerCustomerId ||
      next.amountCents !== existing!.amountCents ||
      !sameTime(next.periodStart, existing!.periodStart) ||
      !sameTime(next.periodEnd, existing!.periodEnd) ||
      !sameTime(next.paidAt, existing!.paidAt) ||
      next.paymentIntentId !== existing!.paymentIntentId ||
      next.chargeId !== existing!.chargeId;
    if (!changed) return { status: "DUPLICATE" as const, paymentId: existing!.id, linked: existing!.customerId !== null };
    // refunded_cents is summed again below: a smaller amount must not leave it above the payment.
    const [updated] = await tx
      .update(payments)
      .set({ ...next, refundedCents: sql`least(${payments.refundedCents}, ${next.amountCents})`, updatedAt: now })
      .where(eq(payments.id, existing!.id))
      .returning();
    payment = updated!;
    status = "UPDATED";
    if (existing!.customerId !== payment.customerId) previousCustomerId = existing!.customerId;
  }
  // Three statements that do not wait on each other's answers, sent together (PostgreSQL runs
  // them in order: one round trip). A new payment has no refunds but those linked now: nothing to
  // sum if none were.
  const [linked] = await Promise.all([
    linkWaitingRefunds(tx, payment),
    inserted && inProgramCurrency ? null : convertPayments(tx, programCurrency, { ids: [payment.id] }),
    queueScoreRefresh(tx, [payment.customerId, previousCustomerId].filter((id): id is string => id !== null), now),
  ]);
  if (linked > 0 || status === "UPDATED") await sumRefunds(tx, payment.id);
  return { status, paymentId: payment.id, linked: payment.customerId !== null };
}

/**
 * Records a charge's refunds, keyed by (source, chargeId), with its cumulative refunded amount:
 * the largest reported wins, so a replay is a DUPLICATE and an older event arriving late changes
 * nothing. The refund is linked to its payment when that is known (by invoice id, payment intent
 * or charge), else kept and linked when the payment arrives.
 */
export async function recordRefund(ctx: ServiceContext, input: RefundInput, now = new Date()): Promise<RefundResult> {
  const values = validateRefund(input, now);
  const result = await ctx.db.transaction((tx) => applyRefund(tx, values, now));
  if (result.status !== "DUPLICATE") ctx.changes.publish({ kind: "jobs" });
  return result;
}

export interface RefundResult {
  status: WriteStatus;
  linked: boolean;
  /** The customer whose payment the refund lowered (null while unlinked, or DUPLICATE): its commissions are settled next (settleRefunds). */
  customerId: string | null;
}

/** recordRefund's work in the caller's transaction; the caller publishes { kind: "jobs" } after commit. */
export async function applyRefund(tx: Transaction, values: ReturnType<typeof validateRefund>, now: Date): Promise<RefundResult> {
  const payment = await findPaymentForRefund(tx, values.source, values);
  if (payment && payment.currency !== values.currency) {
    throw badInput("currency", `the refunded payment ${payment.externalId} is in ${payment.currency}, not ${values.currency}`);
  }
  const [existing] = await tx
    .select()
    .from(refunds)
    .where(and(eq(refunds.source, values.source), eq(refunds.chargeId, values.chargeId)))
    .for("update");
  let status: WriteStatus;
  let paymentId: string | null;
  if (!existing) {
    const [row] = await tx
      .insert(refunds)
      .values({ ...values, paymentId: payment?.id ?? null, createdAt: now, updatedAt: now })
      .returning();
    paymentId = row!.paymentId;
    status = "RECORDED";
  } else {
    if (existing.currency !== values.currency) throw badInput("currency", `the charge ${values.chargeId} was refunded in ${existing.currency}`);
    const grows = values.amountRefundedCents > existing.amountRefundedCents;
    const next = {
      amountRefundedCents: Math.max(values.amountRefundedCents, existing.amountRefundedCents),
      refundedAt: grows ? values.refundedAt : existing.refundedAt,
      paymentExternalId: existing.paymentExternalId ?? values.paymentExternalId,
      paymentIntentId: existing.paymentIntentId ?? values.paymentIntentId,
      paymentId: existing.paymentId ?? payment?.id ?? null,
    };
    const changed =
      grows || next.paymentExternalId !== existing.paymentExternalId || next.paymentIntentId !== existing.paymentIntentId || next.paymentId !== existing.paymentId;
    if (!changed) return { status: "DUPLICATE", linked: existing.paymentId !== null, customerId: null };
    await tx.update(refunds).set({ ...next, updatedAt: now }).where(eq(refunds.id, existing.id));
    paymentId = next.paymentId;
    status = "UPDATED";
  }
  let customerId: string | null = null;
  if (paymentId) {
    await sumRefunds(tx, paymentId);
    const owner = payment?.id === paymentId ? payment : (await tx.select().from(payments).where(eq(payments.id, paymentId)))[0];
    customerId = owner?.customerId ?? null;
    if (customerId) await queueScoreRefresh(tx, [customerId], now);
  }
  return { status, linked: paymentId !== null, customerId };
}

const isServiceContext = (target: ServiceContext | Executor): target is ServiceContext => "changes" in target && "db" in target;

/**
 * Links the unlinked payments of a provider customer (e.g. Stripe's customer.created arriving
 * after invoice.paid) to an Advocate customer, and queues its rescoring. With a ServiceContext it
 * runs in its own transaction and publishes; with an executor, in the caller's transaction (the
 * caller publishes { kind: "jobs" } after commit when this returns more than 0). Returns how many.
 */
export async function linkProviderPayments(target: ServiceContext | Executor, providerCustomerId: string, customerId: string, now = new Date()): Promise<number> {
  const provider = v.requiredText("providerCustomerId", providerCustomerId, KEY_LIMIT);
  const id = v.id("customerId", customerId);
  const work = async (ex: Executor) => {
    await getCustomerOrThrow(ex, id);
    const linked = await linkPaymentsOfProvider(ex, provider, id);
    if (linked.length > 0) await queueScoreRefresh(ex, [id], now);
    return linked.length;
  };
  if (!isServiceContext(target)) return work(target);
  const count = await target.db.transaction((tx) => work(tx));
  if (count > 0) target.changes.publish({ kind: "jobs" });
  return count;
}
