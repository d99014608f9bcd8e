import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../helpers/app.js";

// Listing customers with their relations must cost a fixed number of statements however long
// the page is: one page query, then one batched query per relation (dataloaders).

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  const affiliates: string[] = [];
  for (let i = 0; i < 3; i++) {
    const a = await t.admin(`mutation { createAffiliate(input: {code: "count-${i}", name: "A${i}", commissionType: PERCENT, commissionValue: 10}) { code } }`);
    affiliates.push(a.data!.createAffiliate.code);
  }
  for (let i = 0; i < 60; i++) {
    const c = await t.admin(`mutation { upsertCustomer(input: {externalId: "count-${i}", name: "C${i}", mrrCents: ${1000 + i}}) { id } }`);
    const id = c.data!.upsertCustomer.id;
    if (i % 2 === 0) await t.admin(`mutation($id: ID!) { attributeReferral(affiliateCode: "${affiliates[i % 3]}", customerId: $id) { id } }`, { id });
    if (i % 7 === 0) {
      await t.admin(`mutation($id: ID!) { createAffiliate(input: {code: "own-${i}", name: "Own", customerId: $id, commissionType: FLAT, commissionValue: 100}) { id } }`, { id });
    }
  }
});
afterAll(async () => {
  await t?.close();
});

async function statementsFor(query: string): Promise<{ count: number; data: any }> {
  const before = t.database.queryCount();
  const res = await t.admin(query);
  expect(res.errors).toBeUndefined();
  return { count: t.database.queryCount() - before, data: res.data };
}

describe("SQL statements per request", () => {
  it.each([1, 10, 50])("customers(first: %i) with referredBy and affiliate issues at most 4 statements", async (first) => {
    const { count, data } = await statementsFor(`{ customers(first: ${first}) { edges { node { name referredBy { code } affiliate { code } } } } }`);
    expect(data.customers.edges).toHaveLength(first);
    // 30 of the 60 customers were referred: a page of 50 must show some of them.
    if (first === 50) expect(data.customers.edges.filter((e: any) => e.node.referredBy !== null).length).toBeGreaterThanOrEqual(20);
    expect(count).toBeLessThanOrEqual(4);
  });

  it("the CS figures of a page cost one more statement, not one per customer", async () => {
    const { count } = await statementsFor(`{ customers(first: 50) { totalCount edges { node { lifetimeValueCents nps csat supportTickets90d upsellCount referredBy { code } } } } }`);
    expect(count).toBeLessThanOrEqual(4);
  });

  it.each([5, 50])("customers(first: %i) with every score, segment membership and referrer issues at most 6 statements", async (first) => {
    await t.admin(`mutation { createSegment(input: {name: "healthy-${first}", rules: [{field: HEALTH_SCORE, op: GTE, values: ["50"]}]}) { id } }`);
    // All but one customer (MRR 1,000) are in this one: whichever five come first (ids are random), some are members.
    await t.admin(`mutation { createSegment(input: {name: "big-${first}", rules: [{field: MRR_CENTS, op: GT, values: ["1000"]}]}) { id } }`);
    const { count, data } = await statementsFor(
      `{ customers(first: ${first}) { edges { node { healthScore healthBand healthBreakdown { name } advocacyScore churnRisk segments { name } referredBy { code } } } } }`,
    );
    expect(data.customers.edges).toHaveLength(first);
    expect(data.customers.edges.some((e: any) => e.node.segments.length > 0)).toBe(true);
    expect(count).toBeLessThanOrEqual(6);
  });

  it("segments with their counts and first members cost a fixed number of statements", async () => {
    const { count, data } = await statementsFor(`{ segments { name customerCount customers(first: 3) { totalCount edges { node { name healthScore } } } } }`);
    expect(data.segments.length).toBeGreaterThanOrEqual(2);
    expect(count).toBeLessThanOrEqual(5);
  });

  it("affiliates with their stats cost at most 4 statements, whatever the page size", async () => {
    for (const first of [2, 50]) {
      const { count, data } = await statementsFor(
        `{ affiliates(first: ${first}) { edges { node { code stats { visits referredCustomers churnedCustomers monthlyChurnRate revenueCents commissionsCents roi qualityScore } } } } }`,
      );
      expect(data.affiliates.edges.length).toBeGreaterThan(1);
      expect(data.affiliates.edges.find((e: any) => e.node.code === "count-0")?.node.stats.referredCustomers ?? 10).toBe(10);
      expect(count).toBeLessThanOrEqual(4);
    }
  });

  it("affiliates with their referrals and referred customers is batched too", async () => {
    const { count, data } = await statementsFor(
      `{ affiliates(first: 50) { edges { node { code customer { name } referrals(first: 5) { totalCount edges { node { customer { name } } } } } } } }`,
    );
    const referred = data.affiliates.edges.find((e: any) => e.node.code === "count-0").node.referrals;
    expect(referred.totalCount).toBe(10);
    expect(referred.edges).toHaveLength(5);
    expect(count).toBeLessThanOrEqual(5);
  });
});
