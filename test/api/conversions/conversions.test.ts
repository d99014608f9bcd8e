import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referralVisits } from "../../../src/db/schema/index.js";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createCustomer, createServerKey, DAY_MS } from "../../helpers/factories.js";

// Server-side conversions (issue 14, point 3): a server key with the CONVERSIONS scope reports
// "visitor V became customer X"; X is created or updated by external id and attributed to the
// affiliate V's visits name under the attribution rule, in one transaction.

let t: TestApp;
let key: string;
beforeAll(async () => {
  t = await startTestApp();
  key = (await createServerKey(t)).secret;
});
afterAll(async () => {
  await t?.close();
});

const RESULT = "customerId created status affiliateCode reason attributionModel";

function report(app: TestApp, secret: string | null, input: Record<string, unknown>) {
  return app.gql(`mutation($i: ConversionInput!) { reportConversion(input: $i) { ${RESULT} } }`, { i: input }, secret);
}

/** A visit as the API would have stored it at that moment: the API itself records only "now". */
async function visitedAt(app: TestApp, affiliateId: string, visitorId: string, at: Date) {
  await app.database.db.insert(referralVisits).values({ affiliateId, visitorId, visitedOn: at.toISOString().slice(0, 10), at });
}

const customerView = (app: TestApp, id: string) =>
  app.admin(`query($id: ID!) { customer(id: $id) { externalId name niche plan mrrCents status referredBy { code } stakeholders { name email role } } }`, { id });

const newCustomer = (externalId = unique("crm"), extra: Record<string, unknown> = {}) => ({ externalId, name: unique("Signup Co"), ...extra });

describe("the attribution rule", () => {
  it("last touch (the default): the latest visit in the window names the affiliate; the customer is created with what the report gives", async () => {
    const first = await createAffiliate(t);
    const last = await createAffiliate(t);
    const visitor = unique("v");
    await visitedAt(t, first.id, visitor, new Date(Date.now() - 10 * DAY_MS));
    await visitedAt(t, last.id, visitor, new Date(Date.now() - 3 * DAY_MS));
    const res = await report(t, key, { visitorId: visitor, customer: newCustomer(undefined, { niche: "Dental Clinics", plan: "pro", mrrCents: 4_900 }) });
    expect(res.errors).toBeUndefined();
    expect(res.data!.reportConversion).toMatchObject({ created: true, status: "ATTRIBUTED", affiliateCode: last.code, reason: null, attributionModel: "LAST_TOUCH" });
    const view = (await customerView(t, res.data!.reportConversion.customerId)).data!.customer;
    expect(view).toMatchObject({ niche: "dental clinics", plan: "pro", mrrCents: 4_900, status: "ACTIVE", referredBy: { code: last.code } });
    const referrals = await t.admin(`query($c: String!) { affiliate(code: $c) { referrals { edges { node { visitorId customer { id } } } } } }`, { c: last.code });
    expect(referrals.data!.affiliate.referrals.edges).toEqual([{ node: { visitorId: visitor, customer: { id: res.data!.reportConversion.customerId } } }]);
  });

  it("first touch (ATTRIBUTION_MODEL=first-touch): the earliest visit in the window", async () => {
    const app = await startTestApp({ attributionModel: "FIRST_TOUCH" });
    try {
      const secret = (await createServerKey(app)).secret;
      const first = await createAffiliate(app);
      const last = await createAffiliate(app);
      const visitor = unique("v");
      await visitedAt(app, first.id, visitor, new Date(Date.now() - 10 * DAY_MS));
      await visitedAt(app, last.id, visitor, new Date(Date.now() - 3 * DAY_MS));
      const res = await report(app, secret, { visitorId: visitor, customer: newCustomer() });
      expect(res.data!.reportConversion).toMatchObject({ status: "ATTRIBUTED", affiliateCode: first.code, attributionModel: "FIRST_TOUCH" });
    } finally {
      await app.close();
    }
  });

  it("counts a visit exactly windowDays before the conversion, not one a millisecond earlier", async () => {
    const at = new Date(Date.now() - DAY_MS);
    const edge = await createAffiliate(t);
    const outside = await createAffiliate(t);
    const onEdge = unique("v");
    await visitedAt(t, edge.id, onEdge, new Date(at.getTime() - 30 * DAY_MS));
    const inside = await report(t, key, { visitorId: onEdge, at: at.toISOString(), customer: newCustomer() });
    expect(inside.data!.reportConversion).toMatchObject({ status: "ATTRIBUTED", affiliateCode: edge.code });

    const tooEarly = unique("v");
    await visitedAt(t, outside.id, tooEarly, new Date(at.getTime() - 30 * DAY_MS - 1));
    const res = await report(t, key, { visitorId: tooEarly, at: at.toISOString(), customer: newCustomer() });
    expect(res.data!.reportConversion).toMatchObject({ status: "NO_QUALIFYING_VISIT", affiliateCode: null });
  });

  it("takes its window from ATTRIBUTION_WINDOW_DAYS", async () => {
    const app = await startTestApp({ attributionWindowDays: 7 });
    try {
      const secret = (await createServerKey(app)).secret;
      const affiliate = await createAffiliate(app);
      const visitor = unique("v");
      await visitedAt(app, affiliate.id, visitor, new Date(Date.now() - 8 * DAY_MS));
      expect((await report(app, secret, { visitorId: visitor, customer: newCustomer() })).data!.reportConversion.status).toBe("NO_QUALIFYING_VISIT");
    } finally {
      await app.close();
    }
  });

  it("ignores visits after the conversion's `at`, even under last touch", async () => {
    const at = new Date(Date.now() - 2 * DAY_MS);
    const before = await createAffiliate(t);
    const after = await createAffiliate(t);
    const visitor = unique("v");
    await visitedAt(t, before.id, visitor, new Date(at.getTime() - 5 * DAY_MS));
    await visitedAt(t, after.id, visitor, new Date(at.getTime() + 3_600_000));
    const res = await report(t, key, { visitorId: visitor, at: at.toISOString(), customer: newCustomer() });
    expect(res.data!.reportConversion).toMatchObject({ status: "ATTRIBUTED", affiliateCode: before.code });

    const onlyLater = unique("v");
    await visitedAt(t, after.id, onlyLater, new Date(at.getTime() + 60_000));
    const later = await report(t, key, { visitorId: onlyLater, at: at.toISOString(), customer: newCustomer() });
    expect(later.data!.reportConversion.status).toBe("NO_QUALIFYING_VISIT");
  });

  it("a visit recorded through trackReferralVisit just before counts (the snippet's path)", async () => {
    const affiliate = await createAffiliate(t);
    const visitor = unique("v");
    await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: affiliate.code, v: visitor });
    const res = await report(t, key, { visitorId: visitor, customer: newCustomer() });
    expect(res.data!.reportConversion).toMatchObject({ status: "ATTRIBUTED", affiliateCode: affiliate.code });
  });
});

