import { monthlyAmount, planOf, termMonthsOf, type PriceItem } from "./stripe.prices.js";
import { amount, currencyOf, idOf, isObj, optionalAmount, optionalSeconds, requiredId, seconds, StripeRejection, text, type Obj } from "./stripe.fields.js";

// Stripe event payloads read into the few facts Advocate uses, without I/O. Fields are read as
// every API version sends them: before 2025-03-31.basil an invoice names its `charge`,
// `payment_intent` and `subscription`, a charge its `invoice`; from basil on an invoice lists
// `payments.data[].payment.{payment_intent,charge}` and names its subscription under
// `parent.subscription_details`, and a charge names only its `payment_intent`. An expandable
// field may be an id or the expanded object. A payload that cannot be a valid Stripe object
// (a negative or fractional amount, an unknown currency) throws StripeRejection.

export { StripeRejection };

export interface StripeEnvelope {
  id: string;
  type: string;
  livemode: boolean;
  created: Date;
  apiVersion: string | null;
  object: Obj;
}

export interface CustomerFact {
  kind: "customer";
  stripeCustomerId: string;
  /** metadata.advocate_external_id, else the Stripe customer id. */
  externalId: string;
  /** Stripe's name, else its email, else its id. */
  name: string;
  email: string | null;
  createdAt: Date;
}

export interface CheckoutFact {
  kind: "checkout";
  stripeCustomerId: string | null;
  /** From client_reference_id = adv_<visitorId>. */
  visitorId: string | null;
  /** metadata.advocate_affiliate. */
  affiliateCode: string | null;
  externalId: string | null;
  name: string | null;
  email: string | null;
  /** The session's `created`: when the customer began the checkout (it pays during it). */
  startedAt: Date;
  /** The event's `created`. */
  completedAt: Date;
}

export interface SubscriptionFact {
  kind: "subscription";
  id: string;
  stripeCustomerId: string;
  status: string;
  plan: string;
  /** Monthly, in `currency`'s minor units (stripe.prices.ts). */
  mrrMinor: number;
  currency: string;
  /** The contract term of its main item's price interval (stripe.prices.ts); null: none. */
  termMonths: number | null;
  startedAt: Date;
  trialEnd: Date | null;
  /** customer.subscription.deleted: when it ended (ended_at, else canceled_at, else the event). */
  endedAt: Date | null;
  cancellationReason: string | null;
}

export interface InvoiceFact {
  kind: "invoice";
  id: string;
  stripeCustomerId: string | null;
  amountMinor: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  paidAt: Date;
  paymentIntentId: string | null;
  chargeId: string | null;
}

export interface InvoicePaymentFact {
  kind: "invoice_payment";
  invoiceId: string;
  paymentIntentId: string | null;
  chargeId: string | null;
}

export interface RefundFact {
  kind: "refund";
  chargeId: string;
  /** charge.invoice (before basil); null: found through the PaymentIntent. */
  invoiceId: string | null;
  paymentIntentId: string | null;
  /** Cumulative: charge.amount_refunded. */
  amountRefundedMinor: number;
  currency: string;
  refundedAt: Date;
}

export type StripeFact = CustomerFact | CheckoutFact | SubscriptionFact | InvoiceFact | InvoicePaymentFact | RefundFact;

/** The event types Advocate applies; any other is answered 200 and ignored. */
export const HANDLED_TYPES: ReadonlySet<string> = new Set([
  "customer.created",
  "customer.updated",
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice_payment.paid",
  "charge.refunded",
]);

/** The envelope of a Stripe event, or why the body is not one (answered 400: there is no id to record it by). */
export function readEnvelope(body: unknown): { ok: true; envelope: StripeEnvelope } | { ok: false; reason: string } {
  if (!isObj(body) || body.object !== "event") return { ok: false, reason: 'the body is not a Stripe event (an object with "object": "event")' };
  const { id, type, livemode, created, api_version: apiVersion, data } = body;
  if (typeof id !== "string" || id === "" || id.length > 255) return { ok: false, reason: "the event has no id" };
  if (typeof type !== "string" || type === "" || type.length > 255) return { ok: false, reason: "the event has no type" };
  if (typeof livemode !== "boolean") return { ok: false, reason: "the event's livemode is not a boolean" };
  if (!Number.isSafeInteger(created) || (created as number) < 0) return { ok: false, reason: "the event's created is not Unix seconds" };
  if (!isObj(data) || !isObj(data.object)) return { ok: false, reason: "the event has no data.object" };
  return {
    ok: true,
    envelope: { id, type, livemode, created: new Date((created as number) * 1000), apiVersion: typeof apiVersion === "string" ? apiVersion : null, object: data.object },
  };
}

