import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { loadContractTerms } from "../../../src/customers/contract-terms.js";
import { importCustomersCsv } from "../../../src/ingestion/import.service.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { ManualClock } from "../../helpers/smtp.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { createCustomer, DAY_MS } from "../../helpers/factories.js";
import { customerObject, signatureFor, stripeEventOf, subscriptionObject, unixNow, type ItemFields } from "../../helpers/stripe-fixtures.js";

// Contract terms: a plan change may sign termMonths (GraphQL, the event webhook, the import, a
// Stripe price's interval); Customer.termMonths and renewsAt follow, and the SQL the churn model
// reads says what the term and the next renewal were at any past moment.

const WEBHOOK_SECRET = "webhook-secret-terms";
const STRIPE_SECRET = "whsec_test_terms";
const clock = new ManualClock();
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [WEBHOOK_SECRET] }, stripe: { webhookSecrets: [STRIPE_SECRET] } }, { clock });
  dir = mkdtempSync(join(tmpdir(), "advocate-terms-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `date` plus `months` calendar months in UTC, clamped to the month's last day (Jan 31 + 1 = Feb 28). */
function addMonths(date: Date, months: number): Date {
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  target.setUTCHours(date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
  return target;
}

const TERM_FIELDS = "plan mrrCents status termMonths renewsAt";
const view = async (id: string) => (await t.admin(`query($id: ID!) { customer(id: $id) { ${TERM_FIELDS} } }`, { id })).data!.customer;
const planChange = (customerId: string, fields: { plan?: string; mrrCents?: number; at: string; termMonths?: number | null }) =>
  t.admin(`mutation($c: ID!, $p: String!, $m: Int!, $at: DateTime, $tm: Int) { recordPlanChange(customerId: $c, plan: $p, mrrCents: $m, at: $at, termMonths: $tm) { ${TERM_FIELDS} } }`, {
    c: customerId,
    p: fields.plan ?? "growth",
    m: fields.mrrCents ?? 20_000,
    at: fields.at,
    tm: fields.termMonths,
  });
const storedTerms = async (customerId: string) =>
  (await queryRows<{ term_months: number | null }>(t.database.db, sql`select term_months from plan_changes where customer_id = ${customerId} order by at, id`)).map((r) => r.term_months);

describe("recordPlanChange(termMonths)", () => {
  it("signs a term that renews every termMonths from the change that set it; changes without a term, or with the same, keep its dates; another term starts anew", async () => {
    const c = await createCustomer(t, { signedUpAt: daysAgo(900) });
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 13, 15, 9, 30));
    const signed = await planChange(c.id, { at: start.toISOString(), termMonths: 12 });
    expect(signed.errors).toBeUndefined();
    // Its first renewal (start + 12 months) has passed: the next one is a year later.
    expect(signed.data!.recordPlanChange).toMatchObject({ plan: "growth", termMonths: 12, renewsAt: addMonths(start, 24).toISOString() });

    await planChange(c.id, { plan: "scale", mrrCents: 30_000, at: daysAgo(20) });
    await planChange(c.id, { plan: "scale", mrrCents: 35_000, at: daysAgo(10), termMonths: 12 });
    expect(await view(c.id)).toMatchObject({ plan: "scale", mrrCents: 35_000, termMonths: 12, renewsAt: addMonths(start, 24).toISOString() });

    const monthly = new Date(Date.now() - 5 * DAY_MS);
    await planChange(c.id, { plan: "starter", mrrCents: 5_000, at: monthly.toISOString(), termMonths: 1 });
    expect(await view(c.id)).toMatchObject({ plan: "starter", termMonths: 1, renewsAt: addMonths(monthly, 1).toISOString() });
    expect(await storedTerms(c.id)).toEqual([null, 12, null, 12, 1]);

    // Time goes on: the monthly term renews month after month from its start.
    clock.advanceMs(40 * DAY_MS);
    try {
      expect(await view(c.id)).toMatchObject({ termMonths: 1, renewsAt: addMonths(monthly, 2).toISOString() });
    } finally {
      clock.advanceMs(-40 * DAY_MS);
    }
  });

  it.each([0, 2, 5, 13, 48, -12])("refuses termMonths %i with BAD_USER_INPUT, writing nothing", async (termMonths) => {
    const c = await createCustomer(t, { plan: "basic", signedUpAt: daysAgo(90) });
    const res = await planChange(c.id, { at: daysAgo(3), termMonths });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "termMonths" });
    expect(res.errors![0]!.message).toBe("termMonths: must be one of 1, 3, 6, 12, 24 or 36 (months)");
    expect(await view(c.id)).toMatchObject({ plan: "basic", termMonths: null, renewsAt: null });
    expect(await storedTerms(c.id)).toEqual([null]);
  });

  it("a churn ends the term; a re-activation starts without one until a plan change signs one", async () => {
    const c = await createCustomer(t, { signedUpAt: daysAgo(400) });
    await planChange(c.id, { at: daysAgo(300), termMonths: 6 });
    expect((await view(c.id)).termMonths).toBe(6);
    await t.admin(`mutation($c: ID!, $at: DateTime) { markChurned(customerId: $c, at: $at) { id } }`, { c: c.id, at: daysAgo(30) });
    expect(await view(c.id)).toMatchObject({ status: "CHURNED", termMonths: null, renewsAt: null });
    await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: { externalId: c.externalId, name: "Back", mrrCents: 10_000, status: "ACTIVE" } });
    expect(await view(c.id)).toMatchObject({ status: "ACTIVE", termMonths: null, renewsAt: null });
    const resigned = new Date();
    await planChange(c.id, { at: resigned.toISOString(), termMonths: 3 });
    expect(await view(c.id)).toMatchObject({ termMonths: 3, renewsAt: addMonths(resigned, 3).toISOString() });
  });
});

