import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";
import { attribute, createCustomer } from "../../helpers/factories.js";
import type { LandingPageData } from "../../../src/landing/landing.service.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function affiliateAndAsset(app: TestApp): Promise<{ code: string; niche: string; asset: string }> {
  const code = unique("perf").toLowerCase();
  const niche = unique("perf").toLowerCase();
  await app.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "P", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
  const res = await app.admin(`mutation($n: String!) { createContentAsset(input: {kind: USE_CASE, title: "Shown", body: "B", niches: [$n]}) { id } }`, { n: niche });
  return { code, niche, asset: res.data!.createContentAsset.id };
}

/** A new customer, attributed to the affiliate at `at` (default now). */
async function referral(app: TestApp, code: string, at?: string): Promise<void> {
  const { id } = await createCustomer(app, { name: "C", mrrCents: 100, signedUpAt: daysAgo(400) });
  await attribute(app, code, id, at);
}

async function performanceOf(app: TestApp, asset: string) {
  const res = await app.admin(`{ contentPerformance(limit: 500) { asset { id } impressions referredCustomers retainedCustomers } }`);
  expect(res.errors).toBeUndefined();
  return res.data!.contentPerformance.find((r: any) => r.asset.id === asset);
}

describe("content performance", () => {
  it("credits an asset only with the referrals that followed an impression of it, not those before", async () => {
    const { code, niche, asset } = await affiliateAndAsset(t);
    // Attributed a second before the page first showed the asset (the same UTC day, as a rule).
    await referral(t, code, new Date(Date.now() - 1_000).toISOString());
    expect((await t.http.get(`/landing?affiliate=${code}&niche=${niche}`)).status).toBe(200);
    await t.app.impressions.flush();
    await referral(t, code);
    expect(await performanceOf(t, asset)).toEqual({ asset: { id: asset }, impressions: 1, referredCustomers: 1, retainedCustomers: 1 });
  });

  it("reports impressions, the referrals that followed on those affiliates' pages, and their retention", async () => {
    const code = unique("perf").toLowerCase();
    const niche = `perf-${Date.now().toString(36)}`;
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "P", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const shown = (await t.admin(`mutation($n: String!) { createContentAsset(input: {kind: PAIN_POINT, title: "Shown", body: "B", niches: [$n]}) { id } }`, { n: niche }))
      .data!.createContentAsset.id;
    const hidden = (await t.admin(`mutation { createContentAsset(input: {kind: PAIN_POINT, title: "Never shown", body: "B", niches: ["elsewhere"]}) { id } }`)).data!
      .createContentAsset.id;
    for (let i = 0; i < 3; i++) expect((await t.http.get(`/landing?affiliate=${code}&niche=${niche}`)).status).toBe(200);
    await t.app.impressions.flush();

    const customers: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await t.admin(`mutation($e: String!) { upsertCustomer(input: {externalId: $e, name: "C", mrrCents: 100}) { id } }`, { e: unique("crm") });
      customers.push(c.data!.upsertCustomer.id);
      await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id: customers[i] });
    }
    await t.admin(`mutation($id: ID!) { markChurned(customerId: $id) { id } }`, { id: customers[0] });

    const res = await t.admin(`{ contentPerformance(limit: 500) { asset { id title } impressions referredCustomers retainedCustomers retentionRate } }`);
    expect(res.errors).toBeUndefined();
    const row = res.data!.contentPerformance.find((r: any) => r.asset.id === shown);
    expect(row).toEqual({ asset: { id: shown, title: "Shown" }, impressions: 3, referredCustomers: 2, retainedCustomers: 1, retentionRate: 0.5 });
    expect(res.data!.contentPerformance.map((r: any) => r.asset.id)).not.toContain(hidden);
  });

  it("is for admins only", async () => {
    expect((await t.gql(`{ contentPerformance { impressions } }`)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
  });
});

describe("content performance's attribution window", () => {
  let short: TestApp;
  beforeAll(async () => {
    short = await startTestApp({ attributionWindowDays: 10 });
  });
  afterAll(async () => {
    await short?.close();
  });

  it("credits a referral made at most ATTRIBUTION_WINDOW_DAYS after the asset's last impression before it", async () => {
    const { code, niche, asset } = await affiliateAndAsset(short);
    const page: LandingPageData = {
      affiliate: { code, name: "P" },
      niche,
      matchedOn: "AFFILIATE_AND_NICHE",
      caseStudies: [],
      useCases: [{ id: asset, kind: "USE_CASE", title: "Shown", body: "B", url: null, customerName: null }],
      painPoints: [],
    };
    // Shown on one UTC day 40 days ago, at 23:00 and then at 01:00 (two flushes of the app's own
    // counter, with the clock set back): the day's row keeps the first and the last impression.
    const day = daysAgo(40).slice(0, 10);
    const at = (days: number, time: string) => new Date(new Date(`${day}T${time}Z`).getTime() + days * 86_400_000).toISOString();
    for (const time of ["23:00:00", "01:00:00"]) {
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(new Date(at(0, time)));
        short.app.impressions.record(page);
      } finally {
        vi.useRealTimers();
      }
      await short.app.impressions.flush();
    }
    await referral(short, code, at(0, "00:30:00")); // before the first impression: not credited
    await referral(short, code, at(0, "12:00:00")); // after the first: credited
    await referral(short, code, at(10, "22:00:00")); // 10 days after the last but for an hour: credited
    await referral(short, code, at(10, "23:30:00")); // more than 10 days after the last: not credited
    expect(await performanceOf(short, asset)).toEqual({ asset: { id: asset }, impressions: 2, referredCustomers: 2, retainedCustomers: 2 });
  });
});
