import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { referralVisits, referrals } from "../../../src/db/schema/index.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createCustomer, DAY_MS } from "../../helpers/factories.js";

// Referral tracking and attribution (issue 5, points 1 and 5): the per-address limit of the
// public trackReferralVisit, the attribution window, churned customers, and affiliates made
// from customers keeping their champion.

const LIMIT = 5;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

let t: TestApp;
beforeAll(async () => {
  // Behind a proxy on loopback, as supertest connects: X-Forwarded-For names the client.
  t = await startTestApp({ trustProxy: ["loopback"], visitRateLimit: { perMinute: LIMIT } });
});
afterAll(async () => {
  await t?.close();
});

const newAffiliate = (customerId?: string) => createAffiliate(t, { code: unique("trk").toLowerCase(), customerId: customerId ?? null });
const newCustomer = async (input: Record<string, unknown> = {}) => (await createCustomer(t, { mrrCents: 20_000, ...input })).id;

async function churned(): Promise<string> {
  const id = await newCustomer();
  await t.admin(`mutation($id: ID!) { markChurned(customerId: $id, reason: "budget") { id } }`, { id });
  return id;
}

/** A visit as the API would have stored it on that day: the API itself records only "now". */
async function visitedAt(affiliateId: string, visitorId: string, at: Date) {
  await t.database.db.insert(referralVisits).values({ affiliateId, visitorId, visitedOn: at.toISOString().slice(0, 10), at });
}

const attribute = (variables: { code: string; id: string; visitorId?: string | null; at?: string }) =>
  t.admin(
    `mutation($code: String!, $id: ID!, $visitorId: String, $at: DateTime) {
      attributeReferral(affiliateCode: $code, customerId: $id, visitorId: $visitorId, at: $at) { visitorId affiliate { code } customer { id } } }`,
    variables,
  );