describe("contractTermAt (the SQL the churn model reads)", () => {
  it("says the term and the next renewal as of past moments, ignoring later history; month ends clamp, a renewal is strictly after the moment", async () => {
    const c = await createCustomer(t, { signedUpAt: "2024-01-01T00:00:00Z" });
    await planChange(c.id, { at: "2025-01-31T12:00:00Z", termMonths: 1 });
    await planChange(c.id, { at: "2025-06-10T00:00:00Z", termMonths: 12 });
    const at = (iso: string) => ({ customerId: c.id, asOf: new Date(iso) });
    const terms = await loadContractTerms(t.database.db, [
      at("2024-06-01T00:00:00Z"),
      at("2025-02-10T00:00:00Z"),
      at("2025-02-28T12:00:00Z"),
      at("2025-03-01T00:00:00Z"),
      at("2025-06-09T00:00:00Z"),
      at("2025-06-10T00:00:00Z"),
      at("2026-07-01T00:00:00Z"),
    ]);
    expect(terms.map((x) => [x.termMonths, x.termStartedAt?.toISOString() ?? null, x.renewsAt?.toISOString() ?? null])).toEqual([
      [null, null, null],
      [1, "2025-01-31T12:00:00.000Z", "2025-02-28T12:00:00.000Z"],
      [1, "2025-01-31T12:00:00.000Z", "2025-03-31T12:00:00.000Z"],
      [1, "2025-01-31T12:00:00.000Z", "2025-03-31T12:00:00.000Z"],
      [1, "2025-01-31T12:00:00.000Z", "2025-06-30T12:00:00.000Z"],
      [12, "2025-06-10T00:00:00.000Z", "2026-06-10T00:00:00.000Z"],
      [12, "2025-06-10T00:00:00.000Z", "2027-06-10T00:00:00.000Z"],
    ]);
  });
});

