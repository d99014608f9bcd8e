import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});


interface Profile {
  nps?: number;
  activeUsers?: number;
  seats?: number;
  tickets?: number;
  niche?: string;
  channel?: string;
  signedUpDaysAgo?: number;
  mrrCents?: number;
}

async function customerWith(p: Profile): Promise<string> {
  const res = await t.admin(
    `mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`,
    {
      input: {
        externalId: unique("crm"),
        name: unique("Customer"),
        mrrCents: p.mrrCents ?? 20_000,
        niche: p.niche ?? null,
        acquisitionChannel: p.channel ?? null,
        signedUpAt: daysAgo(p.signedUpDaysAgo ?? 400),
      },
    },
  );
  expect(res.errors).toBeUndefined();
  const id = res.data!.upsertCustomer.id;
  if (p.nps !== undefined) await t.admin(`mutation($id: ID!, $s: Int!) { recordNpsResponse(customerId: $id, score: $s) { id } }`, { id, s: p.nps });
  if (p.activeUsers !== undefined) {
    await t.admin(`mutation($id: ID!, $a: Int!, $s: Int!) { recordUsage(input: {customerId: $id, activeUsers: $a, licensedSeats: $s}) { id } }`, {
      id,
      a: p.activeUsers,
      s: p.seats ?? 10,
    });
  }
  await addTickets(id, p.tickets ?? 0);
  return id;
}

async function addTickets(id: string, n: number) {
  for (let i = 0; i < n; i++) await t.admin(`mutation($id: ID!) { recordSupportTicket(customerId: $id) { id } }`, { id });
}

const SCORE_FIELDS = `healthScore healthBand healthBreakdown { name score weight } advocacyScore churnRisk healthTrend successful`;
const scoresOf = async (id: string) => (await t.admin(`query($id: ID!) { customer(id: $id) { ${SCORE_FIELDS} } }`, { id })).data!.customer;

