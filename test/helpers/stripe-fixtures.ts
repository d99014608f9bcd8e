import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import Stripe from "stripe";

// Stripe payloads for tests, made from Stripe's own example objects (test/fixtures/stripe: the
// resources of stripe/openapi's openapi/fixtures3.json, before and after 2025-03-31.basil), with
// the fields a test is about set on a deep copy. Nothing is invented: every field set here is one
// the fixture has (or, for basil's includable invoice.payments, the invoice_payment fixture).

export type ApiVersion = "acacia" | "basil";

/** The API versions the two fixture files are of. */
export const API_VERSIONS: Record<ApiVersion, string> = { acacia: "2025-02-24.acacia", basil: "2025-03-31.basil" };

type Obj = Record<string, any>;

const fixtures: Record<ApiVersion, Obj> = {
  acacia: JSON.parse(readFileSync(new URL("../fixtures/stripe/acacia.json", import.meta.url), "utf8")),
  basil: JSON.parse(readFileSync(new URL("../fixtures/stripe/basil.json", import.meta.url), "utf8")),
};

const copy = <T>(value: T): T => structuredClone(value);
const token = () => randomBytes(8).toString("hex");
export const stripeId = (prefix: string) => `${prefix}_${token()}`;
export const unixNow = () => Math.floor(Date.now() / 1000);

export function customerObject(version: ApiVersion, fields: { id?: string; name?: string | null; email?: string | null; metadata?: Obj; created?: number }): Obj {
  return { ...copy(fixtures[version].customer), id: stripeId("cus"), created: unixNow(), ...fields };
}

export interface ItemFields {
  lookupKey?: string | null;
  nickname?: string | null;
  product?: string | Obj;
  unitAmount: number | null;
  quantity?: number;
  interval?: "day" | "week" | "month" | "year";
  intervalCount?: number;
  currency?: string;
}

export function subscriptionObject(
  version: ApiVersion,
  fields: { customer: string; id?: string; status?: string; currency?: string; items: ItemFields[]; trialEnd?: number | null; endedAt?: number | null; canceledAt?: number | null; created?: number },
): Obj {
  const base = copy(fixtures[version].subscription);
  const id = fields.id ?? stripeId("sub");
  const created = fields.created ?? unixNow();
  const currency = fields.currency ?? "usd";
  const template = base.items.data[0];
  base.items.data = fields.items.map((item) => {
    const entry = copy(template);
    entry.id = stripeId("si");
    entry.subscription = id;
    entry.quantity = item.quantity ?? 1;
    Object.assign(entry.price, {
      id: stripeId("price"),
      currency: item.currency ?? currency,
      lookup_key: item.lookupKey ?? null,
      nickname: item.nickname ?? null,
      product: item.product ?? stripeId("prod"),
      unit_amount: item.unitAmount,
      unit_amount_decimal: item.unitAmount === null ? null : String(item.unitAmount),
      transform_quantity: null,
    });
    Object.assign(entry.price.recurring, { interval: item.interval ?? "month", interval_count: item.intervalCount ?? 1 });
    if (entry.plan) entry.plan = null; // the legacy plan mirrors the price; the fixture's is a placeholder
    return entry;
  });
  return Object.assign(base, {
    id,
    customer: fields.customer,
    currency,
    status: fields.status ?? "active",
    created,
    start_date: created,
    trial_end: fields.trialEnd ?? null,
    trial_start: fields.trialEnd ? created : null,
    ended_at: fields.endedAt ?? null,
    canceled_at: fields.canceledAt ?? null,
    cancel_at: null,
    cancel_at_period_end: false,
  });
}

export interface InvoiceFields {
  customer: string;
  subscription: string;
  id?: string;
  amount: number;
  currency?: string;
  periodStart: number;
  periodEnd: number;
  paymentIntent?: string;
  charge?: string;
  paidAt?: number;
}

/**
 * A paid subscription invoice. Before basil it names its charge, payment_intent and subscription;
 * from basil on, its payments list names the PaymentIntent and parent.subscription_details the
 * subscription. Its own period_start/period_end are the previous period (as Stripe's are for a
 * subscription invoice); its line's period is the one paid for.
 */