describe("plan_change events and the import", () => {
  const post = (events: object[]) => {
    const body = JSON.stringify({ events });
    return t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, WEBHOOK_SECRET)).send(body);
  };

  it("a plan_change event carries termMonths; an unknown term refuses that event alone", async () => {
    const c = await createCustomer(t, { plan: "basic", signedUpAt: daysAgo(60) });
    const at = new Date(Date.now() - 2 * DAY_MS);
    const event = (id: string, extra: object) => ({ id: `${c.externalId}-${id}`, type: "plan_change", customerExternalId: c.externalId, at: at.toISOString(), plan: "pro", mrrCents: 9_900, ...extra });
    const res = await post([event("bad", { termMonths: 7 }), event("text", { termMonths: "12" }), event("ok", { termMonths: 6 })]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 2 });
    expect(res.body.events.filter((e: { status: string }) => e.status === "rejected").map((e: { reason: string }) => e.reason)).toEqual([
      "termMonths: must be one of 1, 3, 6, 12, 24 or 36 (months)",
      "termMonths: must be one of 1, 3, 6, 12, 24 or 36 (months)",
    ]);
    expect(await view(c.id)).toMatchObject({ plan: "pro", termMonths: 6, renewsAt: addMonths(at, 6).toISOString() });
  });

  it("term_months in the customers CSV signs the first billing row's term; a bad one is the row's error line", async () => {
    const prefix = unique("terms");
    const signedUp = new Date(Date.now() - 45 * DAY_MS);
    const file = join(dir, "customers.csv");
    writeFileSync(
      file,
      [
        "external_id,name,plan,mrr_cents,status,signed_up_at,term_months",
        `${prefix}-annual,Annual,growth,20000,,${signedUp.toISOString()},12`,
        `${prefix}-none,No Term,growth,20000,,${signedUp.toISOString()},`,
        `${prefix}-odd,Odd Term,growth,20000,,${signedUp.toISOString()},9`,
        `${prefix}-trial,Trial Term,,0,trial,${signedUp.toISOString()},12`,
      ].join("\n") + "\n",
    );
    const result = await importCustomersCsv(t.app.serviceContext, file);
    expect(result).toMatchObject({ created: 2, rejected: 2 });
    expect(result.errors).toEqual([
      { line: 4, reason: "term_months: must be one of 1, 3, 6, 12, 24 or 36 (months)" },
      { line: 5, reason: expect.stringMatching(/^term_months: a TRIAL customer/) },
    ]);
    const ids = await queryRows<{ external_id: string; id: string }>(t.database.db, sql`select external_id, id from customers where external_id like ${prefix + "%"} order by external_id`);
    expect(ids.map((r) => r.external_id)).toEqual([`${prefix}-annual`, `${prefix}-none`]);
    expect(await view(ids[0]!.id)).toMatchObject({ termMonths: 12, renewsAt: addMonths(signedUp, 12).toISOString() });
    expect(await view(ids[1]!.id)).toMatchObject({ termMonths: null, renewsAt: null });
  });
});

describe("Stripe subscriptions", () => {
  async function deliver(event: Record<string, unknown>) {
    const body = JSON.stringify(event);
    const res = await t.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(body, STRIPE_SECRET)).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { outcome: string; detail?: string };
  }
  async function subscribed(items: ItemFields[]) {
    const customer = customerObject("basil", { name: unique("Stripe terms"), created: unixNow() - 3600 });
    await deliver(stripeEventOf("basil", "customer.created", customer, { created: unixNow() - 3600 }));
    const created = unixNow() - 60;
    const subscription = subscriptionObject("basil", { customer: customer.id as string, items, created });
    await deliver(stripeEventOf("basil", "customer.subscription.created", subscription, { created }));
    const [row] = await queryRows<{ id: string }>(t.database.db, sql`select id from customers where external_id = ${customer.id as string}`);
    return { id: row!.id, customer, subscription, created };
  }

  it.each<[string, Partial<ItemFields>, number | null]>([
    ["month", { interval: "month" }, 1],
    ["3 months", { interval: "month", intervalCount: 3 }, 3],
    ["year", { interval: "year" }, 12],
    ["2 years", { interval: "year", intervalCount: 2 }, 24],
    ["2 months (not a term)", { interval: "month", intervalCount: 2 }, null],
    ["week", { interval: "week" }, null],
    ["day", { interval: "day", intervalCount: 30 }, null],
  ])("a price billed every %s gives termMonths %s", async (_, interval, termMonths) => {
    const { id, created } = await subscribed([{ lookupKey: "team", unitAmount: 12_000, ...interval }]);
    const expected = termMonths === null ? null : addMonths(new Date(created * 1000), termMonths).toISOString();
    expect(await view(id)).toMatchObject({ plan: "team", termMonths, renewsAt: expected });
  });

  it("moving from monthly to yearly billing at the same MRR is a plan change that signs the year", async () => {
    const { id, customer, subscription } = await subscribed([{ lookupKey: "team", unitAmount: 1_000 }]);
    expect(await view(id)).toMatchObject({ mrrCents: 1_000, termMonths: 1 });
    const created = unixNow() - 30;
    const yearly = subscriptionObject("basil", { id: subscription.id as string, customer: customer.id as string, items: [{ lookupKey: "team", unitAmount: 12_000, interval: "year" }], created });
    expect((await deliver(stripeEventOf("basil", "customer.subscription.updated", yearly, { created: created + 1 }))).detail).toBe("plan changed");
    expect(await view(id)).toMatchObject({ mrrCents: 1_000, termMonths: 12, renewsAt: addMonths(new Date((created + 1) * 1000), 12).toISOString() });
    expect((await deliver(stripeEventOf("basil", "customer.subscription.updated", yearly, { created: created + 2 }))).detail).toBe("plan unchanged");
  });
});
