import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createHttpServer } from "../../src/server/http-server.js";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../helpers/app.js";

// Abuse limits as production runs them: document limits (graphql-armor), no batching, no
// introspection or suggestions, CSRF prevention, per-key and per-address rate limits, masked
// errors with a request id, and time limits on slow clients.

let t: TestApp;
let affiliateKey: string;

beforeAll(async () => {
  t = await startTestApp({
    graphqlLimits: { introspection: false, fieldSuggestions: false },
    requestRateLimit: { perKeyPerMinute: 30, perAddressPerMinute: 4 },
    // Behind a proxy on loopback, the client address comes from X-Forwarded-For.
    trustProxy: ["loopback"],
  });
  const code = unique("abuse").toLowerCase();
  const created = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "A", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
  const issued = await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: created.data!.createAffiliate.id });
  affiliateKey = issued.data!.createAffiliateApiKey;
});
afterAll(async () => {
  await t?.close();
});

const post = (body: unknown, key: string | null = ADMIN_KEY) => {
  const req = t.http.post("/graphql").set("content-type", "application/json");
  return (key ? req.set("authorization", `Bearer ${key}`) : req).send(body as object);
};

describe("document limits", () => {
  it("refuses a query nested deeper than 12 levels, before running it", async () => {
    // The set-up's writes make the landing catalog catch up in the background: let it finish.
    await t.quiet();
    const before = t.database.queryCount();
    const deep = `{ journeys { enrollments { edges { node { journey { enrollments { edges { node { journey { enrollments { edges { node { id } } } } } } } } } } } } }`;
    const res = await post({ query: deep });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/depth limit of 12/);
    expect(t.database.queryCount()).toBe(before);
  });

  it("refuses more than 15 aliases, 2,000 tokens, and batches", async () => {
    const aliases = await post({ query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: journeys { id }`).join(" ")} }` });
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors[0].message).toMatch(/Aliases limit of 15/);
    const tokens = await post({ query: `{ ${"__typename ".repeat(2_100)} }` });
    expect(tokens.status).toBe(400);
    expect(tokens.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    const batch = await post([{ query: "{ __typename }" }, { query: "{ __typename }" }]);
    expect(batch.status).toBe(400);
  });

  it("keeps an ordinary dashboard query inside the cost limit", async () => {
    const res = await post({ query: `{ affiliates(first: 50) { edges { node { code customer { name } referrals(first: 5) { totalCount edges { node { customer { name } } } } } } } }` });
    expect(res.body.errors).toBeUndefined();
  });

  it("hides the schema: no introspection, no field suggestions", async () => {
    const intro = await post({ query: "{ __schema { types { name } } }" });
    expect(intro.status).toBe(400);
    expect(JSON.stringify(intro.body)).toMatch(/introspection/i);
    const typo = await post({ query: "{ customerz { id } }" });
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it("blocks requests a browser could send cross-site without a preflight (CSRF)", async () => {
    const get = await t.http.get("/graphql").query({ query: "{ __typename }" });
    expect(get.status).toBe(400);
    expect(get.text).toMatch(/Cross-Site Request Forgery/);
    const form = await t.http.post("/graphql").set("content-type", "text/plain").send(JSON.stringify({ query: "{ __typename }" }));
    expect(form.status).toBe(400);
  });
});

describe("rate limits", () => {
  it("limits an address without a key, with 429 and Retry-After, and a key separately", async () => {
    const from = (address: string) => t.http.post("/graphql").set("content-type", "application/json").set("x-forwarded-for", address).send({ query: "{ __typename }" });
    const anonymous = () => from("203.0.113.7");
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await anonymous());
    expect(answers.slice(0, 4).every((r) => r.status === 200)).toBe(true);
    const refused = answers[4]!;
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    // Another address, and the admin key from the same address, have their own allowance.
    expect((await from("203.0.113.8")).status).toBe(200);
    expect((await post({ query: "{ __typename }" }).set("x-forwarded-for", "203.0.113.7")).status).toBe(200);
  });

  it("limits each key on its own", async () => {
    expect(affiliateKey).toMatch(/\w/);
    const statuses = [];
    // 30 a minute: the first 30 pass; the bucket refills half a request a second, so of 40 sent
    // at once some are refused however slow the machine.
    for (let i = 0; i < 40; i++) statuses.push((await post({ query: "{ myAffiliate { code } }" }, affiliateKey)).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });
});

describe("rate limits by the parsed key and failed authentications", () => {
  it("counts every spelling of one key (Bearer, bearer, extra spaces) against the same bucket", async () => {
    const created = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "S", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: unique("spell").toLowerCase() });
    const key = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: created.data!.createAffiliate.id })).data!.createAffiliateApiKey as string;
    const spellings = [`Bearer ${key}`, `bearer ${key}`, `Bearer    ${key}`, `BEARER\t${key}`];
    const statuses = [];
    // 30 a minute per key: spread over four spellings, 40 requests are still one key's 40.
    for (let i = 0; i < 40; i++) {
      const res = await t.http
        .post("/graphql")
        .set("content-type", "application/json")
        .set("x-forwarded-for", "198.51.100.20")
        .set("authorization", spellings[i % spellings.length]!)
        .send({ query: "{ myAffiliate { code } }" });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toContain(429);
  });

  it("refuses keys from an address whose failed authentications used up its allowance, with 429 and Retry-After, before any lookup", async () => {
    const withKey = (address: string, key: string) =>
      t.http.post("/graphql").set("content-type", "application/json").set("x-forwarded-for", address).set("authorization", `Bearer ${key}`).send({ query: "{ myAffiliate { code } }" });
    const randomKey = () => `adv_aff_${unique("guess")}`;
    // 4 a minute per address: four wrong keys are looked up and refused as unauthenticated…
    for (let i = 0; i < 4; i++) {
      const queries = t.database.queryCount();
      const res = await withKey("198.51.100.30", randomKey());
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expect(t.database.queryCount()).toBeGreaterThan(queries);
    }
    // …the next is refused before the database is asked.
    const queries = t.database.queryCount();
    const refused = await withKey("198.51.100.30", randomKey());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(refused.body.errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
    expect(t.database.queryCount()).toBe(queries);
    // Another address is not held back.
    expect((await withKey("198.51.100.31", randomKey())).status).toBe(401);
  });

  it("counts malformed Authorization headers as failed authentications", async () => {
    const from = (authorization: string) =>
      t.http.post("/graphql").set("content-type", "application/json").set("x-forwarded-for", "198.51.100.40").set("authorization", authorization).send({ query: "{ __typename }" });
    for (let i = 0; i < 4; i++) expect((await from(`Basic ${unique("b")}`)).status).toBe(401);
    const refused = await from(`Bearer adv_aff_${unique("guess")}`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].message).toMatch(/failed authentications/);
  });
});

