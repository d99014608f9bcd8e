import type request from "supertest";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { SCORE_QUEUE_DELAY_MS } from "../../../src/intelligence/score-queue.js";
import { ManualClock } from "../../helpers/smtp.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { createCustomer, DAY_MS as DAY } from "../../helpers/factories.js";

// POST /webhooks/events end to end: signatures, idempotency, per-event validation, limits.

const SECRET = "webhook-secret-for-tests";
let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET], maxBytes: 64 * 1024 } }, { clock });
});
afterAll(async () => {
  await t?.close();
});

const sign = (body: string, secret = SECRET) => signWebhookBody(body, secret);
const post = (body: string, signature: string | null = sign(body)) => {
  const req = t.http.post("/webhooks/events").set("content-type", "application/json");
  return (signature ? req.set("x-advocate-signature", signature) : req).send(body);
};

const customer = () => createCustomer(t, { name: "Hooked", signedUpAt: daysAgo(60) });

// Scores follow through a durable job (the score queue), a second later: run it before reading them.
const view = async (id: string) => {
  clock.advanceMs(SCORE_QUEUE_DELAY_MS);
  await t.app.jobs.drain();
  return viewNow(id);
};
const viewNow = async (id: string) =>
  (await t.admin(`query($id: ID!) { customer(id: $id) { nps csat supportTickets90d plan mrrCents upsellCount status churnReason } }`, { id })).data!.customer;