describe("health, advocacy and churn risk through GraphQL", () => {
  let happy: string;
  let unhappy: string;

  beforeAll(async () => {
    happy = await customerWith({ nps: 10, activeUsers: 10, seats: 10, tickets: 0 });
    unhappy = await customerWith({ nps: 2, activeUsers: 1, seats: 10, tickets: 10 });
  });

  it("scores a promoter with high usage and no tickets GREEN, above a detractor with low usage and ten tickets, who is RED", async () => {
    const a = await scoresOf(happy);
    const b = await scoresOf(unhappy);
    expect(a.healthBand).toBe("GREEN");
    expect(b.healthBand).toBe("RED");
    expect(a.healthScore).toBeGreaterThan(b.healthScore);
    expect(a.advocacyScore).toBeGreaterThan(b.advocacyScore);
    expect(a.churnRisk).toBeLessThan(b.churnRisk);
    expect(a.successful).toBe(true);
    expect(b.successful).toBe(false);
  });

  it("lowers the score when ten more tickets arrive, in the same request that records them", async () => {
    const before = (await scoresOf(unhappy)).healthScore;
    for (let i = 0; i < 9; i++) await t.admin(`mutation($id: ID!) { recordSupportTicket(customerId: $id) { id } }`, { id: unhappy });
    const last = await t.admin(`mutation($id: ID!) { recordSupportTicket(customerId: $id) { supportTickets90d healthScore } }`, { id: unhappy });
    expect(last.data!.recordSupportTicket.supportTickets90d).toBe(20);
    expect(last.data!.recordSupportTicket.healthScore).toBeLessThan(before);
  });

  it("explains the score factor by factor, weights summing to 1", async () => {
    const { healthBreakdown, healthScore } = await scoresOf(happy);
    expect(healthBreakdown.map((f: any) => f.name)).toEqual(expect.arrayContaining(["usage", "nps", "support"]));
    expect(healthBreakdown.reduce((s: number, f: any) => s + f.weight, 0)).toBeCloseTo(1, 6);
    expect(healthBreakdown.reduce((s: number, f: any) => s + f.score * f.weight, 0)).toBeCloseTo(healthScore, 0);
  });

  it("scores a customer with no history from the factors that exist, without an error", async () => {
    const id = await customerWith({ signedUpDaysAgo: 0 });
    const s = await scoresOf(id);
    expect(["RED", "YELLOW", "GREEN"]).toContain(s.healthBand);
    expect(s.healthBreakdown.map((f: any) => f.name)).not.toContain("nps");
    expect(s.healthTrend).toBeNull();
  });

  it("shows a 30-day trend: a customer whose NPS fell since last month trends down", async () => {
    const id = await customerWith({ signedUpDaysAgo: 120 });
    await t.admin(`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 10, at: $at) { id } }`, { id, at: daysAgo(45) });
    await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 1) { id } }`, { id });
    expect((await scoresOf(id)).healthTrend).toBeLessThan(-5);
  });

  it("ranks topCustomers by advocacy and filters them by niche; limits are bounded", async () => {
    const niche = unique("ranking").toLowerCase();
    const best = await customerWith({ nps: 10, activeUsers: 9, seats: 10, niche });
    const middle = await customerWith({ nps: 7, activeUsers: 5, seats: 10, niche });
    const worst = await customerWith({ nps: 1, activeUsers: 1, seats: 10, tickets: 6, niche });
    const res = await t.admin(`query($n: String) { topCustomers(limit: 10, niche: $n) { id advocacyScore } }`, { n: niche.toUpperCase() });
    expect(res.data!.topCustomers.map((c: any) => c.id)).toEqual([best, middle, worst]);
    const tooMany = await t.admin(`{ topCustomers(limit: 501) { id } }`);
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "limit" });
  });
});

describe("sorting customers by score", () => {
  it.each([
    ["HEALTH_SCORE_DESC", "healthScore", -1],
    ["HEALTH_SCORE_ASC", "healthScore", 1],
    ["CHURN_RISK_DESC", "churnRisk", -1],
    ["ADVOCACY_SCORE_DESC", "advocacyScore", -1],
  ] as const)("pages through customers(orderBy: %s) in order, each customer once", async (orderBy, field, direction) => {
    const niche = unique("sorted").toLowerCase();
    const ids = [];
    for (const [nps, active, tickets] of [[10, 10, 0], [2, 1, 8], [7, 5, 2], [9, 8, 0], [10, 10, 0]]) {
      ids.push(await customerWith({ nps, activeUsers: active, seats: 10, tickets, niche }));
    }
    const seen: { id: string; value: number }[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const res: any = await t.admin(
        `query($n: String, $after: String, $o: CustomerOrder) { customers(first: 2, after: $after, orderBy: $o, filter: {niche: $n}) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { id ${field} } } } }`,
        { n: niche, after, o: orderBy },
      );
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.customers.edges.map((e: any) => ({ id: e.node.id, value: e.node[field] })));
      if (!res.data.customers.pageInfo.hasNextPage) break;
      after = res.data.customers.pageInfo.endCursor;
    }
    expect(seen.map((s) => s.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < seen.length; i++) expect(Math.sign(seen[i]!.value - seen[i - 1]!.value) * direction).toBeGreaterThanOrEqual(0);
  });

  it("refuses an id cursor for a score order", async () => {
    const first = await t.admin(`{ customers(first: 1) { pageInfo { endCursor } } }`);
    const res = await t.admin(`query($a: String) { customers(after: $a, orderBy: HEALTH_SCORE_DESC) { totalCount } }`, { a: first.data!.customers.pageInfo.endCursor });
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("segments evaluated in SQL", () => {
  it("puts the healthy customer in HEALTH_SCORE GTE 70 and not the sick one, everywhere membership shows", async () => {
    const niche = unique("segment").toLowerCase();
    const healthy = await customerWith({ nps: 10, activeUsers: 10, seats: 10, niche });
    const sick = await customerWith({ nps: 2, activeUsers: 1, seats: 10, tickets: 10, niche });
    const created = await t.admin(
      `mutation($name: String!, $niche: String!) { createSegment(input: {name: $name, rules: [
        {field: HEALTH_SCORE, op: GTE, values: ["70"]}, {field: NICHE, op: EQ, values: [$niche]}]}) { id } }`,
      { name: unique("Healthy"), niche },
    );
    const segmentId = created.data!.createSegment.id;

    const seg = await t.admin(`{ segments { id customerCount customers(first: 10) { totalCount edges { node { id } } } } }`);
    const mine = seg.data!.segments.find((s: any) => s.id === segmentId);
    expect(mine).toEqual({ id: segmentId, customerCount: 1, customers: { totalCount: 1, edges: [{ node: { id: healthy } }] } });

    const memberships = await t.admin(`query($a: ID!, $b: ID!) { a: customer(id: $a) { segments { id } } b: customer(id: $b) { segments { id } } }`, {
      a: healthy,
      b: sick,
    });
    expect(memberships.data!.a.segments.map((s: any) => s.id)).toContain(segmentId);
    expect(memberships.data!.b.segments.map((s: any) => s.id)).not.toContain(segmentId);

    const filtered = await t.admin(`query($s: ID!) { customers(filter: {segmentId: $s}) { totalCount edges { node { id } } } }`, { s: segmentId });
    expect(filtered.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { id: healthy } }] });

    const byHealth = await t.admin(`query($n: String) { customers(filter: {niche: $n, minHealthScore: 70}) { edges { node { id } } } }`, { n: niche });
    expect(byHealth.data!.customers.edges).toEqual([{ node: { id: healthy } }]);
  });

  it("evaluates every field and operator, including the referring affiliate's code", async () => {
    const niche = unique("ops").toLowerCase();
    const code = unique("segref").toLowerCase();
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "S", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const referred = await customerWith({ nps: 9, niche, channel: "affiliate", mrrCents: 30_000 });
    const other = await customerWith({ nps: 5, niche, channel: "organic", mrrCents: 10_000 });
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id: referred });
    const members = async (rules: object[]) => {
      const s = await t.admin(`mutation($n: String!, $r: [SegmentRuleInput!]!) { createSegment(input: {name: $n, rules: $r}) { customers { edges { node { id } } } } }`, {
        n: unique("ops"),
        r: [{ field: "NICHE", op: "EQ", values: [niche] }, ...rules],
      });
      expect(s.errors).toBeUndefined();
      return s.data!.createSegment.customers.edges.map((e: any) => e.node.id).sort();
    };
    expect(await members([{ field: "REFERRED_BY_AFFILIATE_CODE", op: "EQ", values: [code.toUpperCase()] }])).toEqual([referred]);
    expect(await members([{ field: "REFERRED_BY_AFFILIATE_CODE", op: "NEQ", values: [code] }])).toEqual([other]);
    expect(await members([{ field: "NPS", op: "GTE", values: ["9"] }])).toEqual([referred]);
    expect(await members([{ field: "NPS", op: "LT", values: ["9"] }])).toEqual([other]);
    expect(await members([{ field: "MRR_CENTS", op: "GT", values: ["20000"] }])).toEqual([referred]);
    expect(await members([{ field: "ACQUISITION_CHANNEL", op: "IN", values: ["Organic", "partner"] }])).toEqual([other]);
    expect(await members([{ field: "STATUS", op: "EQ", values: ["ACTIVE"] }])).toEqual([referred, other].sort());
    expect(await members([{ field: "SUPPORT_TICKETS_90D", op: "LTE", values: ["0"] }])).toEqual([referred, other].sort());
    expect(await members([{ field: "LIFETIME_VALUE_CENTS", op: "GT", values: ["0"] }])).toEqual([referred, other].sort());
    expect(await members([{ field: "CHURN_RISK", op: "LT", values: ["1"] }])).toEqual([referred, other].sort());
  });

  it("refuses a value of the wrong type for the field, storing nothing", async () => {
    const before = await t.database.fingerprint();
    const res = await t.admin(`mutation { createSegment(input: {name: "bad", rules: [{field: HEALTH_SCORE, op: GTE, values: ["abc"]}]}) { id } }`);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "rules[0].values" });
    expect(await t.database.fingerprint()).toEqual(before);
  });
});

describe("affiliate candidates", () => {
  it("lists successful customers that are not affiliates, with the champion to approach and reasons; never an existing affiliate", async () => {
    const star = await customerWith({ nps: 10, activeUsers: 10, seats: 10 });
    const alreadyAffiliate = await customerWith({ nps: 10, activeUsers: 10, seats: 10 });
    await t.admin(`mutation($id: ID!) { upsertStakeholder(input: {customerId: $id, name: "Dee", email: "dee@x.io", role: DECISION_MAKER}) { id } }`, { id: star });
    await t.admin(`mutation($id: ID!) { upsertStakeholder(input: {customerId: $id, name: "Cy", email: "cy@x.io", role: CHAMPION}) { id } }`, { id: star });
    await t.admin(`mutation($id: ID!, $c: String!) { createAffiliate(input: {code: $c, name: "A", customerId: $id, commissionType: PERCENT, commissionValue: 10}) { id } }`, {
      id: alreadyAffiliate,
      c: unique("cand").toLowerCase(),
    });
    const res = await t.admin(`{ affiliateCandidates(limit: 500) { id successful affiliate { id } advocacyReasons contactToApproach { name role } } }`);
    expect(res.errors).toBeUndefined();
    const list = res.data!.affiliateCandidates;
    expect(list.map((c: any) => c.id)).toContain(star);
    expect(list.map((c: any) => c.id)).not.toContain(alreadyAffiliate);
    expect(list.every((c: any) => c.successful && c.affiliate === null)).toBe(true);
    const mine = list.find((c: any) => c.id === star);
    expect(mine.contactToApproach).toEqual({ name: "Cy", role: "CHAMPION" });
    expect(mine.advocacyReasons).toContain("promoter: NPS 10");
  });
});

describe("success patterns", () => {
  it("finds the acquisition channel whose customers succeed far more often", async () => {
    const channel = unique("partner").toLowerCase();
    for (let i = 0; i < 6; i++) await customerWith({ nps: 10, activeUsers: 9, seats: 10, channel, signedUpDaysAgo: 300 });
    for (let i = 0; i < 6; i++) await customerWith({ nps: 2, activeUsers: 1, seats: 10, tickets: 4, channel: "cold-outbound", signedUpDaysAgo: 300 });
    const res = await t.admin(`{ successPatterns(limit: 50, minSupport: 5) { attribute value customers successRate lift } }`);
    expect(res.errors).toBeUndefined();
    const partner = res.data!.successPatterns.find((p: any) => p.value === channel);
    expect(partner).toMatchObject({ attribute: "acquisitionChannel", customers: 6, successRate: 1 });
    expect(partner.lift).toBeGreaterThan(1.2);
    expect(res.data!.successPatterns.map((p: any) => p.value)).not.toContain("cold-outbound");
    const lifts = res.data!.successPatterns.map((p: any) => p.lift);
    expect(lifts).toEqual([...lifts].sort((a, b) => b - a));
  });
});
