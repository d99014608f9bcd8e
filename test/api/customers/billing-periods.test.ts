import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runCommissionLedger } from "../../../src/commissions/commission.service.js";
import { queryRows } from "../../../src/db/client.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, DAY_MS as DAY } from "../../helpers/factories.js";

// Billing periods through the API: a churn ends the customer's billing, a re-activation starts a
// new period at its own date and keeps the churn in history, and a plan change dated before a
// churn is stored whenever it arrives. Lifetime value, affiliate revenue and the commission
// ledger read the same periods.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const MONTH = 30.4375 * DAY;

async function affiliate(percent: number): Promise<string> {
  return (await createAffiliate(t, { code: unique("bp").toLowerCase(), name: "Periods", commissionValue: percent })).code;
}

const CUSTOMER = `id status churnedAt plan mrrCents lifetimeValueCents`;
async function upsert(input: Record<string, unknown>) {
  const res = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { ${CUSTOMER} } }`, { i: { name: "Periodic Co", ...input } });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.upsertCustomer;
}

async function referredCustomer(code: string, externalId: string, mrrCents: number, signedUpDaysAgo: number, referredDaysAgo = signedUpDaysAgo): Promise<string> {
  const { id } = await upsert({ externalId, mrrCents, signedUpAt: daysAgo(signedUpDaysAgo) });
  await attribute(t, code, id, daysAgo(referredDaysAgo));
  return id;
}

const churn = async (id: string, at: string) => t.admin(`mutation($id: ID!, $at: DateTime) { markChurned(customerId: $id, at: $at) { ${CUSTOMER} } }`, { id, at });
const planChange = (id: string, mrrCents: number, at: string) =>
  t.admin(`mutation($id: ID!, $m: Int!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: $m, at: $at) { ${CUSTOMER} } }`, { id, m: mrrCents, at });
const customer = async (id: string) => (await t.admin(`query($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`, { id })).data!.customer;
const ledger = async (code: string) =>
  (await t.admin(`query($c: String!) { affiliate(code: $c) { commissionBalance { pendingCents approvedCents voidedCents } commissions { period periodStart periodEnd revenueCents amountCents status } stats { revenueCents } } }`, { c: code })).data!
    .affiliate;
const run = async () => {
  const res = await t.admin(`mutation { runCommissionLedger { accrued } }`);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
};

/** Runs `work` with the server's clock at `daysAgo` days in the past: a re-activation happens at the clock's time. */
async function onDay<T>(daysAgoNow: number, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() - daysAgoNow * DAY);
  try {
    return await work();
  } finally {
    vi.useRealTimers();
  }
}

/** What `mrrCents` paid over the parts of [from, to) outside the churns, in whole cents. */
function paid(mrrCents: number, from: number, to: number, billed: [number, number][]): number {
  const ms = billed.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
  return (mrrCents * ms) / MONTH;
}

describe("billing periods", () => {
  it("a re-activated customer accrues no commission and no lifetime value for the months it was churned; billing starts again at the re-activation", async () => {
    const code = await affiliate(10);
    const externalId = unique("reactivated");
    const id = await referredCustomer(code, externalId, 100_000, 300, 299);
    expect((await churn(id, daysAgo(200))).errors).toBeUndefined();
    await run();
    const churned = await ledger(code);
    expect(churned.commissions).toHaveLength(4);
    expect(churned.commissionBalance.approvedCents).toBe(20_000);
    // 100 days at 100,000 cents a month (328,542 cents in the issue).
    const ltv = (await customer(id)).lifetimeValueCents;
    expect(Math.abs(ltv - (100_000 * 100) / 30.4375)).toBeLessThanOrEqual(1);
    expect(Math.abs(churned.stats.revenueCents - ltv)).toBeLessThanOrEqual(1);

    const before = Date.now();
    const revived = await upsert({ externalId, mrrCents: 100_000, status: "ACTIVE" });
    const after = Date.now();
    expect(revived).toMatchObject({ status: "ACTIVE", churnedAt: null, lifetimeValueCents: ltv });
    await run();
    const l = await ledger(code);
    // Periods 4-8 lie inside the churn: nothing accrues for them, nothing more becomes payable.
    expect(l.commissions.map((e: any) => e.period).sort()).toEqual([0, 1, 2, 3]);
    expect(l.commissionBalance).toEqual(churned.commissionBalance);
    expect(Math.abs(l.stats.revenueCents - ltv)).toBeLessThanOrEqual(1);
    expect((await customer(id)).lifetimeValueCents - ltv).toBeLessThanOrEqual(1);
    // The churn stays in history.
    const [kept] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from reactivations where customer_id = ${id}::uuid`);
    expect(kept!.n).toBe(1);

    // Forty days on, the periods from the re-activation accrue: the one holding it from that date only.
    await runCommissionLedger(t.database.db, new Date(Date.now() + 40 * DAY), 30);
    const resumed = (await ledger(code)).commissions.filter((e: any) => e.period > 3).sort((a: any, b: any) => a.period - b.period);
    expect(resumed.map((e: any) => e.period)).toEqual([9, 10]);
    const [first, second] = resumed;
    const end = new Date(first.periodEnd).getTime();
    expect(first.revenueCents).toBeGreaterThanOrEqual(Math.floor((100_000 * (end - after)) / MONTH) - 1);
    expect(first.revenueCents).toBeLessThanOrEqual(Math.floor((100_000 * (end - before)) / MONTH) + 1);
    expect(first.revenueCents).toBeLessThan(100_000);
    expect(second).toMatchObject({ revenueCents: 100_000, amountCents: 10_000 });
  });

  it("keeps every period through churn, re-activation, churn and re-activation; a plan change is refused inside a churn and stored before it", async () => {
    const code = await affiliate(10);
    const externalId = unique("cycle");
    // 304,375 cents a month: 10,000 cents a day.
    const mrr = 304_375;
    const id = await referredCustomer(code, externalId, mrr, 400);
    expect((await churn(id, daysAgo(300))).errors).toBeUndefined();
    await onDay(250, () => upsert({ externalId, mrrCents: mrr, status: "ACTIVE" }));
    // A churn before the latest re-activation contradicts it.
    const early = await churn(id, daysAgo(260));
    expect(early.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "at" });
    expect(early.errors![0]!.message).toMatch(/re-activation/);
    expect((await churn(id, daysAgo(200))).errors).toBeUndefined();
    await onDay(150, () => upsert({ externalId, mrrCents: mrr, status: "ACTIVE" }));
    // Rescored now (no billing change): 100 + 50 + 150 days paid.
    const now = await upsert({ externalId, mrrCents: mrr });
    expect(now.status).toBe("ACTIVE");
    expect(Math.abs(now.lifetimeValueCents - 3_000_000)).toBeLessThanOrEqual(2);

    const history = await queryRows<{ churned_at: Date | string; reactivated_at: Date | string }>(
      t.database.db,
      sql`select churned_at, reactivated_at from reactivations where customer_id = ${id}::uuid order by churned_at`,
    );
    const days = (v: Date | string) => Math.round((Date.now() - new Date(v).getTime()) / DAY);
    expect(history.map((h) => [days(h.churned_at), days(h.reactivated_at)])).toEqual([
      [300, 250],
      [200, 150],
    ]);

    // Nothing was billed inside the first churn: a plan change dated there is refused, nothing written.
    const inside = await planChange(id, 1_000_000, daysAgo(275));
    expect(inside.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "at" });
    expect(inside.errors![0]!.message).toMatch(/churned from .* until its re-activation/);
    // An upgrade 50 days before the first churn, delivered late, is history: 50 more days at twice the MRR.
    const late = await planChange(id, 2 * mrr, daysAgo(350));
    expect(late.errors, JSON.stringify(late.errors)).toBeUndefined();
    expect(late.data!.recordPlanChange).toMatchObject({ status: "ACTIVE", mrrCents: mrr });
    expect(Math.abs(late.data!.recordPlanChange.lifetimeValueCents - 3_500_000)).toBeLessThanOrEqual(2);

    await run();
    const l = await ledger(code);
    const start = Date.now() - 400 * DAY;
    const billed: [number, number][] = [
      [start, Date.now() - 300 * DAY],
      [Date.now() - 250 * DAY, Date.now() - 200 * DAY],
      [Date.now() - 150 * DAY, Date.now()],
    ];
    const expected = (from: number, to: number) => paid(mrr, from, to, billed) + paid(mrr, Math.max(from, Date.now() - 350 * DAY), to, [billed[0]!]);
    const closed = Math.floor(400 / 30.4375);
    const paying = Array.from({ length: closed }, (_, k) => k).filter((k) => expected(start + k * MONTH, start + (k + 1) * MONTH) >= 1);
    expect(l.commissions.map((e: any) => e.period).sort((a: number, b: number) => a - b)).toEqual(paying);
    for (const e of l.commissions) {
      expect(Math.abs(e.revenueCents - expected(new Date(e.periodStart).getTime(), new Date(e.periodEnd).getTime())), `period ${e.period}`).toBeLessThanOrEqual(2);
    }
    expect(Math.abs(l.stats.revenueCents - (await customer(id)).lifetimeValueCents)).toBeLessThanOrEqual(2);
  });

  it("stores a plan change dated before the churn but recorded after it (recordPlanChange): lifetime value and that period's commission follow", async () => {
    const code = await affiliate(10);
    const id = await referredCustomer(code, unique("late"), 10_000, 100);
    const churned = (await churn(id, daysAgo(20))).data!.markChurned;
    expect(Math.abs(churned.lifetimeValueCents - (10_000 * 80) / 30.4375)).toBeLessThanOrEqual(1);

    // Dated after the churn, with no re-activation: refused with the reason, nothing written.
    const after = await planChange(id, 25_000, daysAgo(10));
    expect(after.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customerId" });
    expect(after.errors![0]!.message).toMatch(/has churned .*re-activation/);
    expect(await customer(id)).toEqual(churned);

    // Dated 30 days ago, before the churn: stored; the customer stays churned with its last plan.
    const late = await planChange(id, 25_000, daysAgo(30));
    expect(late.errors, JSON.stringify(late.errors)).toBeUndefined();
    expect(late.data!.recordPlanChange).toMatchObject({ status: "CHURNED", churnedAt: churned.churnedAt, plan: "pro", mrrCents: 25_000 });
    expect(Math.abs(late.data!.recordPlanChange.lifetimeValueCents - (10_000 * 70 + 25_000 * 10) / 30.4375)).toBeLessThanOrEqual(1);

    await run();
    const entries = (await ledger(code)).commissions.sort((a: any, b: any) => a.period - b.period);
    // Periods 0 and 1 at 10,000; period 2 (39.1 to 8.7 days ago) has 9.125 days at 10,000 and the 10 days at 25,000 before the churn.
    expect(entries.map((e: any) => e.period)).toEqual([0, 1, 2]);
    const p2 = entries[2];
    const p2Start = new Date(p2.periodStart).getTime();
    const expected = (10_000 * (Date.now() - 30 * DAY - p2Start) + 25_000 * 10 * DAY) / MONTH;
    expect(Math.abs(p2.revenueCents - expected)).toBeLessThanOrEqual(2);
    expect(p2.amountCents).toBe(Math.floor(p2.revenueCents / 10));
  });
});
