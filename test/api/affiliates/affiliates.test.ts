import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const newCustomer = async (name = "Acme") =>
  (await t.admin(`mutation($e: String!, $n: String!) { upsertCustomer(input: {externalId: $e, name: $n, mrrCents: 5000}) { id } }`, { e: unique("crm"), n: name }))
    .data!.upsertCustomer.id as string;

describe("affiliates", () => {
  it("creates an affiliate from a customer, keeping the link both ways, with a case-insensitive code", async () => {
    const customerId = await newCustomer("Globex");
    const code = unique("Globex-Partner");
    const res = await t.admin(
      `mutation($code: String!, $id: ID!) { createAffiliate(input: {code: $code, name: "Globex", customerId: $id, commissionType: PERCENT, commissionValue: 12.5}) {
        code commissionType commissionValue customer { id name } } }`,
      { code, id: customerId },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createAffiliate).toEqual({
      code: code.toLowerCase(),
      commissionType: "PERCENT",
      commissionValue: 12.5,
      customer: { id: customerId, name: "Globex" },
    });
    const back = await t.admin(`query($id: ID!) { customer(id: $id) { affiliate { code } } }`, { id: customerId });
    expect(back.data!.customer.affiliate.code).toBe(code.toLowerCase());
    const byCode = await t.admin(`query($code: String!) { affiliate(code: $code) { name } }`, { code: code.toUpperCase() });
    expect(byCode.data!.affiliate).toEqual({ name: "Globex" });
  });

  it("lists affiliates with cursors and a total", async () => {
    for (let i = 0; i < 3; i++) {
      await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "L", commissionType: FLAT, commissionValue: 2500}) { id } }`, {
        c: unique("list"),
      });
    }
    const first = await t.admin(`{ affiliates(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`);
    const total = first.data!.affiliates.totalCount;
    expect(total).toBeGreaterThanOrEqual(3);
    const rest = await t.admin(`query($after: String) { affiliates(first: 100, after: $after) { pageInfo { hasNextPage } edges { node { id } } } }`, {
      after: first.data!.affiliates.pageInfo.endCursor,
    });
    expect(first.data!.affiliates.edges.length + rest.data!.affiliates.edges.length).toBe(total);
    expect(rest.data!.affiliates.pageInfo.hasNextPage).toBe(false);
  });
});

describe("referrals", () => {
  it("attributes a customer once and shows it on both sides", async () => {
    const code = unique("ref").toLowerCase();
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Ref", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const customerId = await newCustomer("Initech");
    const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const res = await t.admin(
      `mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { referredAt affiliate { code } customer { name } } }`,
      { c: code.toUpperCase(), id: customerId, at },
    );
    expect(res.data!.attributeReferral).toEqual({ referredAt: at, affiliate: { code }, customer: { name: "Initech" } });
    const listed = await t.admin(`query($c: String!) { affiliate(code: $c) { referrals { totalCount edges { node { customer { id } } } } } }`, { c: code });
    expect(listed.data!.affiliate.referrals).toEqual({ totalCount: 1, edges: [{ node: { customer: { id: customerId } } }] });
    const filtered = await t.admin(`query($c: String!) { customers(filter: {referredByAffiliateCode: $c}) { totalCount edges { node { id } } } }`, {
      c: code.toUpperCase(),
    });
    expect(filtered.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { id: customerId } }] });
  });

  it("counts a visitor once per day and answers false for an unknown code", async () => {
    const code = unique("visits").toLowerCase();
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "V", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const visit = (visitor: string, c = code) =>
      t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v, niche: " Health Care ") }`, { c, v: visitor });
    expect((await visit("v-1")).data!.trackReferralVisit).toBe(true);
    expect((await visit("v-1")).data!.trackReferralVisit).toBe(true);
    expect((await visit("v-2")).data!.trackReferralVisit).toBe(true);
    expect((await visit("v-3", "no-such-affiliate")).data!.trackReferralVisit).toBe(false);
    const fingerprint = await t.database.fingerprint();
    expect(fingerprint.referral_visits!.split(":")[0]).toBe("2");
  });
});

describe("content assets", () => {
  it("creates, filters by kind and niche, updates and archives", async () => {
    const customerId = await newCustomer("Case Co");
    const created = await t.admin(
      `mutation($id: ID!) { createContentAsset(input: {kind: CASE_STUDY, title: "How Case Co grew", body: "Story", url: "https://example.com/case",
        niches: [" Real  Estate ", "real estate", "Fintech"], customerId: $id}) { id kind niches archived customer { name } affiliate { code } } }`,
      { id: customerId },
    );
    expect(created.errors).toBeUndefined();
    const asset = created.data!.createContentAsset;
    expect(asset).toMatchObject({ kind: "CASE_STUDY", niches: ["real estate", "fintech"], archived: false, customer: { name: "Case Co" }, affiliate: null });
    await t.admin(`mutation { createContentAsset(input: {kind: PAIN_POINT, title: "Pain", body: "B", niches: ["fintech"]}) { id } }`);

    const byNiche = await t.admin(`{ contentAssets(kind: CASE_STUDY, niche: "REAL ESTATE") { id } }`);
    expect(byNiche.data!.contentAssets).toEqual([{ id: asset.id }]);

    const updated = await t.admin(`mutation($id: ID!) { updateContentAsset(id: $id, input: {title: "New title", url: null}) { title url body } }`, { id: asset.id });
    expect(updated.data!.updateContentAsset).toEqual({ title: "New title", url: null, body: "Story" });

    const archived = await t.admin(`mutation($id: ID!) { archiveContentAsset(id: $id) { archived } }`, { id: asset.id });
    expect(archived.data!.archiveContentAsset.archived).toBe(true);
    const live = await t.admin(`{ contentAssets(niche: "real estate") { id } }`);
    expect(live.data!.contentAssets).toEqual([]);
    const all = await t.admin(`{ contentAssets(niche: "real estate", includeArchived: true) { id } }`);
    expect(all.data!.contentAssets).toEqual([{ id: asset.id }]);
  });
});

describe("segments", () => {
  it("stores normalized rules and lists segments", async () => {
    const name = unique("Promoters");
    const res = await t.admin(
      `mutation($n: String!) { createSegment(input: {name: $n, rules: [
        {field: NPS, op: GTE, values: ["9"]}, {field: NICHE, op: IN, values: [" Health  Care", "Fintech"]}, {field: STATUS, op: EQ, values: ["active"]}]}) {
        id name rules { field op values } } }`,
      { n: name },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createSegment.rules).toEqual([
      { field: "NPS", op: "GTE", values: ["9"] },
      { field: "NICHE", op: "IN", values: ["health care", "fintech"] },
      { field: "STATUS", op: "EQ", values: ["ACTIVE"] },
    ]);
    const listed = await t.admin(`{ segments { name } }`);
    expect(listed.data!.segments).toContainEqual({ name });
    const dup = await t.admin(`mutation($n: String!) { createSegment(input: {name: $n, rules: []}) { id } }`, { n: name });
    expect(dup.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
  });
});