/** The facts of a handled event type; null for any other type. Throws StripeRejection. */
export function factOf(event: StripeEnvelope): StripeFact | null {
  const o = event.object;
  switch (event.type) {
    case "customer.created":
    case "customer.updated":
      return customerFact(o);
    case "checkout.session.completed":
      return checkoutFact(o, event.created);
    case "customer.subscription.created":
    case "customer.subscription.updated":
    case "customer.subscription.deleted":
      return subscriptionFact(o, event.type === "customer.subscription.deleted" ? event.created : null);
    case "invoice.paid":
      return invoiceFact(o, event.created);
    case "invoice_payment.paid":
      return { kind: "invoice_payment", invoiceId: requiredId(o.invoice, "invoice_payment.invoice"), ...paymentIds(o.payment) };
    case "charge.refunded":
      return refundFact(o, event.created);
    default:
      return null;
  }
}

function customerFact(o: Obj): CustomerFact {
  const id = requiredId(o.id, "customer.id");
  const email = text(o.email);
  const externalId = isObj(o.metadata) ? text(o.metadata.advocate_external_id) : null;
  return { kind: "customer", stripeCustomerId: id, externalId: externalId ?? id, name: text(o.name) ?? email ?? id, email, createdAt: seconds(o.created, "customer.created") };
}

function checkoutFact(o: Obj, at: Date): CheckoutFact {
  const reference = text(o.client_reference_id);
  const visitor = reference?.match(/^adv_(.+)$/)?.[1] ?? null;
  const metadata = isObj(o.metadata) ? o.metadata : {};
  const details = isObj(o.customer_details) ? o.customer_details : {};
  return {
    kind: "checkout",
    stripeCustomerId: idOf(o.customer),
    visitorId: visitor,
    affiliateCode: text(metadata.advocate_affiliate),
    externalId: text(metadata.advocate_external_id),
    name: text(details.name),
    email: text(details.email) ?? text(o.customer_email),
    startedAt: new Date(Math.min((optionalSeconds(o.created, "checkout.session.created") ?? at).getTime(), at.getTime())),
    completedAt: at,
  };
}

function subscriptionFact(o: Obj, deletedAt: Date | null): SubscriptionFact {
  const id = requiredId(o.id, "subscription.id");
  const currency = currencyOf(o.currency, "subscription.currency");
  const items = isObj(o.items) && Array.isArray(o.items.data) ? o.items.data.filter(isObj) : [];
  const priced: PriceItem[] = items.map((item, i) => {
    const price = isObj(item.price) ? item.price : isObj(item.plan) ? item.plan : {};
    const recurring = isObj(price.recurring) ? price.recurring : price; // a legacy plan has interval at its top level
    if (price.currency !== undefined && currencyOf(price.currency, `items[${i}].price.currency`) !== currency) {
      throw new StripeRejection(`items[${i}].price.currency differs from the subscription's currency`);
    }
    return {
      unitAmount: optionalAmount(price.unit_amount ?? price.amount, `items[${i}].price.unit_amount`),
      quantity: billedQuantity(item.quantity == null ? 1 : amount(item.quantity, `items[${i}].quantity`), price.transform_quantity),
      interval: typeof recurring.interval === "string" ? recurring.interval : "month",
      intervalCount: recurring.interval_count == null ? 1 : amount(recurring.interval_count, `items[${i}].price.recurring.interval_count`),
      name: planOf(price),
    };
  });
  const monthly = priced.map(monthlyAmount);
  const main = monthly.indexOf(Math.max(...monthly, 0));
  const cancellation = isObj(o.cancellation_details) ? text(o.cancellation_details.reason) : null;
  const endedAt = deletedAt && (optionalSeconds(o.ended_at, "ended_at") ?? optionalSeconds(o.canceled_at, "canceled_at") ?? deletedAt);
  return {
    kind: "subscription",
    id,
    stripeCustomerId: requiredId(o.customer, "subscription.customer"),
    status: deletedAt ? "canceled" : (text(o.status) ?? "active"),
    plan: priced[main]?.name ?? id,
    mrrMinor: Math.round(monthly.reduce((sum, m) => sum + m, 0)),
    currency,
    termMonths: priced[main] ? termMonthsOf(priced[main]) : null,
    startedAt: optionalSeconds(o.start_date, "start_date") ?? seconds(o.created, "subscription.created"),
    trialEnd: optionalSeconds(o.trial_end, "trial_end"),
    endedAt,
    cancellationReason: cancellation,
  };
}

