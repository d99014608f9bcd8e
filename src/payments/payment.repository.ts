import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { equalsOrAll } from "../db/filters.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { exchangeRates, payments, refunds } from "../db/schema/index.js";
import { minorDigits } from "../common/currency.js";
import { MONTH_SECONDS } from "../customers/billing-periods.js";
import type { PaymentSource } from "./payment.enums.js";

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type ExchangeRateRow = typeof exchangeRates.$inferSelect;

/**
 * The rate that converts one minor unit of payment `p` into program-currency minor units: 1 in the
 * program currency; else the admin's rate (units per unit) in force at its paid_at, the first one
 * recorded for a payment older than every rate, scaled by the two minor units; null: none yet.
 */
const rateFor = (programCurrency: string) => sql`case when p.currency = ${programCurrency} then 1::numeric else
  coalesce(
    (select r.rate from exchange_rates r where r.currency = p.currency and r.quote_currency = ${programCurrency} and r.effective_from <= p.paid_at
      order by r.effective_from desc limit 1),
    (select r.rate from exchange_rates r where r.currency = p.currency and r.quote_currency = ${programCurrency}
      order by r.effective_from limit 1)
  ) * power(10::numeric, ${minorDigits(programCurrency)} - p.minor_digits) end`;

/**
 * Converts payments (of one currency, of some ids, or all) into `programCurrency` with the rates
 * in force, writing only those whose rate changed. Returns the customers whose revenue moved.
 */
export async function convertPayments(ex: Executor, programCurrency: string, only: { currency?: string; ids?: readonly string[] } = {}): Promise<string[]> {
  const rows = await queryRows<{ customer_id: string | null }>(
    ex,
    sql`with calc as (
          select p.id, ${rateFor(programCurrency)} as rate from payments p
           where ${equalsOrAll(sql`p.currency`, only.currency, "text")}
             and ${only.ids ? sql`p.id = any(${pgArrayLiteral(only.ids)}::uuid[])` : sql`true`}
        )
        update payments p set program_rate = calc.rate, program_currency = ${programCurrency}
          from calc
         where calc.id = p.id and (p.program_rate is distinct from calc.rate or p.program_currency is distinct from ${programCurrency})
        returning p.customer_id`,
  );
  return [...new Set(rows.map((r) => r.customer_id).filter((id): id is string => id !== null))];
}

/** The payment a refund belongs to: by invoice id first, then payment intent, then charge. */
export async function findPaymentForRefund(
  ex: Executor,
  source: PaymentSource,
  keys: { paymentExternalId: string | null; paymentIntentId: string | null; chargeId: string },
): Promise<PaymentRow | undefined> {
  const [row] = await ex
    .select()
    .from(payments)
    .where(
      sql`${payments.source} = ${source} and (${payments.externalId} = ${keys.paymentExternalId} or ${payments.paymentIntentId} = ${keys.paymentIntentId} or ${payments.chargeId} = ${keys.chargeId})`,
    )
    .orderBy(sql`(${payments.externalId} = ${keys.paymentExternalId}) is true desc`, sql`(${payments.paymentIntentId} = ${keys.paymentIntentId}) is true desc`)
    .limit(1)
    .for("update");
  return row;
}

/** Links the refunds that arrived before payment `p` (same source and currency; by invoice id, payment intent or charge). */
export async function linkWaitingRefunds(ex: Executor, p: PaymentRow): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`update refunds set payment_id = ${p.id}, updated_at = now()
         where source = ${p.source} and payment_id is null and currency = ${p.currency}
           and (payment_external_id = ${p.externalId} or payment_intent_id = ${p.paymentIntentId} or charge_id = ${p.chargeId})
        returning id`,
  );
  return rows.length;
}

/** A payment's refunded amount: its refunds' cumulative amounts summed, never above the payment. Returns whether it changed. */
export async function sumRefunds(ex: Executor, paymentId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`with total as (select least(p.amount_cents, coalesce((select sum(r.amount_refunded_cents) from refunds r where r.payment_id = p.id), 0))::bigint as cents
                         from payments p where p.id = ${paymentId})
        update payments set refunded_cents = total.cents, updated_at = now() from total
         where payments.id = ${paymentId} and payments.refunded_cents <> total.cents
        returning payments.id`,
  );
  return rows.length > 0;
}

