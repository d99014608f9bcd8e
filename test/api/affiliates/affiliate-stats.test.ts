import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";
import { attribute, createAffiliate, createCustomer, DAY_MS as DAY } from "../../helpers/factories.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function affiliate(type = "PERCENT", value = 20): Promise<string> {
  return (await createAffiliate(t, { code: unique("st").toLowerCase(), name: "S", commissionType: type, commissionValue: value })).code;
}

async function referredCustomer(code: string, opts: { signedUpDaysAgo: number; mrrCents?: number; nps?: number; churnedDaysAgo?: number }) {
  const { id } = await createCustomer(t, { name: unique("Ref"), mrrCents: opts.mrrCents ?? 10_000, signedUpAt: daysAgo(opts.signedUpDaysAgo) });
  await attribute(t, code, id, daysAgo(opts.signedUpDaysAgo));
  if (opts.nps !== undefined) await t.admin(`mutation($id: ID!, $s: Int!) { recordNpsResponse(customerId: $id, score: $s) { id } }`, { id, s: opts.nps });
  if (opts.churnedDaysAgo !== undefined) {
    await t.admin(`mutation($id: ID!, $at: DateTime) { markChurned(customerId: $id, at: $at) { id } }`, { id, at: daysAgo(opts.churnedDaysAgo) });
  }
  return id;
}

const STATS = `visits referredCustomers activeCustomers churnedCustomers conversionRate monthlyChurnRate averageLifetimeValueCents
  revenueCents commissionsCents roi averageHealthScore qualityScore clicksToCustomer { visitors referred active }
  months { month visitors referredCustomers churnedCustomers activeAtStart revenueCents churnRate }`;
const stats = async (code: string, args = "") =>
  (await t.admin(`query($c: String!) { affiliate(code: $c) { stats${args} { ${STATS} } } }`, { c: code })).data!.affiliate.stats;

describe("affiliate stats", () => {
  it("10 distinct visitors and 4 referred customers give a conversion rate of 0.4", async () => {
    const code = await affiliate();
    for (let i = 0; i < 10; i++) await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: code, v: `visitor-${i}` });
    await t.gql(`mutation($c: String!) { trackReferralVisit(affiliateCode: $c, visitorId: "visitor-0") }`, { c: code });
    for (let i = 0; i < 4; i++) await referredCustomer(code, { signedUpDaysAgo: 1 });
    const s = await stats(code);
    expect(s).toMatchObject({ visits: 10, referredCustomers: 4, activeCustomers: 4, churnedCustomers: 0, conversionRate: 0.4 });
    expect(s.clicksToCustomer).toEqual({ visitors: 10, referred: 4, active: 4 });
  });

  it("ranks an affiliate whose customers stay above one whose customers churn early", async () => {
    const good = await affiliate();
    const bad = await affiliate();
    for (let i = 0; i < 4; i++) {
      await referredCustomer(good, { signedUpDaysAgo: 150, nps: 10 });
      await referredCustomer(bad, { signedUpDaysAgo: 150, nps: 3, churnedDaysAgo: 100 - i * 10 });
    }
    const g = await stats(good);
    const b = await stats(bad);
    expect(g.churnedCustomers).toBe(0);
    expect(b.churnedCustomers).toBe(4);
    expect(g.qualityScore).toBeGreaterThan(b.qualityScore);
    expect(g.monthlyChurnRate).toBe(0);
    expect(b.monthlyChurnRate).toBeGreaterThan(0);
    expect(g.averageHealthScore).not.toBeNull();
    expect(b.averageHealthScore).toBeNull();
    expect(g.averageLifetimeValueCents).toBeGreaterThan(b.averageLifetimeValueCents);
    expect(b.months.some((m: any) => m.churnRate > 0)).toBe(true);
  });

  it("earns 20% of 10,000 cents of revenue: 2,000 cents, ROI 4", async () => {
    const code = await affiliate("PERCENT", 20);
    await referredCustomer(code, { signedUpDaysAgo: 100, mrrCents: 10_000 });
    // Exactly one average month (30.4375 days) of a $100/month customer, across a month boundary or not.
    const from = new Date(Date.now() - 60 * DAY);
    const to = new Date(from.getTime() + 30.4375 * DAY);
    const s = await stats(code, `(from: "${from.toISOString()}", to: "${to.toISOString()}")`);
    expect(s.revenueCents).toBe(10_000);
    expect(s.commissionsCents).toBe(2_000);
    expect(s.roi).toBe(4);
    expect(s.referredCustomers).toBe(0); // referred before the window
    expect(s.months.reduce((sum: number, m: any) => sum + m.revenueCents, 0)).toBeGreaterThanOrEqual(9_999);
  });

  it("pays a FLAT commission per referred customer, and has no ROI when nothing is owed", async () => {
    const flat = await affiliate("FLAT", 5_000);
    await referredCustomer(flat, { signedUpDaysAgo: 10 });
    await referredCustomer(flat, { signedUpDaysAgo: 5 });
    expect((await stats(flat)).commissionsCents).toBe(10_000);
    const idle = await affiliate();
    expect(await stats(idle)).toMatchObject({ visits: 0, referredCustomers: 0, conversionRate: 0, monthlyChurnRate: 0, commissionsCents: 0, roi: null, qualityScore: 0, months: [] });
  });

  it("refuses a window that ends before it starts", async () => {
    const code = await affiliate();
    const res = await t.admin(`query($c: String!) { affiliate(code: $c) { stats(from: "${daysAgo(1)}", to: "${daysAgo(2)}") { visits } } }`, { c: code });
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
  });

  it("lets an affiliate read its own stats with its key", async () => {
    const code = await affiliate();
    const id = (await t.admin(`query($c: String!) { affiliate(code: $c) { id } }`, { c: code })).data!.affiliate.id;
    const key = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id })).data!.createAffiliateApiKey;
    await t.gql(`mutation($c: String!) { trackReferralVisit(affiliateCode: $c, visitorId: "me") }`, { c: code });
    const own = await t.gql(`{ myAffiliate { code stats { visits referredCustomers qualityScore } } }`, {}, key);
    expect(own.errors).toBeUndefined();
    expect(own.data!.myAffiliate).toEqual({ code, stats: { visits: 1, referredCustomers: 0, qualityScore: 0 } });
  });
});
