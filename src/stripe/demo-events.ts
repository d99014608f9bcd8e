import { randomBytes } from "node:crypto";

// Stripe-shaped events for the demo checkout (demo-checkout.route.ts), as Stripe sends them for
// a Checkout Session in subscription mode on API version 2025-03-31.basil: the fields Advocate
// reads, named and nested as in Stripe's API reference (stripe/openapi fixtures), no others.

export const DEMO_API_VERSION = "2025-03-31.basil";

/** The demo's plans, by price lookup_key: one place for their prices. */
export const DEMO_PLANS: Readonly<Record<string, { name: string; unitAmount: number; currency: string; interval: "month" | "year" }>> = {
  starter: { name: "Starter", unitAmount: 4_900, currency: "usd", interval: "month" },
  growth: { name: "Growth", unitAmount: 19_900, currency: "usd", interval: "month" },
};

export interface DemoCheckout {
  /** A key of DEMO_PLANS. */
  plan: string;
  /** client_reference_id = adv_<visitorId>, as the tracking snippet appends it. */
  clientReferenceId: string | null;
  /** metadata.advocate_affiliate. */
  affiliateCode?: string | null;
  /** Unix seconds of the checkout. */
  at: number;
}

export interface DemoIds {
  customer: string;
  session: string;
  subscription: string;
  invoice: string;
  paymentIntent: string;
  charge: string;
}

const token = (bytes = 12) => randomBytes(bytes).toString("hex");

/** A Stripe event around `object` (its envelope as webhook endpoints receive it). */
export function stripeEvent(type: string, object: Record<string, unknown>, created: number, apiVersion = DEMO_API_VERSION): Record<string, unknown> {
  return {
    id: `evt_${token()}`,
    object: "event",
    api_version: apiVersion,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${token(7)}`, idempotency_key: null },
    type,
  };
}

/** The four events of a completed checkout: customer.created, checkout.session.completed, customer.subscription.created, invoice.paid. */
export function demoCheckoutEvents(checkout: DemoCheckout): { ids: DemoIds; amount: number; events: Record<string, unknown>[] } {
  const plan = DEMO_PLANS[checkout.plan];
  if (!plan) throw new Error(`unknown demo plan ${checkout.plan}`);
  const t = checkout.at;
  const ids: DemoIds = {
    customer: `cus_${token(7)}`,
    session: `cs_test_${token(24)}`,
    subscription: `sub_${token(12)}`,
    invoice: `in_${token(12)}`,
    paymentIntent: `pi_${token(12)}`,
    charge: `ch_${token(12)}`,
  };
  const email = `demo-${token(4)}@example.com`;
  const name = `Demo customer ${token(2)}`;
  const end = t + (plan.interval === "month" ? 30 : 365) * 86_400;
  const price = {
    id: `price_${token(12)}`,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: t,
    currency: plan.currency,
    livemode: false,
    lookup_key: checkout.plan,
    metadata: {},
    nickname: plan.name,
    product: `prod_${token(7)}`,
    recurring: { interval: plan.interval, interval_count: 1, meter: null, usage_type: "licensed", trial_period_days: null },
    type: "recurring",
    unit_amount: plan.unitAmount,
    unit_amount_decimal: String(plan.unitAmount),
  };
  const customer = { id: ids.customer, object: "customer", created: t, currency: plan.currency, email, livemode: false, metadata: {}, name };
  const session = {
    id: ids.session,
    object: "checkout.session",
    client_reference_id: checkout.clientReferenceId,
    created: t,
    currency: plan.currency,
    customer: ids.customer,
    customer_details: { email, name },
    customer_email: null,
    invoice: ids.invoice,
    livemode: false,
    metadata: checkout.affiliateCode ? { advocate_affiliate: checkout.affiliateCode } : {},
    mode: "subscription",
    payment_status: "paid",
    status: "complete",
    subscription: ids.subscription,
    amount_total: plan.unitAmount,
  };
  const subscription = {
    id: ids.subscription,
    object: "subscription",
    created: t,
    currency: plan.currency,
    customer: ids.customer,
    ended_at: null,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    items: {
      object: "list",
      data: [{ id: `si_${token(7)}`, object: "subscription_item", created: t, current_period_start: t, current_period_end: end, price, quantity: 1, subscription: ids.subscription }],
      has_more: false,
    },
    latest_invoice: ids.invoice,
    livemode: false,
    metadata: {},
    start_date: t,
    status: "active",
    trial_end: null,
    trial_start: null,
  };
  const invoice = {
    id: ids.invoice,
    object: "invoice",
    amount_due: plan.unitAmount,
    amount_paid: plan.unitAmount,
    amount_remaining: 0,
    billing_reason: "subscription_create",
    created: t,
    currency: plan.currency,
    customer: ids.customer,
    customer_email: email,
    customer_name: name,
    lines: {
      object: "list",
      data: [
        {
          id: `il_${token(12)}`,
          object: "line_item",
          amount: plan.unitAmount,
          currency: plan.currency,
          invoice: ids.invoice,
          livemode: false,
          period: { start: t, end },
          quantity: 1,
          parent: { type: "subscription_item_details", subscription_item_details: { proration: false, subscription: ids.subscription, subscription_item: `si_${token(7)}`, invoice_item: null } },
        },
      ],
      has_more: false,
    },
    livemode: false,
    parent: { type: "subscription_details", subscription_details: { metadata: {}, subscription: ids.subscription } },
    payments: {
      object: "list",
      data: [{ id: `inpay_${token(12)}`, object: "invoice_payment", amount_paid: plan.unitAmount, currency: plan.currency, invoice: ids.invoice, is_default: true, livemode: false, payment: { type: "payment_intent", payment_intent: ids.paymentIntent }, status: "paid" }],
      has_more: false,
    },
    period_end: t,
    period_start: t,
    status: "paid",
    status_transitions: { finalized_at: t, marked_uncollectible_at: null, paid_at: t, voided_at: null },
    subtotal: plan.unitAmount,
    subtotal_excluding_tax: plan.unitAmount,
    total: plan.unitAmount,
    total_excluding_tax: plan.unitAmount,
  };
  return {
    ids,
    amount: plan.unitAmount,
    events: [
      stripeEvent("customer.created", customer, t),
      stripeEvent("checkout.session.completed", session, t),
      stripeEvent("customer.subscription.created", subscription, t),
      stripeEvent("invoice.paid", invoice, t),
    ],
  };
}

/** charge.refunded of a demo checkout's charge (basil: the charge names its PaymentIntent, not its invoice). */
export function demoRefundEvent(ids: DemoIds, amountRefunded: number, amount: number, currency: string, at: number): Record<string, unknown> {
  const charge = {
    id: ids.charge,
    object: "charge",
    amount,
    amount_captured: amount,
    amount_refunded: amountRefunded,
    created: at,
    currency,
    customer: ids.customer,
    livemode: false,
    paid: true,
    payment_intent: ids.paymentIntent,
    refunded: amountRefunded >= amount,
    refunds: { object: "list", data: [{ id: `re_${token(12)}`, object: "refund", amount: amountRefunded, charge: ids.charge, created: at, currency, payment_intent: ids.paymentIntent, status: "succeeded" }], has_more: false },
    status: "succeeded",
  };
  return stripeEvent("charge.refunded", charge, at);
}
