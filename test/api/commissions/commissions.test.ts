import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommissionLedger } from "../../../src/commissions/commission.service.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, createCustomer, DAY_MS as DAY, type AffiliateOverrides } from "../../helpers/factories.js";

// The commission ledger through the public API: accrual from real revenue, the holding period,
// clawback on churn, payouts (exact, partial, refused), plans with months and tiers.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const affiliate = (plan: AffiliateOverrides = { commissionValue: 20 }) => createAffiliate(t, { code: unique("cm").toLowerCase(), name: "Commissioned", ...plan });

async function referred(code: string, daysAgoSigned: number, mrrCents = 10_000): Promise<string> {
  const { id } = await createCustomer(t, { name: "Zeta Widgets Inc", mrrCents, signedUpAt: daysAgo(daysAgoSigned) });
  await attribute(t, code, id, daysAgo(daysAgoSigned));
  return id;
}

const LEDGER = `commissionBalance { pendingCents approvedCents paidCents voidedCents }
  commissions { period revenueCents rate amountCents status holdUntil voidReason customerLabel payoutId }
  payouts { amountCents reference }`;
const ledger = async (code: string) => (await t.admin(`query($c: String!) { affiliate(code: $c) { ${LEDGER} } }`, { c: code })).data!.affiliate;
const run = async () => {
  const res = await t.admin(`mutation { runCommissionLedger { accrued voided approved } }`);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.runCommissionLedger;
};

