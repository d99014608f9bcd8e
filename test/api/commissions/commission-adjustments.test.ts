import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommissionLedger } from "../../../src/commissions/commission.service.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

// Late billing history through the API: a plan change dated inside a period that has already
// accrued adds an ADJUSTMENT entry for the difference (the accrual stays as it was), once; a
// negative one is netted from the next payout, and a payout beyond the netted balance is refused.

const SECRET = "webhook-secret-for-adjustments";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET], maxBytes: 64 * 1024 } });
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const PERIOD = 30.4375 * DAY;

/** A PERCENT 10 affiliate and its customer at `mrrCents`, signed up and referred 100 days ago: periods 0 to 2 have closed. */
async function referred(mrrCents: number): Promise<{ code: string; affiliateId: string; customerId: string; externalId: string; referredAt: number }> {
  const code = unique("adj").toLowerCase();
  const aff = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Adjusted", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
  expect(aff.errors, JSON.stringify(aff.errors)).toBeUndefined();
  const referredAt = Date.now() - 100 * DAY;
  const at = new Date(referredAt).toISOString();
  const externalId = unique("crm");
  const c = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: { externalId, name: "Late Ledger Ltd", mrrCents, signedUpAt: at } });
  const customerId = c.data!.upsertCustomer.id;
  const r = await t.admin(`mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { id } }`, { c: code, id: customerId, at });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return { code, affiliateId: aff.data!.createAffiliate.id, customerId, externalId, referredAt };
}

const ENTRY = `period revenueCents rate amountCents kind reason status holdUntil payoutId`;
const ledger = async (code: string) =>
  (await t.admin(`query($c: String!) { affiliate(code: $c) { commissionBalance { pendingCents approvedCents carriedCents paidCents voidedCents } commissions { ${ENTRY} } } }`, { c: code })).data!
    .affiliate;
const run = async () => {
  const res = await t.admin(`mutation { runCommissionLedger { accrued adjusted voided approved } }`);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.runCommissionLedger;
};
const planChange = async (customerId: string, mrrCents: number, at: number) => {
  const res = await t.admin(`mutation($id: ID!, $m: Int!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "late", mrrCents: $m, at: $at) { id } }`, {
    id: customerId,
    m: mrrCents,
    at: new Date(at).toISOString(),
  });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
};
const payout = (affiliateId: string, amountCents: number) =>
  t.admin(`mutation($a: ID!, $n: Int!) { recordPayout(affiliateId: $a, amountCents: $n) { amountCents } }`, { a: affiliateId, n: amountCents });
const ofPeriod = (entries: any[], period: number) => entries.filter((e) => e.period === period);
const sum = (entries: any[]) => entries.filter((e) => e.status !== "VOIDED").reduce((s, e) => s + e.amountCents, 0);

