import { expect } from "vitest";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { SCORE_QUEUE_DELAY_MS } from "../../../src/intelligence/score-queue.js";
import { ManualClock } from "../../helpers/smtp.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, createCustomer } from "../../helpers/factories.js";

// Payments through the public API: the generic payment and refund events on POST /webhooks/events,
// read back through GraphQL. One app per test file (startPaymentsApp).

export const SECRET = "webhook-secret-for-payments";
export const DAY = 86_400_000;
/** A commission period: 30.4375 days from the referral. */
export const PERIOD = 30.4375 * DAY;

export interface PaymentsApp {
  t: TestApp;
  clock: ManualClock;
}

export async function startPaymentsApp(): Promise<PaymentsApp> {
  const clock = new ManualClock();
  const t = await startTestApp({ webhook: { secrets: [SECRET], maxBytes: 256 * 1024 } }, { clock });
  return { t, clock };
}

export type Outcome = { id: string; status: string; reason?: string };

/** Posts signed events; returns each one's outcome. */
export async function send({ t }: PaymentsApp, ...events: object[]): Promise<Outcome[]> {
  const body = JSON.stringify({ events });
  const res = await t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.events;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A `payment` event of `customerExternalId`, paid at `paidAt` (ms) for the 30 days from
 * `periodStart` (ms; default paidAt). A customer's revenue is its payments from its first
 * payment's period on: a first invoice for the period from the signup leaves no MRR counted.
 */
export const paymentEvent = (
  customerExternalId: string,
  fields: { externalId?: string; amountCents: number; currency?: string; paidAt: number; periodStart?: number; [k: string]: unknown },
) => {
  const { paidAt, periodStart = paidAt, ...rest } = fields;
  return {
    id: unique("evt-pay"),
    type: "payment",
    customerExternalId,
    at: iso(paidAt),
    externalId: unique("in"),
    currency: "usd",
    periodStart: iso(periodStart),
    periodEnd: iso(periodStart + 30 * DAY),
    ...rest,
  };
};

/** A `refund` event: the charge's cumulative refunded amount. */
export const refundEvent = (customerExternalId: string, fields: { chargeId: string; amountRefundedCents: number; currency?: string; at: number; [k: string]: unknown }) => {
  const { at, ...rest } = fields;
  return { id: unique("evt-refund"), type: "refund", customerExternalId, at: iso(at), currency: "usd", ...rest };
};

/** A PERCENT affiliate and its customer (MRR 10,000 cents a month), signed up and referred `daysAgo` days ago. */
export async function referredCustomer({ t }: PaymentsApp, daysAgo: number, percent = 20) {
  const affiliate = await createAffiliate(t, { commissionType: "PERCENT", commissionValue: percent });
  const referredAt = Date.now() - daysAgo * DAY;
  const customer = await createCustomer(t, { name: "Paying Customer", mrrCents: 10_000, signedUpAt: iso(referredAt) });
  await attribute(t, affiliate.code, customer.id, iso(referredAt));
  return { affiliate, customer, referredAt };
}

/** Rescoring follows a write through a durable job a second later: run it, then read. */
export async function lifetimeValue({ t, clock }: PaymentsApp, customerId: string): Promise<number> {
  clock.advanceMs(SCORE_QUEUE_DELAY_MS);
  await t.app.jobs.drain();
  return (await t.admin(`query($id: ID!) { customer(id: $id) { lifetimeValueCents } }`, { id: customerId })).data!.customer.lifetimeValueCents;
}

export async function runLedger({ t }: PaymentsApp) {
  const res = await t.admin(`mutation { runCommissionLedger { accrued adjusted voided refundVoided approved } }`);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.runCommissionLedger as { accrued: number; adjusted: number; voided: number; refundVoided: number; approved: number };
}

const ENTRY = "period revenueCents rate amountCents kind reason status voidReason";
export async function ledger({ t }: PaymentsApp, code: string) {
  const res = await t.admin(
    `query($c: String!) { affiliate(code: $c) { commissionBalance { pendingCents approvedCents carriedCents paidCents voidedCents } commissions { ${ENTRY} } } }`,
    { c: code },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.affiliate as { commissionBalance: Record<string, number>; commissions: Record<string, any>[] };
}

export async function paymentsOf({ t }: PaymentsApp, customerId: string) {
  const res = await t.admin(
    `query($id: ID!) { customer(id: $id) { payments { externalId amountCents refundedCents netCents currency programNetCents programCurrency waitingReason linked } } }`,
    { id: customerId },
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.customer.payments as Record<string, any>[];
}