describe("the commission ledger", () => {
  it("accrues 20% of 10,000 cents of revenue as 2,000 cents PENDING, then APPROVED after the hold; runs again add nothing", async () => {
    const { code } = await affiliate();
    // Referred 35 days ago at $100/month: its first period (30.4375 days) has closed.
    await referred(code, 35);
    expect((await run()).accrued).toBeGreaterThanOrEqual(1);
    let l = await ledger(code);
    expect(l.commissions).toHaveLength(1);
    expect(l.commissions[0]).toMatchObject({ period: 0, revenueCents: 10_000, rate: 20, amountCents: 2_000, status: "PENDING", customerLabel: "Z*** W*** I***" });
    expect(l.commissionBalance).toEqual({ pendingCents: 2_000, approvedCents: 0, paidCents: 0, voidedCents: 0 });
    // The hold is 30 days after the period's end, about 25 days from now.
    const holdUntil = new Date(l.commissions[0].holdUntil).getTime();
    expect(holdUntil).toBeGreaterThan(Date.now() + 24 * DAY);

    await run();
    expect((await ledger(code)).commissions).toHaveLength(1);

    // The clock after the hold (the plain function takes it): the entry is approved.
    const later = new Date(holdUntil + 1000);
    await runCommissionLedger(t.database.db, later, 30);
    l = await ledger(code);
    const first = l.commissions.find((e: any) => e.period === 0);
    expect(first.status).toBe("APPROVED");
    expect(l.commissionBalance.approvedCents).toBeGreaterThanOrEqual(2_000);
  });

  it("voids the pending entries of a customer that churns inside the hold, with the reason, at once", async () => {
    const { code } = await affiliate();
    const customerId = await referred(code, 40);
    await run();
    expect((await ledger(code)).commissionBalance.pendingCents).toBe(2_000);
    const churned = await t.admin(`mutation($id: ID!) { markChurned(customerId: $id, reason: "budget") { status } }`, { id: customerId });
    expect(churned.errors).toBeUndefined();
    const l = await ledger(code);
    expect(l.commissionBalance).toEqual({ pendingCents: 0, approvedCents: 0, paidCents: 0, voidedCents: 2_000 });
    expect(l.commissions[0].status).toBe("VOIDED");
    expect(l.commissions[0].voidReason).toMatch(/^clawback: the customer churned on \d{4}-\d{2}-\d{2}, inside the holding period$/);
    // Nothing accrues after the churn.
    await run();
    expect((await ledger(code)).commissions).toHaveLength(1);
  });

  it("keeps approved entries when the customer churns after the hold", async () => {
    const { code } = await affiliate();
    // Referred 100 days ago: periods 0 and 1 ended more than 30 days ago, period 2 did not.
    const customerId = await referred(code, 100);
    await run();
    const before = await ledger(code);
    expect(before.commissions.map((e: any) => [e.period, e.status])).toEqual([
      [2, "PENDING"],
      [1, "APPROVED"],
      [0, "APPROVED"],
    ]);
    await t.admin(`mutation($id: ID!) { markChurned(customerId: $id) { status } }`, { id: customerId });
    expect((await ledger(code)).commissionBalance).toEqual({ pendingCents: 0, approvedCents: 4_000, paidCents: 0, voidedCents: 2_000 });
  });

  it("pays from the approved balance oldest first, splitting an entry exactly; refuses more than the balance and writes nothing", async () => {
    const { id, code } = await affiliate();
    await referred(code, 100);
    await run();
    expect((await ledger(code)).commissionBalance.approvedCents).toBe(4_000);

    const tooMuch = await t.admin(`mutation($a: ID!) { recordPayout(affiliateId: $a, amountCents: 4001) { id } }`, { a: id });
    expect(tooMuch.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "amountCents" });
    expect(tooMuch.errors![0]!.message).toMatch(/approved balance of 4000 cents/);
    for (const bad of [0, -5, 1.5]) {
      const res = await t.admin(`mutation($a: ID!, $n: Int!) { recordPayout(affiliateId: $a, amountCents: $n) { id } }`, { a: id, n: bad }).catch(() => null);
      expect(res?.errors?.[0]?.extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    }
    expect((await ledger(code)).payouts).toEqual([]);

    const paid = await t.admin(`mutation($a: ID!) { recordPayout(affiliateId: $a, amountCents: 2500, reference: "wire-1") { amountCents reference } }`, { a: id });
    expect(paid.data!.recordPayout).toEqual({ amountCents: 2500, reference: "wire-1" });
    const l = await ledger(code);
    expect(l.commissionBalance).toEqual({ pendingCents: 2_000, approvedCents: 1_500, paidCents: 2_500, voidedCents: 0 });
    const sum = l.commissions.reduce((s: number, e: any) => s + e.amountCents, 0);
    expect(sum).toBe(6_000);
    expect(l.commissions.filter((e: any) => e.status === "PAID").map((e: any) => e.amountCents).sort()).toEqual([2000, 500]);

    await t.admin(`mutation($a: ID!) { recordPayout(affiliateId: $a, amountCents: 1500) { id } }`, { a: id });
    expect((await ledger(code)).commissionBalance).toMatchObject({ approvedCents: 0, paidCents: 4_000 });
  });

  it("pays a PERCENT plan for its first N months only, a FLAT plan once per paying customer, and a tier's rate once reached", async () => {
    const months = await affiliate({ commissionValue: 10, commissionMonths: 2 });
    await referred(months.code, 130);
    const flat = await affiliate({ commissionType: "FLAT", commissionValue: 5000 });
    await referred(flat.code, 130);
    const tiered = await affiliate({ commissionValue: 10, commissionTiers: [{ minActiveCustomers: 2, value: 25 }] });
    await referred(tiered.code, 40);
    await referred(tiered.code, 40);
    await run();
    expect((await ledger(months.code)).commissions.map((e: any) => [e.period, e.amountCents])).toEqual([
      [1, 1_000],
      [0, 1_000],
    ]);
    expect((await ledger(flat.code)).commissions.map((e: any) => [e.period, e.amountCents])).toEqual([[0, 5_000]]);
    expect((await ledger(tiered.code)).commissions.map((e: any) => [e.rate, e.amountCents])).toEqual([
      [25, 2_500],
      [25, 2_500],
    ]);
  });

  it("accrues from the revenue actually paid: a plan change inside a period counts pro rata", async () => {
    const { code } = await affiliate();
    const customerId = await referred(code, 35, 10_000);
    // The customer upgraded to $200/month 20 days after signing up (15 days ago).
    await t.admin(`mutation($id: ID!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: 20000, at: $at) { id } }`, { id: customerId, at: daysAgo(15) });
    await run();
    const [entry] = (await ledger(code)).commissions;
    // 20 days at $100 and 10.4375 days at $200, of 30.4375-day months.
    const expected = Math.floor(10_000 * (20 / 30.4375) + 20_000 * (10.4375 / 30.4375) + 1e-6);
    expect(Math.abs(entry.revenueCents - expected)).toBeLessThanOrEqual(1);
    expect(entry.amountCents).toBe(Math.floor(entry.revenueCents * 0.2));
  });

  it("refuses absurd plans and plan changes with BAD_USER_INPUT, writing nothing", async () => {
    const cases = [
      ["commissionType: PERCENT, commissionValue: 120", "commissionValue"],
      ["commissionType: PERCENT, commissionValue: -1", "commissionValue"],
      ["commissionType: FLAT, commissionValue: 10.5", "commissionValue"],
      ["commissionType: FLAT, commissionValue: 100, commissionMonths: 3", "commissionMonths"],
      ["commissionType: PERCENT, commissionValue: 10, commissionMonths: 0", "commissionMonths"],
      ["commissionType: PERCENT, commissionValue: 10, commissionTiers: [{minActiveCustomers: 0, value: 20}]", "commissionTiers[0].minActiveCustomers"],
      ["commissionType: PERCENT, commissionValue: 10, commissionTiers: [{minActiveCustomers: 5, value: 101}]", "commissionTiers[0].value"],
    ];
    for (const [plan, field] of cases) {
      const code = unique("bad").toLowerCase();
      const res = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "X", ${plan}}) { id } }`, { c: code });
      expect(res.errors![0]!.extensions, plan).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect((await t.admin(`query($c: String!) { affiliate(code: $c) { id } }`, { c: code })).data!.affiliate).toBeNull();
    }
    const { id, code } = await affiliate();
    const res = await t.admin(`mutation($a: ID!) { updateCommissionPlan(affiliateId: $a, input: {commissionType: PERCENT, commissionValue: 101}) { id } }`, { a: id });
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "commissionValue" });
    const ok = await t.admin(`mutation($a: ID!) { updateCommissionPlan(affiliateId: $a, input: {commissionType: PERCENT, commissionValue: 12.5, commissionMonths: 6}) { commissionValue commissionMonths } }`, { a: id });
    expect(ok.data!.updateCommissionPlan).toEqual({ commissionValue: 12.5, commissionMonths: 6 });
    expect((await t.admin(`query($c: String!) { affiliate(code: $c) { commissionValue } }`, { c: code })).data!.affiliate.commissionValue).toBe(12.5);
  });

  it("recommends the highest commission that meets the target ROI, higher for an affiliate whose customers stay, with its inputs", async () => {
    // Paid for the first 12 months: how long customers stay decides what the program can pay.
    const loyal = await affiliate({ commissionValue: 20, commissionMonths: 12 });
    const churny = await affiliate({ commissionValue: 20, commissionMonths: 12 });
    for (let i = 0; i < 6; i++) {
      await referred(loyal.code, 200);
      const gone = await referred(churny.code, 200);
      await t.admin(`mutation($id: ID!, $at: DateTime) { markChurned(customerId: $id, at: $at) { id } }`, { id: gone, at: daysAgo(170 - i * 25) });
    }
    const FIELDS = `basis referredCustomers averageMrrCents monthlyChurnRate expectedLifetimeMonths expectedLifetimeValueCents
      maxCommissionPerCustomerCents recommendedPercent recommendedFlatCents targetRoi currentPlanMeetsTarget`;
    const rec = async (c: string, args = "") =>
      (await t.admin(`query($c: String!) { affiliate(code: $c) { recommendedCommission${args} { ${FIELDS} } } }`, { c })).data!.affiliate.recommendedCommission;
    const good = await rec(loyal.code);
    const bad = await rec(churny.code);
    expect(good).toMatchObject({ basis: "AFFILIATE", referredCustomers: 6, averageMrrCents: 10_000, monthlyChurnRate: 0, expectedLifetimeMonths: 60, targetRoi: 3 });
    expect(bad.basis).toBe("AFFILIATE");
    expect(bad.monthlyChurnRate).toBeGreaterThan(0);
    expect(good.recommendedPercent).toBeGreaterThan(bad.recommendedPercent);
    expect(good.recommendedFlatCents).toBeGreaterThan(bad.recommendedFlatCents);
    expect(good.maxCommissionPerCustomerCents).toBe(Math.floor((10_000 * 60) / 4));
    expect(good.currentPlanMeetsTarget).toBe(true);
    // A stricter target lowers the answer.
    expect((await rec(churny.code, "(targetRoi: 9)")).recommendedPercent).toBeLessThan(bad.recommendedPercent);

    // Few referred customers: the program's figures stand in.
    const fresh = await affiliate();
    await referred(fresh.code, 10);
    expect((await rec(fresh.code)).basis).toBe("PROGRAM");
    const program = await t.admin(`{ recommendedCommission(commissionMonths: 12) { ${FIELDS} } }`);
    expect(program.errors).toBeUndefined();
    expect(program.data!.recommendedCommission).toMatchObject({ basis: "PROGRAM", currentPlanMeetsTarget: null });
    expect(program.data!.recommendedCommission.referredCustomers).toBeGreaterThanOrEqual(13);

    const badRoi = await t.admin(`{ recommendedCommission(targetRoi: -1) { basis } }`);
    expect(badRoi.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "targetRoi" });
  });
});
