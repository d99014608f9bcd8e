import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate } from "../../helpers/factories.js";

// The admin audit log: every admin write (which key, what, when, how it ended), readable by
// admins only, newest first with a cursor, with no free text (names, emails) kept.

let t: TestApp;
const actor = `admin-key:${createHash("sha256").update(ADMIN_KEY).digest("hex").slice(0, 8)}`;

const LOG = `query($first: Int, $after: String, $operation: String) { adminAuditLog(first: $first, after: $after, operation: $operation) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id at actor operation arguments outcome requestId } } } }`;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe("adminAuditLog", () => {
  it("records each admin mutation's root fields with the key, ids and outcome, never names, and no reads", async () => {
    const since = Date.now();
    const externalId = unique("audit");
    const created = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, {
      input: { externalId, name: "Secret Person Ltd", mrrCents: 1234 },
    });
    const id: string = created.data!.upsertCustomer.id;
    await t.admin(`mutation($id: ID!) { a: recordNpsResponse(customerId: $id, score: 9) { id } b: recordSupportTicket(customerId: $id) { id } }`, { id });
    const refused = await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 11) { id } }`, { id });
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    await t.admin(`query($id: ID!) { customer(id: $id) { name } }`, { id });

    const res = await t.admin(LOG, { first: 4 });
    expect(res.errors).toBeUndefined();
    const nodes = res.data!.adminAuditLog.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => [n.operation, n.outcome])).toEqual([
      ["recordNpsResponse", "BAD_USER_INPUT"],
      ["recordSupportTicket", "OK"],
      ["recordNpsResponse", "OK"],
      ["upsertCustomer", "OK"],
    ]);
    for (const node of nodes) {
      expect(node.actor).toBe(actor);
      expect(Date.parse(node.at)).toBeGreaterThanOrEqual(since - 1000);
      expect(node.requestId).toMatch(/\S/);
    }
    expect(nodes[2].arguments).toEqual({ customerId: id, score: 9 });
    // The input's number is kept; its name and external id (free text) are not.
    expect(nodes[3].arguments).toEqual({ input: { mrrCents: 1234 } });
    expect(JSON.stringify(res.data)).not.toContain("Secret Person");
    expect(JSON.stringify(res.data)).not.toContain(ADMIN_KEY);
  });

  it("pages newest first by cursor and filters by operation", async () => {
    for (let i = 0; i < 3; i++) await createAffiliate(t);
    const first = await t.admin(LOG, { first: 2, operation: "createAffiliate" });
    const page1 = first.data!.adminAuditLog;
    expect(page1.edges).toHaveLength(2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    expect(page1.totalCount).toBeGreaterThanOrEqual(3);
    const next = (await t.admin(LOG, { first: 2, operation: "createAffiliate", after: page1.pageInfo.endCursor })).data!.adminAuditLog;
    const ids = [...page1.edges, ...next.edges].map((e: any) => Number(e.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...page1.edges, ...next.edges].every((e: any) => e.node.operation === "createAffiliate")).toBe(true);
  });

  it("refuses a bad cursor or page size, and is the admin's alone", async () => {
    expect((await t.admin(LOG, { after: "bm9wZQ" })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.admin(LOG, { first: 1000 })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await t.gql(LOG, {})).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("writes the audit row in the write's own transaction: a write whose row cannot be written does not happen", async () => {
    // The audit table refuses every new row for a moment (a full disk, a broken table).
    await t.database.db.execute(sql`alter table admin_audit_log add constraint audit_refuses check (false) not valid`);
    const niche = unique("unaudited").toLowerCase();
    let res: Awaited<ReturnType<TestApp["admin"]>> | undefined;
    try {
      res = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, { input: { externalId: unique("crm"), name: "Unaudited Ltd", niche, mrrCents: 5000 } });
    } finally {
      await t.database.db.execute(sql`alter table admin_audit_log drop constraint audit_refuses`);
    }
    expect(res?.errors?.[0]?.extensions?.code, JSON.stringify(res?.errors)).toBe("INTERNAL_SERVER_ERROR");
    const found = await t.admin(`query($n: String!) { customers(first: 5, filter: {niche: $n}) { totalCount } }`, { n: niche });
    expect(found.errors).toBeUndefined();
    expect(found.data!.customers.totalCount).toBe(0);
  });
});
