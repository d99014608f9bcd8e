import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";
import { DAY, paymentEvent, refundEvent, send, startPaymentsApp, type PaymentsApp } from "../payments/helpers.js";

// Customer.history: every kind of CS history the API takes in, read back as one connection,
// newest first, by cursor, filtered by kind, in a bounded number of statements.

let app: PaymentsApp;
const iso = (ms: number) => new Date(ms).toISOString();

async function admin(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.t.admin(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

const HISTORY = `query($id: ID!, $first: Int, $after: String, $kinds: [CustomerHistoryKind!]) {
  customer(id: $id) { history(first: $first, after: $after, kinds: $kinds) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { kind at value total label summary } } } } }`;

beforeAll(async () => {
  app = await startPaymentsApp();
});
afterAll(() => app?.t.close());

describe("Customer.history", () => {
  let id: string;
  const now = Date.now();

  beforeAll(async () => {
    const c = await createCustomer(app.t, { name: "Timeline Co", mrrCents: 0, signedUpAt: iso(now - 60 * DAY) });
    id = c.id;
    await admin(`mutation($id: ID!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: 20000, at: $at) { id } }`, { id, at: iso(now - 50 * DAY) });
    await admin(`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 9, at: $at) { id } }`, { id, at: iso(now - 40 * DAY) });
    await admin(`mutation($id: ID!, $at: DateTime) { recordCsatResponse(customerId: $id, score: 4, at: $at) { id } }`, { id, at: iso(now - 35 * DAY) });
    await admin(`mutation($id: ID!, $at: DateTime) { recordSupportTicket(customerId: $id, openedAt: $at) { id } }`, { id, at: iso(now - 30 * DAY) });
    await admin(`mutation($id: ID!, $at: DateTime) { recordUsage(input: {customerId: $id, activeUsers: 7, licensedSeats: 10, at: $at}) { id } }`, { id, at: iso(now - 25 * DAY) });
    const chargeId = unique("ch");
    await send(app, paymentEvent(c.externalId, { amountCents: 20_000, paidAt: now - 20 * DAY, chargeId }));
    await send(app, refundEvent(c.externalId, { chargeId, amountRefundedCents: 5_000, at: now - 15 * DAY }));
    const noon = new Date(now - 12 * DAY);
    noon.setUTCHours(12, 0, 0, 0);
    await send(app, { id: unique("act"), type: "action", customerExternalId: c.externalId, at: noon.toISOString(), name: "created_report", count: 40, users: 3 });
    await admin(`mutation($id: ID!, $at: DateTime) { markChurned(customerId: $id, at: $at, reason: "budget") { id } }`, { id, at: iso(now - 10 * DAY) });
    // Coming back re-activates it: the earlier churn stays in history beside the re-activation.
    await admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, { input: { externalId: c.externalId, name: "Timeline Co", status: "ACTIVE", mrrCents: 20_000 } });
    await admin(`mutation($id: ID!) { markChurned(customerId: $id, reason: "moved on") { id } }`, { id });
  });

  it("lists every kind, newest first, each with its figures and a summary", async () => {
    const { customer } = await admin(HISTORY, { id, first: 100 });
    const nodes = customer.history.edges.map((e: any) => e.node);
    const kinds = nodes.map((n: any) => n.kind);
    expect(new Set(kinds)).toEqual(new Set(["USAGE", "NPS", "CSAT", "SUPPORT_TICKET", "PLAN_CHANGE", "PAYMENT", "REFUND", "CHURN", "REACTIVATION", "PRODUCT_ACTIVITY"]));
    const times = nodes.map((n: any) => Date.parse(n.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(customer.history.totalCount).toBe(nodes.length);
    expect(nodes.find((n: any) => n.kind === "NPS")).toMatchObject({ value: 9, summary: "NPS 9" });
    expect(nodes.find((n: any) => n.kind === "USAGE")).toMatchObject({ value: 7, total: 10 });
    expect(nodes.find((n: any) => n.kind === "PAYMENT")).toMatchObject({ value: 20_000, label: "USD" });
    expect(nodes.find((n: any) => n.kind === "REFUND")).toMatchObject({ value: 5_000, label: "USD" });
    expect(nodes.find((n: any) => n.kind === "PRODUCT_ACTIVITY")).toMatchObject({ value: 40, total: 3, label: "created_report" });
    expect(nodes.filter((n: any) => n.kind === "CHURN").map((n: any) => n.label)).toEqual(["moved on", "budget"]);
    expect(nodes[0]).toMatchObject({ kind: "CHURN", label: "moved on" });
  });

  it("pages by cursor without gaps or repeats, and filters by kind", async () => {
    const all = (await admin(HISTORY, { id, first: 100 })).customer.history.edges.map((e: any) => `${e.node.kind}@${e.node.at}`);
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await admin(HISTORY, { id, first: 3, after })).customer.history;
      paged.push(...page.edges.map((e: any) => `${e.node.kind}@${e.node.at}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(all);
    const money = (await admin(HISTORY, { id, first: 10, kinds: ["PAYMENT", "REFUND"] })).customer.history;
    expect(money.edges.map((e: any) => e.node.kind)).toEqual(["REFUND", "PAYMENT"]);
    expect(money.totalCount).toBe(2);
  });

  it("refuses a bad page size or cursor with BAD_USER_INPUT", async () => {
    for (const variables of [{ id, first: 101 }, { id, first: -1 }, { id, after: "bm90LWEtY3Vyc29y" }]) {
      const res = await app.t.admin(HISTORY, variables);
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("costs one statement per page, one more for totalCount, however long the history", async () => {
    const before = app.t.database.queryCount();
    await admin(HISTORY, { id, first: 100 });
    // customer(id) and history's page and count.
    expect(app.t.database.queryCount() - before).toBeLessThanOrEqual(3);
  });
});