/** The units billed: the quantity, divided by transform_quantity.divide_by and rounded its way when the price has one. */
function billedQuantity(quantity: number, transform: unknown): number {
  if (!isObj(transform) || typeof transform.divide_by !== "number" || transform.divide_by <= 0) return quantity;
  const units = quantity / transform.divide_by;
  return transform.round === "up" ? Math.ceil(units) : Math.floor(units);
}

function invoiceFact(o: Obj, at: Date): InvoiceFact {
  const id = requiredId(o.id, "invoice.id");
  const total = o.total_excluding_tax ?? o.amount_paid;
  const lines = isObj(o.lines) && Array.isArray(o.lines.data) ? o.lines.data.filter(isObj) : [];
  // A subscription invoice's own period_start/period_end describe the period before it (usage
  // billed in arrears); its subscription lines carry the service period paid for.
  const service = lines.filter(isSubscriptionLine).map((line) => (isObj(line.period) ? line.period : {}));
  const starts = service.map((p) => optionalSeconds(p.start, "lines.period.start")).filter((d): d is Date => d !== null);
  const ends = service.map((p) => optionalSeconds(p.end, "lines.period.end")).filter((d): d is Date => d !== null);
  const transitions = isObj(o.status_transitions) ? o.status_transitions : {};
  const payments = isObj(o.payments) && Array.isArray(o.payments.data) ? o.payments.data.filter(isObj) : [];
  const paid = payments.find((p) => p.status === "paid") ?? payments[0];
  const fromList = paid ? paymentIds(paid.payment) : { paymentIntentId: null, chargeId: null };
  return {
    kind: "invoice",
    id,
    stripeCustomerId: idOf(o.customer),
    amountMinor: amount(total, o.total_excluding_tax != null ? "invoice.total_excluding_tax" : "invoice.amount_paid"),
    currency: currencyOf(o.currency, "invoice.currency"),
    periodStart: starts.length ? new Date(Math.min(...starts.map(Number))) : seconds(o.period_start, "invoice.period_start"),
    periodEnd: ends.length ? new Date(Math.max(...ends.map(Number))) : seconds(o.period_end, "invoice.period_end"),
    paidAt: optionalSeconds(transitions.paid_at, "status_transitions.paid_at") ?? at,
    paymentIntentId: idOf(o.payment_intent) ?? fromList.paymentIntentId,
    chargeId: idOf(o.charge) ?? fromList.chargeId,
  };
}

/** A line paying for a subscription: `type: "subscription"` before basil, a subscription_item_details parent from basil on. */
const isSubscriptionLine = (line: Obj) =>
  line.type === "subscription" || (isObj(line.parent) && line.parent.type === "subscription_item_details");

function refundFact(o: Obj, at: Date): RefundFact {
  const refunds = isObj(o.refunds) && Array.isArray(o.refunds.data) ? o.refunds.data.filter(isObj) : [];
  const latest = refunds.map((r) => optionalSeconds(r.created, "refunds.created")).filter((d): d is Date => d !== null);
  return {
    kind: "refund",
    chargeId: requiredId(o.id, "charge.id"),
    invoiceId: idOf(o.invoice),
    paymentIntentId: idOf(o.payment_intent),
    amountRefundedMinor: amount(o.amount_refunded, "charge.amount_refunded"),
    currency: currencyOf(o.currency, "charge.currency"),
    refundedAt: latest.length ? new Date(Math.max(...latest.map(Number))) : at,
  };
}

function paymentIds(payment: unknown): { paymentIntentId: string | null; chargeId: string | null } {
  if (!isObj(payment)) return { paymentIntentId: null, chargeId: null };
  return { paymentIntentId: idOf(payment.payment_intent), chargeId: idOf(payment.charge) };
}

