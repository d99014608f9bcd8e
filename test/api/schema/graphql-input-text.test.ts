import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setLogLevel } from "../../../src/common/log.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

// What GraphQL and GET /landing do with input no row can hold (NUL bytes, lone surrogates):
// refused at the edge with BAD_USER_INPUT naming the argument, before any resolver or SQL runs;
// public landing input simply matches nothing.

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp();
  const res = await t.admin(`mutation { upsertCustomer(input: {externalId: "${unique("crm")}", name: "Texts", mrrCents: 1}) { id } }`);
  customerId = res.data!.upsertCustomer.id;
});
afterAll(async () => {
  await t?.close();
});

async function expectRefused(query: string, variables: Record<string, unknown>, field: string, message: RegExp) {
  const before = await t.database.fingerprint();
  const res = await t.admin(query, variables);
  expect(res.data ?? null, JSON.stringify(res.errors)).toBeNull();
  expect(res.errors, JSON.stringify(res.errors)).toHaveLength(1);
  expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
  expect(res.errors![0]!.message).toMatch(message);
  expect(await t.database.fingerprint()).toEqual(before);
}

describe("string input the database cannot hold", () => {
  const nul = "a\u0000b";
  const cases: [name: string, query: string, variables: () => Record<string, unknown>, field: string, problem: RegExp][] = [
    ["a NUL in an input field, by variable", `mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, () => ({ i: { externalId: unique("crm"), name: "N", mrrCents: 1, niche: nul } }), "niche", /NUL/],
    ["a NUL in an input field, by literal", `mutation { upsertCustomer(input: {externalId: "x-nul", name: "N", mrrCents: 1, plan: "a\\u0000b"}) { id } }`, () => ({}), "plan", /NUL/],
    ["a NUL in a plain argument", `mutation($id: ID!, $p: String!) { recordPlanChange(customerId: $id, plan: $p, mrrCents: 5) { id } }`, () => ({ id: customerId, p: nul }), "plan", /NUL/],
    ["a lone surrogate in a plain argument", `mutation($id: ID!, $r: String) { markChurned(customerId: $id, reason: $r) { id } }`, () => ({ id: customerId, r: "gone \ud800" }), "reason", /lone surrogate/],
    ["a NUL in a list inside the input", `mutation($v: [String!]!) { createSegment(input: {name: "seg-nul", rules: [{field: NICHE, op: IN, values: $v}]}) { id } }`, () => ({ v: ["ok", nul] }), "rules[0].values[1]", /NUL/],
    ["a NUL in a query argument", `query($c: String!) { affiliate(code: $c) { id } }`, () => ({ c: nul }), "code", /NUL/],
    ["a NUL in a public mutation", `mutation($v: String!) { trackReferralVisit(affiliateCode: "someone", visitorId: $v) }`, () => ({ v: nul }), "visitorId", /NUL/],
  ];

  it.each(cases)("%s → BAD_USER_INPUT naming it, nothing written", async (_name, query, variables, field, problem) => {
    await expectRefused(query, variables(), field, new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: .*${problem.source}`));
  });

  it("refuses it in a fragment's arguments too", async () => {
    await expectRefused(`query($c: String!) { ...F } fragment F on Query { affiliate(code: $c) { id } }`, { c: nul }, "code", /^code: must not contain NUL/);
  });
});

describe("landing input the database cannot hold matches nothing", () => {
  async function quietly<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
    setLogLevel("debug");
    try {
      const result = await run();
      return { result, warnings: lines.filter((l) => /"level":"(warn|error)"/.test(l)) };
    } finally {
      setLogLevel("warn");
      spy.mockRestore();
    }
  }

  it("GET /landing?niche=a%00b is the page without a niche: no statement, no warning, no fallback", async () => {
    const plain = await t.http.get("/landing");
    expect(plain.status).toBe(200);
    const before = t.database.queryCount();
    const { result: res, warnings } = await quietly(() => t.http.get("/landing?niche=a%00b"));
    expect(t.database.queryCount() - before).toBe(0);
    expect(warnings).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.headers["x-advocate-fallback"]).toBeUndefined();
    expect(res.body).toEqual(plain.body);
    expect(res.body).toMatchObject({ niche: null, matchedOn: "DEFAULT" });
  });

  it("landingPage(niche:) with a NUL or a lone surrogate answers a page, by literal or variable, with and without a key", async () => {
    const plain = await t.gql(`{ landingPage { matchedOn niche } }`);
    const before = t.database.queryCount();
    const { result, warnings } = await quietly(async () => [
      await t.http.post("/graphql").set("content-type", "application/json").send({ query: `{ landingPage(niche: "a\\u0000b") { matchedOn niche } }` }),
      await t.http.post("/graphql").set("content-type", "application/json").send({ query: `query($n: String) { landingPage(niche: $n) { matchedOn niche } }`, variables: { n: "a\u0000b" } }),
      await t.http.post("/graphql").set("content-type", "application/json").send({ query: `query($n: String) { landingPage(niche: $n) { matchedOn niche } }`, variables: { n: "x\ud800" } }),
      // With a key the request is Apollo's, not the fast path's: the same page.
      await t.http.post("/graphql").set("content-type", "application/json").set("authorization", "Bearer test-admin-key-0123456789abcdef").send({ query: `{ landingPage(niche: "a\\u0000b") { matchedOn niche } }` }),
    ]);
    expect(t.database.queryCount() - before).toBe(0);
    expect(warnings).toEqual([]);
    for (const res of result) {
      expect(res.status).toBe(200);
      expect(res.headers["x-advocate-fallback"]).toBeUndefined();
      expect(res.body).toEqual({ data: plain.data });
    }
  });
});
