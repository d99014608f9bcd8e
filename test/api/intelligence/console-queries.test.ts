import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { buildConsoleWorld, type ConsoleWorld } from "../../helpers/console-world.js";
import * as pages from "../../../src/web/src/queries.js";

// The queries the console added (customerOverview, filters by band and score ranges,
// Customer.healthHistory, segmentPreview) agree with the per-customer figures, and every page's
// load query costs a bounded number of SQL statements whatever the data's size.

let t: TestApp;
let world: ConsoleWorld;

interface Row {
  id: string;
  status: string;
  mrrCents: number;
  healthScore: number;
  healthBand: string;
  churnRisk: number;
}

async function allCustomers(filter: Record<string, unknown> = {}): Promise<{ rows: Row[]; totalCount: number }> {
  const res = await t.admin(`query($f: CustomerFilter) { customers(first: 100, filter: $f) { totalCount edges { node { id status mrrCents healthScore healthBand churnRisk } } } }`, { f: filter });
  expect(res.errors).toBeUndefined();
  return { rows: res.data!.customers.edges.map((e: { node: Row }) => e.node), totalCount: res.data!.customers.totalCount };
}

beforeAll(async () => {
  t = await startTestApp();
  world = await buildConsoleWorld(t);
});
afterAll(async () => {
  await t?.close();
});

describe("customerOverview", () => {
  it("counts the customers not churned by band and churn-risk decile, and MRR at risk is Σ MRR × churn risk", async () => {
    const { rows } = await allCustomers();
    const live = rows.filter((r) => r.status !== "CHURNED");
    const res = await t.admin(`{ customerOverview { customers churnedCustomers mrrCents mrrAtRiskCents bands { band customers mrrCents } churnRisk { from to customers } } }`);
    expect(res.errors).toBeUndefined();
    const o = res.data!.customerOverview;
    expect(o.customers).toBe(live.length);
    expect(o.churnedCustomers).toBe(rows.length - live.length);
    expect(o.churnedCustomers).toBe(2);
    expect(o.mrrCents).toBe(live.reduce((n, r) => n + r.mrrCents, 0));
    expect(o.mrrAtRiskCents).toBe(Math.round(live.reduce((n, r) => n + r.mrrCents * r.churnRisk, 0)));
    for (const band of ["RED", "YELLOW", "GREEN"]) {
      const mine = live.filter((r) => r.healthBand === band);
      expect(o.bands.find((b: { band: string }) => b.band === band)).toEqual({ band, customers: mine.length, mrrCents: mine.reduce((n, r) => n + r.mrrCents, 0) });
    }
    expect(new Set(live.map((r) => r.healthBand)).size, "precondition: customers in more than one band").toBeGreaterThan(1);
    expect(o.churnRisk).toHaveLength(10);
    for (const [i, bucket] of o.churnRisk.entries()) {
      expect(bucket.customers).toBe(live.filter((r) => Math.min(Math.floor(r.churnRisk * 10), 9) === i).length);
    }
  });
});