export function invoiceObject(version: ApiVersion, fields: InvoiceFields): Obj {
  const base = copy(fixtures[version].invoice);
  const id = fields.id ?? stripeId("in");
  const currency = fields.currency ?? "usd";
  const line = base.lines.data[0];
  Object.assign(line, { id: stripeId("il"), invoice: id, amount: fields.amount, currency, period: { start: fields.periodStart, end: fields.periodEnd }, description: "1 × Plan" });
  const previous = fields.periodStart - (fields.periodEnd - fields.periodStart);
  Object.assign(base, {
    id,
    customer: fields.customer,
    currency,
    amount_due: fields.amount,
    amount_paid: fields.amount,
    amount_remaining: 0,
    subtotal: fields.amount,
    subtotal_excluding_tax: fields.amount,
    total: fields.amount,
    total_excluding_tax: fields.amount,
    billing_reason: "subscription_cycle",
    period_start: previous,
    period_end: fields.periodStart,
    status: "paid",
    status_transitions: { ...base.status_transitions, paid_at: fields.paidAt ?? fields.periodStart },
  });
  if (version === "acacia") {
    Object.assign(line, { type: "subscription", subscription: fields.subscription, invoice_item: null });
    Object.assign(base, { subscription: fields.subscription, charge: fields.charge ?? null, payment_intent: fields.paymentIntent ?? null });
  } else {
    line.parent = { ...line.parent, type: "subscription_item_details", invoice_item_details: null, subscription_item_details: { ...line.parent.subscription_item_details, subscription: fields.subscription, proration: false } };
    base.parent = { ...base.parent, type: "subscription_details", quote_details: null, subscription_details: { metadata: {}, subscription: fields.subscription } };
    const payment = copy(fixtures.basil.invoice_payment);
    Object.assign(payment, { id: stripeId("inpay"), invoice: id, currency, amount_paid: fields.amount, amount_requested: fields.amount, status: "paid", livemode: false });
    payment.payment = { type: "payment_intent", payment_intent: fields.paymentIntent ?? null };
    base.payments = { object: "list", data: [payment], has_more: false, url: `/v1/invoices/${id}/payments` };
  }
  return base;
}

/** A refunded charge: cumulative amount_refunded; before basil it names its invoice, from basil on only its PaymentIntent. */
export function chargeObject(version: ApiVersion, fields: { id: string; customer: string; amount: number; amountRefunded: number; invoice?: string; paymentIntent?: string; currency?: string; refundedAt?: number }): Obj {
  const base = copy(fixtures[version].charge);
  const currency = fields.currency ?? "usd";
  const refund = { ...copy(fixtures[version].refund), id: stripeId("re"), amount: fields.amountRefunded, charge: fields.id, currency, created: fields.refundedAt ?? unixNow(), payment_intent: fields.paymentIntent ?? null, status: "succeeded" };
  Object.assign(base, {
    id: fields.id,
    customer: fields.customer,
    amount: fields.amount,
    amount_captured: fields.amount,
    captured: true,
    amount_refunded: fields.amountRefunded,
    refunded: fields.amountRefunded >= fields.amount,
    currency,
    payment_intent: fields.paymentIntent ?? null,
    refunds: { ...base.refunds, data: [refund], url: `/v1/charges/${fields.id}/refunds` },
  });
  if (version === "acacia") base.invoice = fields.invoice ?? null;
  return base;
}

export function checkoutSessionObject(version: ApiVersion, fields: { customer: string | null; clientReferenceId?: string | null; metadata?: Obj; name?: string | null; email?: string | null; subscription?: string | null }): Obj {
  const base = copy(fixtures[version]["checkout.session"]);
  return Object.assign(base, {
    id: stripeId("cs_test"),
    customer: fields.customer,
    client_reference_id: fields.clientReferenceId ?? null,
    metadata: fields.metadata ?? {},
    customer_details: { ...base.customer_details, name: fields.name ?? null, email: fields.email ?? null },
    mode: "subscription",
    status: "complete",
    payment_status: "paid",
    subscription: fields.subscription ?? null,
  });
}

/** An event around `object`, as a webhook endpoint receives it. */
export function stripeEventOf(version: ApiVersion, type: string, object: Obj, fields: { id?: string; created?: number; livemode?: boolean } = {}): Obj {
  return {
    id: fields.id ?? stripeId("evt"),
    object: "event",
    api_version: API_VERSIONS[version],
    created: fields.created ?? unixNow(),
    data: { object },
    livemode: fields.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

const stripe = new Stripe("sk_test_not_used");

/** The Stripe-Signature header Stripe would send for `payload` (the stripe package's own test helper). */
export const signatureFor = (payload: string, secret: string, timestamp?: number) => stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp === undefined ? {} : { timestamp }) });