const stored = async (customerId: string) =>
  (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ingested_events where customer_id = ${customerId}::uuid`))[0]!.n;

describe("POST /webhooks/events", () => {
  it("stores a signed batch, rescores the customer, and stores a replay once", async () => {
    const c = await customer();
    const e = (id: string, type: string, extra: object, days = 5) => ({ id: `${c.externalId}-${id}`, type, customerExternalId: c.externalId, at: daysAgo(days), ...extra });
    const body = JSON.stringify({
      events: [
        e("u1", "usage", { activeUsers: 8, licensedSeats: 10 }),
        e("n1", "nps", { score: 9 }),
        e("c1", "csat", { score: 4 }),
        e("t1", "ticket", {}),
        e("a1", "action", { name: "invited_teammate" }),
        e("p1", "plan_change", { plan: "growth", mrrCents: 25_000 }, 2),
      ],
    });
    const scoreBefore = (await t.admin(`query($id: ID!) { customer(id: $id) { healthScore nps } }`, { id: c.id })).data!.customer;
    const first = await post(body);
    expect(first.status).toBe(200);
    // The history is stored with the answer; the rescoring is queued with it, and done by the job.
    await t.app.jobs.drain();
    expect((await viewNow(c.id)).nps).toBeNull();
    const [queued] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from score_refresh_queue where customer_id = ${c.id}::uuid`);
    expect(queued!.n).toBe(1);
    expect(scoreBefore.nps).toBeNull();
    expect(first.body).toMatchObject({ accepted: 6, duplicates: 0, rejected: 0 });
    expect(first.body.events.every((o: any) => o.status === "accepted")).toBe(true);
    expect(await view(c.id)).toMatchObject({ nps: 9, csat: 4, supportTickets90d: 1, plan: "growth", mrrCents: 25_000, upsellCount: 1 });
    const after = (await t.admin(`query($id: ID!) { customer(id: $id) { healthScore } }`, { id: c.id })).data!.customer;
    expect(after.healthScore).not.toBe(scoreBefore.healthScore);

    const replay = await post(body);
    expect(replay.body).toMatchObject({ accepted: 0, duplicates: 6, rejected: 0 });
    expect(await stored(c.id)).toBe(6);
    expect(await view(c.id)).toMatchObject({ supportTickets90d: 1, upsellCount: 1 });
    const [actions] = await queryRows<{ events: number }>(t.database.db, sql`select sum(events)::int as events from product_activity_daily where customer_id = ${c.id}::uuid`);
    expect(actions!.events).toBe(1);
  });

  it("validates each event on its own: stores the valid ones and says why the others were refused", async () => {
    const c = await customer();
    const id = () => unique("ev");
    const events = [
      { id: id(), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 7 },
      { id: id(), type: "nps", customerExternalId: "nobody-has-this-id", at: daysAgo(1), score: 7 },
      { id: id(), type: "teleport", customerExternalId: c.externalId, at: daysAgo(1) },
      { id: id(), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 11 },
      { id: id(), type: "csat", customerExternalId: c.externalId, at: "yesterday", score: 3 },
      { id: id(), type: "usage", customerExternalId: c.externalId, at: daysAgo(1), activeUsers: 3, licensedSeats: 0 },
      { id: id(), type: "ticket", customerExternalId: c.externalId, at: daysAgo(400) },
      { type: "ticket", customerExternalId: c.externalId, at: daysAgo(1) },
      "not an object",
    ];
    const res = await post(JSON.stringify({ events }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 8 });
    const reasons = res.body.events.map((o: any) => o.reason ?? o.status);
    expect(reasons).toEqual([
      "accepted",
      expect.stringMatching(/^customerExternalId: no customer/),
      expect.stringMatching(/^type: must be one of/),
      expect.stringMatching(/^score: must be an integer from 0 to 10/),
      expect.stringMatching(/^at: must be an ISO-8601/),
      expect.stringMatching(/^licensedSeats/),
      expect.stringMatching(/^at: must not be before the customer signed up/),
      expect.stringMatching(/^id: required/),
      expect.stringMatching(/JSON object/),
    ]);
    expect(await stored(c.id)).toBe(1);
    expect((await view(c.id)).nps).toBe(7);
  });

  it("churns a customer by event and refuses a later plan change in the same batch", async () => {
    const c = await customer();
    const res = await post(
      JSON.stringify({
        events: [
          { id: unique("ch"), type: "churn", customerExternalId: c.externalId, at: daysAgo(3), reason: "moved to a competitor" },
          { id: unique("pc"), type: "plan_change", customerExternalId: c.externalId, at: daysAgo(1), plan: "pro", mrrCents: 1 },
        ],
      }),
    );
    expect(res.body.events.map((o: any) => o.status)).toEqual(["accepted", "rejected"]);
    expect(await view(c.id)).toMatchObject({ status: "CHURNED", churnReason: "moved to a competitor", mrrCents: 10_000 });
  });

  it("stores concurrent batches over the same customers, in opposite orders, without a deadlock, while their rescoring runs", async () => {
    const list = await Promise.all(Array.from({ length: 12 }, () => customer()));
    const batch = (tag: string, order: typeof list) =>
      JSON.stringify({
        events: order.flatMap((c, i) => [
          { id: `${c.externalId}-${tag}-u`, type: "usage", customerExternalId: c.externalId, at: daysAgo(3), activeUsers: 5, licensedSeats: 10 },
          { id: `${c.externalId}-${tag}-p`, type: "plan_change", customerExternalId: c.externalId, at: daysAgo(tag === "a" ? 2 : 1), plan: `p-${tag}`, mrrCents: 1_000 + i },
        ]),
      });
    clock.advanceMs(SCORE_QUEUE_DELAY_MS);
    const answers = await Promise.all([post(batch("a", list)), post(batch("b", [...list].reverse())), t.app.jobs.drain(), post(batch("c", list))]);
    for (const res of answers.filter((a): a is request.Response => typeof a === "object")) {
      expect(res.status).toBe(200);
      expect(res.body.rejected).toBe(0);
    }
    for (const c of list) expect(await stored(c.id)).toBe(6);
    // Every customer's latest change (at 1 day ago, batch "b" or "c") is its plan; all rescored.
    const views = await Promise.all(list.map((c) => view(c.id)));
    expect(views.every((v: any) => v.plan === "p-b" || v.plan === "p-c")).toBe(true);
    const [left] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from score_refresh_queue`);
    expect(left!.n).toBe(0);
  });

  it("refuses a bad or missing signature with 401 and stores nothing", async () => {
    const c = await customer();
    const body = JSON.stringify({ events: [{ id: unique("sig"), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 10 }] });
    for (const signature of [null, "sha256=00", sign(body, "another-secret"), sign(body).replace("v1=", "v0=")]) {
      const res = await post(body, signature);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHENTICATED");
    }
    // A body altered after signing.
    expect((await post(body.replace('"score":10', '"score":0'), sign(body))).status).toBe(401);
    expect(await stored(c.id)).toBe(0);
    expect((await view(c.id)).nps).toBeNull();
  });

  it("answers malformed JSON with 400, a body that is not a batch with 400, and an oversized body with 413", async () => {
    expect((await post("{ nope")).status).toBe(400);
    const notBatch = await post(JSON.stringify({ event: [] }));
    expect(notBatch.status).toBe(400);
    expect(notBatch.body.error.message).toMatch(/events/);
    const big = JSON.stringify({ events: [], padding: "x".repeat(70 * 1024) });
    const tooBig = await post(big);
    expect(tooBig.status).toBe(413);
    expect(JSON.stringify(tooBig.body)).not.toMatch(/node_modules|at /);
  });
});

describe("POST /webhooks/events: late billing history", () => {
  const MONTH_DAYS = 30.4375;
  const ltv = async (id: string) => (await t.admin(`query($id: ID!) { customer(id: $id) { lifetimeValueCents } }`, { id })).data!.customer.lifetimeValueCents;

  it("stores a plan change dated before a churn but delivered after it (lifetime value and that period's commission follow), and refuses one dated after it", async () => {
    const code = unique("hook").toLowerCase();
    expect((await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Hooks", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code })).errors).toBeUndefined();
    const externalId = unique("crm");
    const id = (await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: { externalId, name: "Late", mrrCents: 10_000, signedUpAt: daysAgo(100) } })).data!.upsertCustomer.id;
    await t.admin(`mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { id } }`, { c: code, id, at: daysAgo(100) });
    const event = (type: string, days: number, extra: object = {}) => ({ id: unique(type), type, customerExternalId: externalId, at: daysAgo(days), ...extra });

    expect((await post(JSON.stringify({ events: [event("churn", 20, { reason: "budget" })] }))).body).toMatchObject({ accepted: 1 });
    expect(await view(id)).toMatchObject({ status: "CHURNED", mrrCents: 10_000 });
    expect(Math.abs((await ltv(id)) - (10_000 * 80) / MONTH_DAYS)).toBeLessThanOrEqual(1);

    // Dated after the churn (no re-activation since): refused with the reason. Dated before it: history, stored.
    const res = await post(JSON.stringify({ events: [event("plan_change", 10, { plan: "growth", mrrCents: 25_000 }), event("plan_change", 30, { plan: "growth", mrrCents: 25_000 })] }));
    expect(res.body.events.map((o: any) => o.status)).toEqual(["rejected", "accepted"]);
    expect(res.body.events[0].reason).toMatch(/^customerExternalId: the customer has churned .*re-activation/);
    expect(await view(id)).toMatchObject({ status: "CHURNED", churnReason: "budget", plan: "growth", mrrCents: 25_000 });
    expect(Math.abs((await ltv(id)) - (10_000 * 70 + 25_000 * 10) / MONTH_DAYS)).toBeLessThanOrEqual(1);

    expect((await t.admin(`mutation { runCommissionLedger { accrued } }`)).errors).toBeUndefined();
    const entries = (await t.admin(`query($c: String!) { affiliate(code: $c) { commissions { period periodStart revenueCents amountCents } } }`, { c: code })).data!.affiliate.commissions;
    const p2 = entries.find((e: any) => e.period === 2);
    // Period 2 (39 to 9 days ago) paid 10,000 a month until the change 30 days ago, then 25,000 until the churn.
    const expected = (10_000 * (Date.now() - 30 * DAY - new Date(p2.periodStart).getTime())) / (MONTH_DAYS * DAY) + (25_000 * 10) / MONTH_DAYS;
    expect(Math.abs(p2.revenueCents - expected)).toBeLessThanOrEqual(2);
    expect(p2.amountCents).toBe(Math.floor(p2.revenueCents / 10));
  });

  it("judges a churn and an earlier plan change sent together in time order: both are stored", async () => {
    const c = await customer();
    const res = await post(
      JSON.stringify({
        events: [
          { id: unique("ch"), type: "churn", customerExternalId: c.externalId, at: daysAgo(3) },
          { id: unique("pc"), type: "plan_change", customerExternalId: c.externalId, at: daysAgo(13), plan: "pro", mrrCents: 20_000 },
        ],
      }),
    );
    expect(res.body.events.map((o: any) => o.status)).toEqual(["accepted", "accepted"]);
    expect(await view(c.id)).toMatchObject({ status: "CHURNED", plan: "pro", mrrCents: 20_000, upsellCount: 1 });
    // 47 days at 10,000 and 10 at 20,000 a month.
    expect(Math.abs((await ltv(c.id)) - (10_000 * 47 + 20_000 * 10) / MONTH_DAYS)).toBeLessThanOrEqual(1);
  });
});