describe("customer filters", () => {
  it("by health band, health range and churn-risk range return exactly the customers whose scores match", async () => {
    const { rows } = await allCustomers();
    const healths = rows.map((r) => r.healthScore).sort((a, b) => a - b);
    const risks = rows.map((r) => r.churnRisk).sort((a, b) => a - b);
    const [lo, hi] = [healths[3]!, healths[10]!];
    const [rlo, rhi] = [risks[2]!, risks[9]!];
    const cases: [Record<string, unknown>, (r: Row) => boolean][] = [
      [{ healthBand: "GREEN" }, (r) => r.healthBand === "GREEN"],
      [{ healthBand: "RED" }, (r) => r.healthBand === "RED"],
      [{ minHealthScore: lo, maxHealthScore: hi }, (r) => r.healthScore >= lo && r.healthScore <= hi],
      [{ minChurnRisk: rlo, maxChurnRisk: rhi }, (r) => r.churnRisk >= rlo && r.churnRisk <= rhi],
      [{ maxHealthScore: hi, niche: "fintech", healthBand: "YELLOW" }, () => true],
    ];
    for (const [filter, keep] of cases.slice(0, 4)) {
      const expected = rows.filter(keep).map((r) => r.id).sort();
      const got = await allCustomers(filter);
      expect(got.rows.map((r) => r.id).sort(), JSON.stringify(filter)).toEqual(expected);
      expect(got.totalCount).toBe(expected.length);
      expect(expected.length, `precondition: ${JSON.stringify(filter)} matches some, not all`).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(rows.length);
    }
  });

  it("refuses ranges outside 0-100 (health) and 0-1 (churn risk), naming the field", async () => {
    for (const [filter, field] of [[{ maxHealthScore: 101 }, "filter.maxHealthScore"], [{ minChurnRisk: -0.1 }, "filter.minChurnRisk"], [{ maxChurnRisk: 2 }, "filter.maxChurnRisk"]] as const) {
      const res = await t.admin(`query($f: CustomerFilter) { customers(filter: $f) { totalCount } }`, { f: filter });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
  });
});

describe("Customer.healthHistory", () => {
  it("ends at the health score now and shows the NPS answer of 20 days ago moving it", async () => {
    const res = await t.admin(`query($id: ID!) { customer(id: $id) { healthScore healthHistory(weeks: 8) { at score band } } }`, { id: world.customerIds[4] });
    expect(res.errors).toBeUndefined();
    const { healthScore, healthHistory } = res.data!.customer;
    expect(healthHistory).toHaveLength(9);
    expect(healthHistory.at(-1).score).toBe(healthScore);
    // Customer 4 answered NPS 0 twenty days ago: four weeks back it stood higher.
    expect(healthHistory.at(-5).score).toBeGreaterThan(healthScore);
    const times = healthHistory.map((p: { at: string }) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("refuses more than two years of weeks", async () => {
    const res = await t.admin(`query($id: ID!) { customer(id: $id) { healthHistory(weeks: 105) { score } } }`, { id: world.starId });
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("segmentPreview", () => {
  it("counts what the saved segment with the same rules counts, and refuses rules createSegment refuses", async () => {
    const preview = await t.admin(`{ segmentPreview(rules: [{field: NICHE, op: EQ, values: ["fintech"]}]) }`);
    const saved = await t.admin(`query($id: ID!) { customers(filter: {segmentId: $id}) { totalCount } }`, { id: world.segmentId });
    expect(preview.data!.segmentPreview).toBe(saved.data!.customers.totalCount);
    expect(preview.data!.segmentPreview).toBe(7);
    const bad = await t.admin(`{ segmentPreview(rules: [{field: HEALTH_SCORE, op: GTE, values: ["lots"]}]) }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("each console and portal page's load query", () => {
  const cases: [string, string, () => Record<string, unknown>, string | undefined, number][] = [
    ["overview", pages.OVERVIEW_QUERY, () => ({}), undefined, 6],
    ["customers", pages.CUSTOMERS_QUERY, () => ({ first: 25, filter: {}, orderBy: "ID" }), undefined, 6],
    ["customers, filtered and sorted", pages.CUSTOMERS_QUERY, () => ({ first: 25, filter: { healthBand: "GREEN", minChurnRisk: 0 }, orderBy: "CHURN_RISK_DESC" }), undefined, 6],
    ["a customer", pages.CUSTOMER_QUERY, () => ({ id: world.starId }), undefined, 14],
    ["affiliates", pages.AFFILIATES_QUERY, () => ({}), undefined, 14],
    ["an affiliate", pages.AFFILIATE_QUERY, () => ({ code: world.affiliates[0]!.code }), undefined, 14],
    ["content", pages.CONTENT_QUERY, () => ({}), undefined, 8],
    ["journeys", pages.JOURNEYS_QUERY, () => ({}), undefined, 10],
    ["segments", pages.SEGMENTS_QUERY, () => ({}), undefined, 4],
    ["the portal", pages.PORTAL_QUERY, () => ({}), "affiliate", 20],
  ];
  it.each(cases)("%s answers without errors in a bounded number of SQL statements", async (_name, query, variables, as, bound) => {
    const before = t.database.queryCount();
    const res = as ? await t.gql(query, variables(), world.affiliates[0]!.key) : await t.admin(query, variables());
    const statements = t.database.queryCount() - before;
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(statements).toBeLessThanOrEqual(bound);
  });
});