/** Links the unlinked payments of a provider customer (any source) to `customerId`; their ids. */
export async function linkPaymentsOfProvider(ex: Executor, providerCustomerId: string, customerId: string): Promise<string[]> {
  const rows = await ex
    .update(payments)
    .set({ customerId, updatedAt: new Date() })
    .where(and(eq(payments.providerCustomerId, providerCustomerId), isNull(payments.customerId)))
    .returning({ id: payments.id });
  return rows.map((r) => r.id);
}

export function paymentsOfCustomers(ex: Executor, customerIds: readonly string[]): Promise<PaymentRow[]> {
  return ex
    .select()
    .from(payments)
    .where(inArray(payments.customerId, [...customerIds]))
    .orderBy(desc(payments.paidAt), desc(payments.id));
}

export function unlinkedPayments(ex: Executor, limit: number): Promise<PaymentRow[]> {
  return ex.select().from(payments).where(isNull(payments.customerId)).orderBy(desc(payments.paidAt), desc(payments.id)).limit(limit);
}

/** The rates recorded, by pair and date (all, or of one currency). */
export function listExchangeRates(ex: Executor, currency: string | null): Promise<ExchangeRateRow[]> {
  return ex
    .select()
    .from(exchangeRates)
    .where(currency === null ? undefined : eq(exchangeRates.currency, currency))
    .orderBy(asc(exchangeRates.currency), asc(exchangeRates.quoteCurrency), desc(exchangeRates.effectiveFrom));
}

/** Records (or, at the same moment, corrects) a rate. */
export async function upsertExchangeRate(ex: Executor, values: { currency: string; quoteCurrency: string; rate: string; effectiveFrom: Date }): Promise<ExchangeRateRow> {
  const [row] = await ex
    .insert(exchangeRates)
    .values(values)
    .onConflictDoUpdate({ target: [exchangeRates.currency, exchangeRates.quoteCurrency, exchangeRates.effectiveFrom], set: { rate: values.rate, createdAt: new Date() } })
    .returning();
  return row!;
}


export interface WaitingCommissionRow {
  affiliateId: string;
  customerId: string;
  customerName: string;
  paymentId: string;
  period: number;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  programCurrency: string | null;
  netCents: number;
}

/**
 * The payments of affiliates' referred customers that no exchange rate converts yet, with the
 * commission period (30.4375 days from the referral) they hold back: one statement per batch.
 */
export async function waitingCommissions(ex: Executor, affiliateIds: readonly string[]): Promise<WaitingCommissionRow[]> {
  const rows = await queryRows<Record<string, string | number | Date | null>>(
    ex,
    sql`
    with k as (
      select r.affiliate_id, r.customer_id, c.name as customer_name, r.referred_at, x.id as payment_id, x.currency, x.program_currency,
             x.amount_cents - x.refunded_cents as net_cents,
             floor(extract(epoch from x.paid_at - r.referred_at) / ${MONTH_SECONDS})::int as period
        from referrals r
        join customers c on c.id = r.customer_id
        join payments x on x.customer_id = r.customer_id and x.paid_at >= r.referred_at and x.program_rate is null
       where r.affiliate_id = any(${pgArrayLiteral(affiliateIds)}::uuid[])
    )
    select k.*, k.referred_at + k.period * interval '${sql.raw(String(MONTH_SECONDS))} seconds' as period_start,
           k.referred_at + (k.period + 1) * interval '${sql.raw(String(MONTH_SECONDS))} seconds' as period_end
      from k order by k.affiliate_id, period_start, k.payment_id`,
  );
  return rows.map((r) => ({
    affiliateId: String(r.affiliate_id),
    customerId: String(r.customer_id),
    customerName: String(r.customer_name),
    paymentId: String(r.payment_id),
    period: Number(r.period),
    periodStart: new Date(r.period_start as string),
    periodEnd: new Date(r.period_end as string),
    currency: String(r.currency),
    programCurrency: r.program_currency === null ? null : String(r.program_currency),
    netCents: Number(r.net_cents),
  }));
}