describe("errors", () => {
  it("masks an unexpected error (no SQL, no stack) and logs it with the request id the client sees", async () => {
    const logged: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (logged.push(String(line)), true));
    await t.database.db.execute(sql`alter table segments rename to segments_gone`);
    try {
      const res = await t.http
        .post("/graphql")
        .set("content-type", "application/json")
        .set("authorization", `Bearer ${ADMIN_KEY}`)
        .set("x-request-id", "req-abuse-1")
        .send({ query: "{ segments { id } }" });
      expect(res.headers["x-request-id"]).toBe("req-abuse-1");
      const [error] = res.body.errors;
      expect(error.message).toBe("Internal server error");
      expect(error.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: "req-abuse-1" });
      expect(JSON.stringify(res.body)).not.toMatch(/select|segments_gone|relation|at /i);
      const line = logged.find((l) => l.includes("unexpected error in a request"));
      expect(JSON.parse(line!)).toMatchObject({ level: "error", requestId: "req-abuse-1" });
      expect(logged.join("")).not.toContain(ADMIN_KEY);
    } finally {
      spy.mockRestore();
      await t.database.db.execute(sql`alter table segments_gone rename to segments`);
    }
  });
});

describe("time limits", () => {
  it("cuts off a client that never finishes its headers", async () => {
    const server = createHttpServer(t.app.handler, 1_000);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const socket = connect((server.address() as AddressInfo).port, "127.0.0.1");
      socket.write("POST /graphql HTTP/1.1\r\nHost: x\r\n");
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        let data = "";
        socket.on("data", (chunk) => (data += chunk));
        socket.on("close", () => resolve(data));
      });
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