describe("trackReferralVisit rate limit per client address", () => {
  const visit = (code: string, visitorId: string, address: string) =>
    t.http
      .post("/graphql")
      .set("content-type", "application/json")
      .set("x-forwarded-for", address)
      .send({ query: `mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, variables: { c: code, v: visitorId } });

  const visitsOf = async (affiliateId: string) =>
    (await t.database.db.select({ n: count() }).from(referralVisits).where(eq(referralVisits.affiliateId, affiliateId)))[0]!.n;

  it(`accepts ${LIMIT} visits a minute from one address, refuses the next with 429 and Retry-After, writing nothing`, async () => {
    const { id, code } = await newAffiliate();
    for (let i = 0; i < LIMIT; i++) {
      const res = await visit(code, `visitor-${i}`, "203.0.113.7");
      expect(res.status).toBe(200);
      expect(res.body.data.trackReferralVisit).toBe(true);
    }
    const before = await t.database.fingerprint();
    const refused = await visit(code, "visitor-extra", "203.0.113.7");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors[0].extensions).toEqual({ code: "TOO_MANY_REQUESTS", retryAfterSeconds: Number(refused.headers["retry-after"]) });
    expect(await t.database.fingerprint()).toEqual(before);
    expect(await visitsOf(id)).toBe(LIMIT);

    const other = await visit(code, "visitor-extra", "198.51.100.9");
    expect(other.status).toBe(200);
    expect(other.body.data.trackReferralVisit).toBe(true);
    expect(await visitsOf(id)).toBe(LIMIT + 1);
  });

  it("counts every call, unknown codes included, and limits an IPv6 client per /64", async () => {
    for (let i = 0; i < LIMIT; i++) {
      const res = await visit("no-such-affiliate", `v-${i}`, `2001:db8:aa:bb::${i + 1}`);
      expect(res.body.data.trackReferralVisit).toBe(false);
    }
    const sameNetwork = await visit("no-such-affiliate", "v-x", "2001:db8:aa:bb:ffff::1");
    expect(sameNetwork.status).toBe(429);
    const otherNetwork = await visit("no-such-affiliate", "v-x", "2001:db8:aa:cc::1");
    expect(otherNetwork.status).toBe(200);
  });

  it("without a trusted proxy, X-Forwarded-For is ignored: a client cannot pick its address", async () => {
    const direct = await startTestApp({ visitRateLimit: { perMinute: 2 } });
    try {
      const send = (address: string) =>
        direct.http
          .post("/graphql")
          .set("content-type", "application/json")
          .set("x-forwarded-for", address)
          .send({ query: `mutation { trackReferralVisit(affiliateCode: "nobody", visitorId: "v") }` });
      expect((await send("192.0.2.1")).status).toBe(200);
      expect((await send("192.0.2.2")).status).toBe(200);
      const third = await send("192.0.2.3");
      expect(third.status).toBe(429);
      expect(third.body.errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    } finally {
      await direct.close();
    }
  });
});

describe("attributeReferral", () => {
  it("accepts a visitor that visited the affiliate 10 days before, and keeps the visitor id on the referral", async () => {
    const { id: affiliateId, code } = await newAffiliate();
    const customerId = await newCustomer();
    await visitedAt(affiliateId, "visitor-10d", daysAgo(10));
    const res = await attribute({ code, id: customerId, visitorId: "visitor-10d" });
    expect(res.errors).toBeUndefined();
    expect(res.data!.attributeReferral).toEqual({ visitorId: "visitor-10d", affiliate: { code }, customer: { id: customerId } });
    const [stored] = await t.database.db.select().from(referrals).where(eq(referrals.customerId, customerId));
    expect(stored!.visitorId).toBe("visitor-10d");
  });

  it("accepts a visit recorded through the API a moment before", async () => {
    const { code } = await newAffiliate();
    const customerId = await newCustomer();
    const visitorId = unique("visitor");
    await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: code, v: visitorId });
    const res = await attribute({ code, id: customerId, visitorId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.attributeReferral.visitorId).toBe(visitorId);
  });

  it("without a visitor id, attributes as before", async () => {
    const { code } = await newAffiliate();
    const customerId = await newCustomer();
    const res = await attribute({ code, id: customerId });
    expect(res.errors).toBeUndefined();
    expect(res.data!.attributeReferral).toEqual({ visitorId: null, affiliate: { code }, customer: { id: customerId } });
  });

  it.each([
    ["whose last visit was 40 days before", (affiliateId: string) => visitedAt(affiliateId, "visitor", daysAgo(40)), undefined],
    ["that never visited", async () => {}, undefined],
    ["that visited only another affiliate", async () => visitedAt((await newAffiliate()).id, "visitor", daysAgo(1)), undefined],
    ["that visited only after the attribution", (affiliateId: string) => visitedAt(affiliateId, "visitor", daysAgo(10)), 15],
  ])("refuses a visitor %s: BAD_USER_INPUT on visitorId, nothing written", async (_name, setUp, atDaysAgo) => {
    const { id: affiliateId, code } = await newAffiliate();
    const customerId = await newCustomer({ signedUpAt: daysAgo(100).toISOString() });
    await setUp(affiliateId);
    const before = await t.database.fingerprint();
    const res = await attribute({ code, id: customerId, visitorId: "visitor", ...(atDaysAgo ? { at: daysAgo(atDaysAgo).toISOString() } : {}) });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "visitorId" });
    expect(res.errors![0]!.message).toMatch(/^visitorId: /);
    expect(await t.database.fingerprint()).toEqual(before);
  });

  it("measures the window back from `at`, not from now", async () => {
    const { id: affiliateId, code } = await newAffiliate();
    const customerId = await newCustomer();
    await visitedAt(affiliateId, "early-visitor", daysAgo(50));
    const res = await attribute({ code, id: customerId, visitorId: "early-visitor", at: daysAgo(45).toISOString() });
    expect(res.errors).toBeUndefined();
  });

  it("takes its window from the app's setting (ATTRIBUTION_WINDOW_DAYS)", async () => {
    const narrow = await startTestApp({ attributionWindowDays: 7 });
    try {
      const code = unique("narrow").toLowerCase();
      const affiliate = await narrow.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "N", commissionType: FLAT, commissionValue: 100}) { id } }`, { c: code });
      const customer = await narrow.admin(`mutation($e: String!) { upsertCustomer(input: {externalId: $e, name: "C", mrrCents: 100}) { id } }`, { e: unique("crm") });
      const at = daysAgo(10);
      await narrow.database.db
        .insert(referralVisits)
        .values({ affiliateId: affiliate.data!.createAffiliate.id, visitorId: "v", visitedOn: at.toISOString().slice(0, 10), at });
      const res = await narrow.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id, visitorId: "v") { id } }`, {
        c: code,
        id: customer.data!.upsertCustomer.id,
      });
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "visitorId" });
      expect(res.errors![0]!.message).toContain("7 days");
    } finally {
      await narrow.close();
    }
  });

  it("refuses a churned customer: BAD_USER_INPUT on customerId, nothing written", async () => {
    const { id: affiliateId, code } = await newAffiliate();
    const customerId = await churned();
    await visitedAt(affiliateId, "visitor", daysAgo(1));
    const before = await t.database.fingerprint();
    for (const visitorId of [undefined, "visitor"]) {
      const res = await attribute({ code, id: customerId, visitorId });
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customerId" });
      expect(res.errors![0]!.message).toContain("churned");
    }
    expect(await t.database.fingerprint()).toEqual(before);
    const stored = await t.database.db.select().from(referrals).where(eq(referrals.customerId, customerId));
    expect(stored).toEqual([]);
  });
});

describe("customers become affiliates", () => {
  /** An affiliate candidate: active for over a year, a promoter, every seat in use. */
  async function candidate(): Promise<string> {
    const id = await newCustomer({ signedUpAt: daysAgo(400).toISOString() });
    await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id });
    await t.admin(`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 10, licensedSeats: 10}) { id } }`, { id });
    return id;
  }

  const addStakeholder = (customerId: string, name: string, role: string) =>
    t.admin(`mutation($id: ID!, $n: String!, $e: String!, $r: StakeholderRole!) { upsertStakeholder(input: {customerId: $id, name: $n, email: $e, role: $r}) { id } }`, {
      id: customerId,
      n: name,
      e: `${unique(name).toLowerCase()}@example.com`,
      r: role,
    });

  const createFrom = (customerId: string) =>
    t.admin(
      `mutation($c: String!, $id: ID!) { createAffiliate(input: {code: $c, name: "From customer", customerId: $id, commissionType: PERCENT, commissionValue: 15}) {
        id customer { id } contact { name role customerId } } }`,
      { c: unique("cust").toLowerCase(), id: customerId },
    );

  it("a candidate becomes an affiliate that keeps its customer and its champion as contact", async () => {
    const customerId = await candidate();
    await addStakeholder(customerId, "Uma", "USER");
    await addStakeholder(customerId, "Dee", "DECISION_MAKER");
    await addStakeholder(customerId, "Cy", "CHAMPION");
    const candidates = await t.admin(`{ affiliateCandidates(limit: 500) { id contactToApproach { name role } } }`);
    const listed = candidates.data!.affiliateCandidates.find((c: any) => c.id === customerId);
    expect(listed).toEqual({ id: customerId, contactToApproach: { name: "Cy", role: "CHAMPION" } });

    const res = await createFrom(customerId);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createAffiliate).toMatchObject({ customer: { id: customerId }, contact: { name: "Cy", role: "CHAMPION", customerId } });
    const byQuery = await t.admin(`query($id: ID!) { customer(id: $id) { affiliate { customer { id } contact { name role } } } }`, { id: customerId });
    expect(byQuery.data!.customer.affiliate).toEqual({ customer: { id: customerId }, contact: { name: "Cy", role: "CHAMPION" } });
    const after = await t.admin(`{ affiliateCandidates(limit: 500) { id } }`);
    expect(after.data!.affiliateCandidates.map((c: any) => c.id)).not.toContain(customerId);
  });

  it("without a champion the contact is the decision maker; with neither, none", async () => {
    const withDecisionMaker = await newCustomer();
    await addStakeholder(withDecisionMaker, "Ina", "INFLUENCER");
    await addStakeholder(withDecisionMaker, "Dan", "DECISION_MAKER");
    expect((await createFrom(withDecisionMaker)).data!.createAffiliate.contact).toMatchObject({ name: "Dan", role: "DECISION_MAKER" });

    const withNobody = await newCustomer();
    await addStakeholder(withNobody, "Ulla", "USER");
    const res = await createFrom(withNobody);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createAffiliate.contact).toBeNull();

    const { code } = await newAffiliate();
    const plain = await t.admin(`query($c: String!) { affiliate(code: $c) { customer { id } contact { name } } }`, { c: code });
    expect(plain.data!.affiliate).toEqual({ customer: null, contact: null });
  });

  it("refuses a churned customer: BAD_USER_INPUT on customerId, nothing written", async () => {
    const customerId = await churned();
    const before = await t.database.fingerprint();
    const res = await createFrom(customerId);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customerId" });
    expect(res.errors![0]!.message).toContain("churned");
    expect(await t.database.fingerprint()).toEqual(before);
  });

  it("loads contacts with one batched statement, not one per affiliate", async () => {
    for (let i = 0; i < 3; i++) {
      const customerId = await newCustomer();
      await addStakeholder(customerId, `Champ${i}`, "CHAMPION");
      await createFrom(customerId);
    }
    const query = `{ affiliates(first: 50) { edges { node { code customer { name } contact { name } } } } }`;
    // The new affiliates make the landing catalog catch up in the background: not this request.
    await t.quiet();
    const before = t.database.queryCount();
    const res = await t.admin(query);
    const statements = t.database.queryCount() - before;
    expect(res.errors).toBeUndefined();
    expect(res.data!.affiliates.edges.filter((e: any) => e.node.contact !== null).length).toBeGreaterThanOrEqual(3);
    // The page, then one statement per relation.
    expect(statements).toBeLessThanOrEqual(3);
  });

  it("the contact is admin-only: an affiliate's own key gets FORBIDDEN", async () => {
    const customerId = await newCustomer();
    await addStakeholder(customerId, "Cleo", "CHAMPION");
    const id = (await createFrom(customerId)).data!.createAffiliate.id;
    const key = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id })).data!.createAffiliateApiKey;
    const res = await t.gql(`{ myAffiliate { code contact { name email } } }`, {}, key);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});