describe("outcomes that attribute nothing", () => {
  it("no visit: NO_QUALIFYING_VISIT, not an error; the customer is still created, and a later report updates it", async () => {
    const externalId = unique("crm");
    const res = await report(t, key, { visitorId: unique("never-visited"), customer: { externalId, name: "First Name", plan: "starter", mrrCents: 1_000 } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.reportConversion).toMatchObject({ created: true, status: "NO_QUALIFYING_VISIT", affiliateCode: null, reason: null });
    const id = res.data!.reportConversion.customerId;
    expect((await customerView(t, id)).data!.customer).toMatchObject({ externalId, name: "First Name", plan: "starter", referredBy: null });

    // Left out: the plan and MRR stay; given: the name changes.
    const again = await report(t, key, { visitorId: unique("never-visited"), customer: { externalId, name: "Renamed" } });
    expect(again.data!.reportConversion).toMatchObject({ customerId: id, created: false, status: "NO_QUALIFYING_VISIT" });
    expect((await customerView(t, id)).data!.customer).toMatchObject({ name: "Renamed", plan: "starter", mrrCents: 1_000, referredBy: null });
  });

  it("reported twice: ALREADY_ATTRIBUTED with the same affiliate, and still one referral", async () => {
    const affiliate = await createAffiliate(t);
    const other = await createAffiliate(t);
    const visitor = unique("v");
    await visitedAt(t, affiliate.id, visitor, new Date(Date.now() - DAY_MS));
    const input = { visitorId: visitor, customer: newCustomer() };
    const first = await report(t, key, input);
    expect(first.data!.reportConversion.status).toBe("ATTRIBUTED");
    // A later visit of another affiliate does not move an attribution.
    await visitedAt(t, other.id, visitor, new Date(Date.now() - 60_000));
    const second = await report(t, key, input);
    expect(second.data!.reportConversion).toMatchObject({ customerId: first.data!.reportConversion.customerId, created: false, status: "ALREADY_ATTRIBUTED", affiliateCode: affiliate.code });
    const counts = await t.admin(`query($a: String!, $b: String!) { a: affiliate(code: $a) { referrals { totalCount } } b: affiliate(code: $b) { referrals { totalCount } } }`, {
      a: affiliate.code,
      b: other.code,
    });
    expect(counts.data).toEqual({ a: { referrals: { totalCount: 1 } }, b: { referrals: { totalCount: 0 } } });
  });

  it("reported several times at once for a new customer: every call answered, one customer, one created, one referral", async () => {
    const affiliate = await createAffiliate(t);
    const visitor = unique("v");
    await visitedAt(t, affiliate.id, visitor, new Date(Date.now() - DAY_MS));
    const input = { visitorId: visitor, customer: newCustomer() };
    const calls = await Promise.all([1, 2, 3, 4].map(() => report(t, key, input)));
    for (const call of calls) expect(call.errors).toBeUndefined();
    const results = calls.map((c) => c.data!.reportConversion);
    expect(new Set(results.map((r) => r.customerId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) expect(r.affiliateCode).toBe(affiliate.code);
    const counts = await t.admin(`query($a: String!) { affiliate(code: $a) { referrals { totalCount } } }`, { a: affiliate.code });
    expect(counts.data!.affiliate.referrals.totalCount).toBe(1);
  });

  it("a customer the admin already attributed keeps its affiliate", async () => {
    const named = await createAffiliate(t);
    const visited = await createAffiliate(t);
    const customer = await createCustomer(t);
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: named.code, id: customer.id });
    const visitor = unique("v");
    await visitedAt(t, visited.id, visitor, new Date(Date.now() - DAY_MS));
    const res = await report(t, key, { visitorId: visitor, customer: { externalId: customer.externalId, name: "Same Co" } });
    expect(res.data!.reportConversion).toMatchObject({ customerId: customer.id, created: false, status: "ALREADY_ATTRIBUTED", affiliateCode: named.code });
  });

  it("self-referral: the visit's affiliate is the converting customer itself → NOT_ATTRIBUTABLE, nothing attributed", async () => {
    const customer = await createCustomer(t);
    const affiliate = await createAffiliate(t, { customerId: customer.id });
    const visitor = unique("v");
    await visitedAt(t, affiliate.id, visitor, new Date(Date.now() - DAY_MS));
    const res = await report(t, key, { visitorId: visitor, customer: { externalId: customer.externalId, name: "Self Co" } });
    expect(res.data!.reportConversion).toMatchObject({ status: "NOT_ATTRIBUTABLE", affiliateCode: null });
    expect(res.data!.reportConversion.reason).toMatch(/cannot refer the customer it is/);
    expect((await customerView(t, customer.id)).data!.customer.referredBy).toBeNull();
  });

  it("a churned customer → NOT_ATTRIBUTABLE, and it stays churned", async () => {
    const customer = await createCustomer(t);
    await t.admin(`mutation($id: ID!) { markChurned(customerId: $id) { id } }`, { id: customer.id });
    const affiliate = await createAffiliate(t);
    const visitor = unique("v");
    await visitedAt(t, affiliate.id, visitor, new Date(Date.now() - DAY_MS));
    const res = await report(t, key, { visitorId: visitor, customer: { externalId: customer.externalId, name: "Gone Co" } });
    expect(res.data!.reportConversion).toMatchObject({ status: "NOT_ATTRIBUTABLE", affiliateCode: null });
    expect(res.data!.reportConversion.reason).toMatch(/churned/);
    expect((await customerView(t, customer.id)).data!.customer).toMatchObject({ status: "CHURNED", referredBy: null });
  });
});

describe("the signup's email", () => {
  it("is kept as a USER stakeholder, and an existing stakeholder with that email keeps its role", async () => {
    const externalId = unique("crm");
    const res = await report(t, key, { visitorId: unique("v"), customer: { externalId, name: "Mail Co", email: "Jane.Doe@Mail.example", contactName: "Jane Doe" } });
    const id = res.data!.reportConversion.customerId;
    expect((await customerView(t, id)).data!.customer.stakeholders).toEqual([{ name: "Jane Doe", email: "jane.doe@mail.example", role: "USER" }]);
    await t.admin(`mutation($id: ID!) { upsertStakeholder(input: {customerId: $id, name: "Jane D.", email: "jane.doe@mail.example", role: CHAMPION}) { id } }`, { id });
    await report(t, key, { visitorId: unique("v"), customer: { externalId, name: "Mail Co", email: "jane.doe@mail.example" } });
    expect((await customerView(t, id)).data!.customer.stakeholders).toEqual([{ name: "Jane D.", email: "jane.doe@mail.example", role: "CHAMPION" }]);
  });
});

describe("who may report", () => {
  it("the admin may too", async () => {
    const res = await report(t, ADMIN_KEY, { visitorId: unique("v"), customer: newCustomer() });
    expect(res.data!.reportConversion.status).toBe("NO_QUALIFYING_VISIT");
  });

  it("a revoked key is UNAUTHENTICATED (401) and writes nothing", async () => {
    const revoked = await createServerKey(t);
    await t.admin(`mutation($id: ID!) { revokeServerKey(id: $id) { id } }`, { id: revoked.id });
    const before = await t.database.fingerprint();
    const res = await report(t, revoked.secret, { visitorId: unique("v"), customer: newCustomer() });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.data?.reportConversion ?? null).toBeNull();
    expect(await t.database.fingerprint()).toEqual(before);
  });
});

