import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const CUSTOMER_FIELDS = `id externalId name niche plan mrrCents acquisitionChannel status signedUpAt churnedAt
  lifetimeValueCents nps csat supportTickets90d upsellCount retentionCostCents`;

async function createCustomer(overrides: Record<string, unknown> = {}) {
  const res = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`, {
    input: { externalId: unique("crm"), name: "Acme Inc", mrrCents: 10_000, ...overrides },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.upsertCustomer;
}

describe("upsertCustomer", () => {
  it("creates a customer with a normalized niche and reads it back", async () => {
    const created = await createCustomer({ niche: "  E-Commerce   Shops ", plan: "growth", acquisitionChannel: "Organic" });
    expect(created).toMatchObject({ niche: "e-commerce shops", plan: "growth", status: "ACTIVE", acquisitionChannel: "organic" });
    const res = await t.admin(`query($id: ID!) { customer(id: $id) { id name niche } }`, { id: created.id });
    expect(res.data!.customer).toEqual({ id: created.id, name: "Acme Inc", niche: "e-commerce shops" });
  });

  it("updates the customer with the same externalId instead of creating another", async () => {
    const created = await createCustomer();
    const res = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id name mrrCents upsellCount } }`, {
      input: { externalId: created.externalId, name: "Acme Renamed", mrrCents: 25_000 },
    });
    expect(res.data!.upsertCustomer).toEqual({ id: created.id, name: "Acme Renamed", mrrCents: 25_000, upsellCount: 1 });
  });

  it("creates one customer when the same new externalId is upserted several times at once, every call answered", async () => {
    const externalId = unique("race");
    const calls = await Promise.all(
      [10_000, 20_000, 30_000, 40_000].map((mrrCents) =>
        t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id mrrCents } }`, { input: { externalId, name: "Race Co", niche: externalId, mrrCents } }),
      ),
    );
    for (const call of calls) expect(call.errors).toBeUndefined();
    expect(new Set(calls.map((c) => c.data!.upsertCustomer.id)).size).toBe(1);
    const list = await t.admin(`query($niche: String) { customers(first: 100, filter: { niche: $niche }) { edges { node { externalId mrrCents } } } }`, { niche: externalId });
    expect(list.errors).toBeUndefined();
    const stored = list.data!.customers.edges.map((e: any) => e.node).filter((c: any) => c.externalId === externalId);
    expect(stored).toHaveLength(1);
    // The last write wins, whichever it was: one of the four amounts, nothing invented.
    expect([10_000, 20_000, 30_000, 40_000]).toContain(stored[0].mrrCents);
  });

  it("answers null for an unknown id", async () => {
    const res = await t.admin(`{ a: customer(id: "00000000-0000-4000-8000-000000000000") { id } b: customer(id: "nope") { id } }`);
    expect(res.data).toEqual({ a: null, b: null });
  });
});

describe("customer-success history", () => {
  it("derives NPS, CSAT, recent tickets, upsells and lifetime value from time-stamped rows", async () => {
    const signedUpAt = new Date(Date.now() - 120 * 86_400_000).toISOString();
    const c = await createCustomer({ signedUpAt, mrrCents: 10_000 });
    const steps = [
      [`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 6, at: $at) { id } }`, { at: daysAgo(50) }],
      [`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 9, at: $at) { id } }`, { at: daysAgo(5) }],
      [`mutation($id: ID!) { recordCsatResponse(customerId: $id, score: 4) { id } }`, {}],
      [`mutation($id: ID!) { recordCsatResponse(customerId: $id, score: 5) { id } }`, {}],
      [`mutation($id: ID!, $at: DateTime) { recordSupportTicket(customerId: $id, openedAt: $at) { id } }`, { at: daysAgo(200) }],
      [`mutation($id: ID!, $at: DateTime) { recordSupportTicket(customerId: $id, openedAt: $at) { id } }`, { at: daysAgo(10) }],
      [`mutation($id: ID!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: 20000, at: $at) { id } }`, { at: daysAgo(60) }],
      [`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 8, licensedSeats: 10}) { id } }`, {}],
    ] as const;
    for (const [query, vars] of steps) {
      const res = await t.admin(query, { id: c.id, ...vars });
      expect(res.errors).toBeUndefined();
    }
    const res = await t.admin(`query($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`, { id: c.id });
    const customer = res.data!.customer;
    expect(customer).toMatchObject({ nps: 9, csat: 4.5, supportTickets90d: 1, upsellCount: 1, plan: "pro", mrrCents: 20_000 });
    // 60 days at $100/month, then 60 days at $200/month (a month is 30.4375 days).
    const expected = (10_000 * 60 + 20_000 * 60) / 30.4375;
    expect(customer.lifetimeValueCents).toBeGreaterThanOrEqual(Math.floor(expected) - 2);
    expect(customer.lifetimeValueCents).toBeLessThanOrEqual(Math.floor(expected) + 2);
  });

  it("stops lifetime value at churn and keeps the reason", async () => {
    const c = await createCustomer({ signedUpAt: new Date(Date.now() - 90 * 86_400_000).toISOString(), mrrCents: 30_437 });
    const churnAt = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const res = await t.admin(
      `mutation($id: ID!, $at: DateTime) { markChurned(customerId: $id, at: $at, reason: "budget") { status churnedAt churnReason lifetimeValueCents } }`,
      { id: c.id, at: churnAt },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.markChurned).toMatchObject({ status: "CHURNED", churnedAt: churnAt, churnReason: "budget" });
    expect(Math.abs(res.data!.markChurned.lifetimeValueCents - 60_000)).toBeLessThanOrEqual(2);
  });
});

describe("customers connection", () => {
  it("pages with cursors in a stable order, counts, and filters", async () => {
    const niche = unique("niche").toLowerCase();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createCustomer({ niche, status: i === 0 ? "TRIAL" : "ACTIVE" })).id);
    const page = (after?: string) =>
      t.admin(
        `query($after: String, $niche: String) { customers(first: 2, after: $after, filter: {niche: $niche}) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }`,
        { after, niche },
      );
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await page(after);
      const conn = res.data!.customers;
      expect(conn.totalCount).toBe(5);
      seen.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...ids].sort());
    const trials = await t.admin(`query($niche: String) { customers(filter: {niche: $niche, status: TRIAL}) { totalCount edges { node { id } } } }`, {
      niche: niche.toUpperCase(),
    });
    expect(trials.data!.customers).toEqual({ totalCount: 1, edges: [{ node: { id: ids[0] } }] });
  });

  it("refuses a page size over the maximum and a forged cursor", async () => {
    const big = await t.admin(`{ customers(first: 1000) { totalCount } }`);
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "first" });
    const forged = await t.admin(`{ customers(after: "garbage") { totalCount } }`);
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
  });
});

describe("stakeholders", () => {
  it("upserts by (customer, email) and lists them on the customer", async () => {
    const c = await createCustomer();
    const upsert = (name: string, email: string, role: string) =>
      t.admin(`mutation($input: StakeholderInput!) { upsertStakeholder(input: $input) { id name email role } }`, {
        input: { customerId: c.id, name, email, role },
      });
    const first = await upsert("Ana", "Ana@Acme.io", "USER");
    const again = await upsert("Ana Lopez", "ana@acme.io", "CHAMPION");
    expect(again.data!.upsertStakeholder).toEqual({ id: first.data!.upsertStakeholder.id, name: "Ana Lopez", email: "ana@acme.io", role: "CHAMPION" });
    await upsert("Bo", "bo@acme.io", "DECISION_MAKER");
    const res = await t.admin(`query($id: ID!) { customer(id: $id) { stakeholders { name role } } }`, { id: c.id });
    expect(res.data!.customer.stakeholders).toEqual([
      { name: "Ana Lopez", role: "CHAMPION" },
      { name: "Bo", role: "DECISION_MAKER" },
    ]);
  });
});