describe("late billing history in the commission ledger", () => {
  it("adds an adjustment for the extra commission of a late upgrade inside an accrued period, once", async () => {
    const { code, customerId, referredAt } = await referred(10_000);
    await run();
    let l = await ledger(code);
    expect(l.commissions.map((e: any) => [e.period, e.kind, e.amountCents])).toEqual([
      [2, "ACCRUAL", 1_000],
      [1, "ACCRUAL", 1_000],
      [0, "ACCRUAL", 1_000],
    ]);
    const accrual = ofPeriod(l.commissions, 2)[0];

    // Delivered now, dated a quarter into period 2: it paid 2,500 + 15,000 = 17,500 cents, 10% is 1,750.
    await planChange(customerId, 20_000, referredAt + 2.25 * PERIOD);
    expect(await run()).toMatchObject({ accrued: 0, adjusted: 1 });
    l = await ledger(code);
    const period2 = ofPeriod(l.commissions, 2);
    expect(period2).toHaveLength(2);
    // The accrual is history: unchanged.
    expect(period2).toContainEqual(accrual);
    const adjustment = period2.find((e: any) => e.kind === "ADJUSTMENT");
    expect(adjustment).toMatchObject({ revenueCents: 7_500, rate: 10, amountCents: 750, status: "PENDING", holdUntil: accrual.holdUntil });
    expect(adjustment.reason).toMatch(/^adjustment: billing history for \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} changed/);
    expect(sum(period2)).toBe(1_750);
    expect(sum(ofPeriod(l.commissions, 1))).toBe(1_000);
    expect(l.commissionBalance.pendingCents).toBe(1_750);

    // A second run adds nothing.
    expect(await run()).toMatchObject({ accrued: 0, adjusted: 0 });
    expect((await ledger(code)).commissions).toHaveLength(4);
  });

  it("takes back a late downgrade of paid periods with a negative adjustment, netted from the next payout; more than the netted balance is refused", async () => {
    const { code, affiliateId, customerId, referredAt } = await referred(10_000);
    await run();
    // Periods 0 and 1 are past their hold (approved), period 2 is held: pay the 2,000 approved.
    expect((await ledger(code)).commissionBalance).toMatchObject({ pendingCents: 1_000, approvedCents: 2_000 });
    expect((await payout(affiliateId, 2_000)).errors).toBeUndefined();

    // Downgraded to 4,000 half-way through period 1: it paid 5,000 + 2,000 (700 earned, 1,000 paid); period 2 paid 4,000 (400).
    await planChange(customerId, 4_000, referredAt + 1.5 * PERIOD);
    expect(await run()).toMatchObject({ adjusted: 2 });
    let l = await ledger(code);
    const paidPeriod = ofPeriod(l.commissions, 1);
    expect(paidPeriod.find((e: any) => e.kind === "ACCRUAL")).toMatchObject({ amountCents: 1_000, status: "PAID" });
    expect(paidPeriod.find((e: any) => e.kind === "ADJUSTMENT")).toMatchObject({ amountCents: -300, revenueCents: -3_000, status: "APPROVED", payoutId: null });
    expect(ofPeriod(l.commissions, 2).find((e: any) => e.kind === "ADJUSTMENT")).toMatchObject({ amountCents: -600, status: "PENDING" });
    // Nothing is payable: the 300 cents taken back are carried.
    expect(l.commissionBalance).toMatchObject({ pendingCents: 400, approvedCents: 0, carriedCents: 300, paidCents: 2_000 });
    const refused = await payout(affiliateId, 1);
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused.errors?.[0]?.message).toMatch(/approved balance is -300 cents.*carried to the next payout/);

    // Period 2's hold ends: 1,000 - 600 approved, less the 300 carried, leaves 100 payable.
    const holdUntil = new Date(ofPeriod(l.commissions, 2)[0].holdUntil).getTime();
    await runCommissionLedger(t.database.db, new Date(holdUntil + 1000), 30);
    expect((await ledger(code)).commissionBalance).toMatchObject({ pendingCents: 0, approvedCents: 100, carriedCents: 0 });
    const tooMuch = await payout(affiliateId, 101);
    expect(tooMuch.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(tooMuch.errors?.[0]?.message).toMatch(/exceeds the approved balance of 100 cents \(negative adjustments of 900 cents netted\)/);
    expect((await payout(affiliateId, 100)).errors).toBeUndefined();

    l = await ledger(code);
    // What was paid is what the three periods earned: 1,000 + 700 + 400.
    expect(l.commissionBalance).toMatchObject({ pendingCents: 0, approvedCents: 0, carriedCents: 0, paidCents: 2_100 });
    expect(l.commissions.every((e: any) => e.status === "PAID")).toBe(true);
    for (const [period, earned] of [[0, 1_000], [1, 700], [2, 400]] as const) expect(sum(ofPeriod(l.commissions, period))).toBe(earned);
    expect((await run()).adjusted).toBe(0);
  });

  it("adjusts the same way for a late plan change delivered by the webhook", async () => {
    const { code, externalId, referredAt } = await referred(10_000);
    await run();
    // Upgraded to 15,000 half-way through period 1: 12,500 paid in it (1,250, +250), 15,000 in period 2 (1,500, +500).
    const body = JSON.stringify({ events: [{ id: unique("pc"), type: "plan_change", customerExternalId: externalId, at: new Date(referredAt + 1.5 * PERIOD).toISOString(), plan: "growth", mrrCents: 15_000 }] });
    const res = await t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
    expect(res.body).toMatchObject({ accepted: 1 });
    expect(await run()).toMatchObject({ adjusted: 2 });
    const l = await ledger(code);
    expect(l.commissions.filter((e: any) => e.kind === "ADJUSTMENT").map((e: any) => [e.period, e.amountCents])).toEqual(expect.arrayContaining([[1, 250], [2, 500]]));
    for (const [period, earned] of [[0, 1_000], [1, 1_250], [2, 1_500]] as const) expect(sum(ofPeriod(l.commissions, period))).toBe(earned);
    expect((await run()).adjusted).toBe(0);
  });
});