describe("bad input", () => {
  const long = (n: number) => "x".repeat(n);
  const future = () => new Date(Date.now() + 30 * DAY_MS).toISOString();
  const cases: [name: string, field: string, input: () => Record<string, unknown>][] = [
    ["a blank visitor id", "visitorId", () => ({ visitorId: "  ", customer: newCustomer() })],
    ["an over-long visitor id", "visitorId", () => ({ visitorId: long(129), customer: newCustomer() })],
    ["a visitor id with a NUL byte", "visitorId", () => ({ visitorId: "v\u0000x", customer: newCustomer() })],
    ["an empty external id", "customer.externalId", () => ({ visitorId: "v1", customer: { externalId: "", name: "A" } })],
    ["an over-long external id", "customer.externalId", () => ({ visitorId: "v1", customer: { externalId: long(129), name: "A" } })],
    ["a blank name", "customer.name", () => ({ visitorId: "v1", customer: newCustomer(undefined, { name: " " }) })],
    ["a negative MRR", "customer.mrrCents", () => ({ visitorId: "v1", customer: newCustomer(undefined, { mrrCents: -1 }) })],
    ["a malformed email", "customer.email", () => ({ visitorId: "v1", customer: newCustomer(undefined, { email: "not-an-email" }) })],
    ["a contact name without an email", "customer.contactName", () => ({ visitorId: "v1", customer: newCustomer(undefined, { contactName: "Jane" }) })],
    ["a churned status", "customer.status", () => ({ visitorId: "v1", customer: newCustomer(undefined, { status: "CHURNED" }) })],
    ["a sign-up in the future", "customer.signedUpAt", () => ({ visitorId: "v1", customer: newCustomer(undefined, { signedUpAt: future() }) })],
    ["a conversion in the future", "at", () => ({ visitorId: "v1", at: future(), customer: newCustomer() })],
  ];

  it.each(cases)("%s → BAD_USER_INPUT on %s, nothing written", async (_name, field, input) => {
    // The key's lastUsedAt is kept to the minute: used just now, this request does not move it.
    await t.gql(`{ __typename }`, {}, key);
    const before = await t.database.fingerprint();
    const res = await report(t, key, input());
    expect(res.errors, JSON.stringify(res.data)).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await t.database.fingerprint()).toEqual(before);
  });

  it("an update of an existing customer refused halfway leaves it as it was", async () => {
    const customer = await createCustomer(t, { plan: "basic" });
    await t.gql(`{ __typename }`, {}, key);
    const before = await t.database.fingerprint();
    const res = await report(t, key, { visitorId: "v1", customer: { externalId: customer.externalId, name: "New Name", plan: long(101) } });
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customer.plan" });
    expect(await t.database.fingerprint()).toEqual(before);
  });
});
