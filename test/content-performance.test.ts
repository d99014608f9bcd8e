import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "./helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("content performance", () => {
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
