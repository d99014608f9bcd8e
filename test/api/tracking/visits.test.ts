import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createAsset, createCustomer } from "../../helpers/factories.js";

// POST /visits: the tracking snippet's one request per page view (JSON sent as text/plain).

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const visitorId = () => unique("v").replace(/[^A-Za-z0-9_-]/g, "_");
const post = (app: TestApp, body: unknown) =>
  app.http
    .post("/visits")
    .set("content-type", "text/plain;charset=UTF-8")
    .send(typeof body === "string" ? body : JSON.stringify(body));
const visitsOf = async (code: string) => (await t.admin(`query($c: String!) { affiliate(code: $c) { stats { visits } } }`, { c: code })).data!.affiliate.stats.visits;
async function performanceOf(asset: string) {
  const res = await t.admin(`{ contentPerformance(limit: 500) { asset { id } impressions visits referredCustomers referredFromVisits retainedCustomers } }`);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!.contentPerformance.find((r: any) => r.asset.id === asset);
}

describe("POST /visits", () => {
  it("records a visit sent as text/plain, once per visitor and day, with its niche", async () => {
    const { code } = await createAffiliate(t);
    const visitor = visitorId();
    const res = await post(t, { affiliate: ` ${code.toUpperCase()} `, visitorId: visitor, niche: "Fintech" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recorded: true });
    expect(res.headers["cache-control"]).toBe("no-store");
    expect((await post(t, { affiliate: code, visitorId: visitor })).body).toEqual({ recorded: true });
    expect((await post(t, { affiliate: code, visitorId: visitorId() })).body).toEqual({ recorded: true });
    expect(await visitsOf(code)).toBe(2);
  });

  it("answers an unknown, malformed or missing affiliate with recorded:false, never an error", async () => {
    for (const affiliate of ["nobody-has-this-code", "x", "bad code!", null, undefined]) {
      const res = await post(t, { affiliate, visitorId: visitorId() });
      expect(res.status, String(affiliate)).toBe(200);
      expect(res.body).toEqual({ recorded: false });
    }
  });

  it("refuses a malformed visitor id or body with 400 and a reason, writing nothing", async () => {
    const { code } = await createAffiliate(t);
    const cases: [unknown, RegExp][] = [
      [{ affiliate: code, visitorId: "short" }, /visitorId/],
      [{ affiliate: code, visitorId: "has spaces in it" }, /visitorId/],
      [{ affiliate: code, visitorId: "x".repeat(129) }, /visitorId/],
      [{ affiliate: code }, /visitorId/],
      [{ affiliate: 42, visitorId: visitorId() }, /affiliate/],
      [{ affiliate: code, visitorId: visitorId(), niche: ["a"] }, /niche/],
      [{ affiliate: code, visitorId: visitorId(), content: 7 }, /content/],
      [{ affiliate: code, visitorId: visitorId(), slots: "yes" }, /slots/],
      ["not json", /JSON/],
      ["[1,2]", /object/],
      ["", /JSON/],
    ];
    for (const [body, reason] of cases) {
      const res = await post(t, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(reason) });
    }
    expect((await post(t, "x".repeat(5_000))).status).toBe(413);
    expect(await visitsOf(code)).toBe(0);
  });

  it("with slots:true answers the landing content of GET /landing in the same request", async () => {
    const { code } = await createAffiliate(t, { name: "Slot Partner" });
    const niche = unique("slots").toLowerCase();
    await createAsset(t, { kind: "PAIN_POINT", title: "Spreadsheets", niches: [niche] });
    const res = await post(t, { affiliate: code, visitorId: visitorId(), niche, slots: true });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const landing = await t.http.get(`/landing?affiliate=${code}&niche=${niche}`);
    expect(res.body).toEqual({ recorded: true, page: landing.body });
    expect(res.body.page.painPoints.map((p: any) => p.title)).toEqual(["Spreadsheets"]);
    // Without an affiliate, the page for the niche alone, and no visit.
    const anonymous = await post(t, { visitorId: visitorId(), niche, slots: true });
    expect(anonymous.body).toMatchObject({ recorded: false, page: { affiliate: null, painPoints: [{ title: "Spreadsheets" }] } });
  });

  it("keeps the content id of the link that brought the visitor, and credits the asset with the visit and the referral", async () => {
    const { code } = await createAffiliate(t);
    // Shown on no page: the credit can only come from the visit.
    const asset = await createAsset(t, { kind: "USE_CASE", title: "Through the link", niches: [unique("nowhere").toLowerCase()] });
    const visitor = visitorId();
    expect((await post(t, { affiliate: code, visitorId: visitor, content: asset })).body).toEqual({ recorded: true });
    // Unknown and malformed ids are dropped; those visits still count.
    expect((await post(t, { affiliate: code, visitorId: visitorId(), content: "00000000-0000-4000-8000-000000000000" })).body).toEqual({ recorded: true });
    expect((await post(t, { affiliate: code, visitorId: visitorId(), content: "not-an-id" })).body).toEqual({ recorded: true });
    // Through GraphQL too (the additive contentId argument).
    const gql = await t.gql(`mutation($c: String!, $v: String!, $a: ID) { trackReferralVisit(affiliateCode: $c, visitorId: $v, contentId: $a) }`, { c: code, v: visitorId(), a: asset });
    expect(gql.errors).toBeUndefined();
    expect(gql.data!.trackReferralVisit).toBe(true);
    expect(await visitsOf(code)).toBe(4);
    expect(await performanceOf(asset)).toEqual({ asset: { id: asset }, impressions: 0, visits: 2, referredCustomers: 0, referredFromVisits: 0, retainedCustomers: 0 });

    const { id: customerId } = await createCustomer(t);
    const attributed = await t.admin(`mutation($c: String!, $id: ID!, $v: String) { attributeReferral(affiliateCode: $c, customerId: $id, visitorId: $v) { id } }`, {
      c: code,
      id: customerId,
      v: visitor,
    });
    expect(attributed.errors).toBeUndefined();
    // A referral of the same affiliate whose visitor did not come through the link is not credited.
    const { id: other } = await createCustomer(t);
    expect((await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id: other })).errors).toBeUndefined();
    expect(await performanceOf(asset)).toEqual({ asset: { id: asset }, impressions: 0, visits: 2, referredCustomers: 1, referredFromVisits: 1, retainedCustomers: 1 });
  });

  it("keeps the day's first content id when a later page view names none", async () => {
    const { code } = await createAffiliate(t);
    const asset = await createAsset(t, { kind: "USE_CASE", title: "Later", niches: [unique("nowhere").toLowerCase()] });
    const visitor = visitorId();
    await post(t, { affiliate: code, visitorId: visitor });
    await post(t, { affiliate: code, visitorId: visitor, content: asset });
    await post(t, { affiliate: code, visitorId: visitor });
    expect(await visitsOf(code)).toBe(1);
    expect((await performanceOf(asset)).visits).toBe(1);
  });
});

describe("POST /visits rate limit", () => {
  let limited: TestApp;
  beforeAll(async () => {
    limited = await startTestApp({ visitRateLimit: { perMinute: 2 } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("shares the per-address visit limit with trackReferralVisit: 429 with Retry-After, nothing written", async () => {
    const { code } = await createAffiliate(limited);
    expect((await post(limited, { affiliate: code, visitorId: visitorId() })).status).toBe(200);
    const gql = await limited.gql(`mutation($c: String!) { trackReferralVisit(affiliateCode: $c, visitorId: "via-graphql") }`, { c: code });
    expect(gql.errors).toBeUndefined();
    const refused = await post(limited, { affiliate: code, visitorId: visitorId() });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.body.error.code).toBe("TOO_MANY_REQUESTS");
    const stats = await limited.admin(`query($c: String!) { affiliate(code: $c) { stats { visits } } }`, { c: code });
    expect(stats.data!.affiliate.stats.visits).toBe(2);
  });
});
