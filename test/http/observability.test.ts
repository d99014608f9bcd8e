import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setLogLevel } from "../../src/common/log.js";
import { ADMIN_KEY, startTestApp, type TestApp } from "../helpers/app.js";

// Structured logs with request id, operation, role and duration; Prometheus metrics at /metrics;
// readiness that reports the database and the job runner.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ jobs: { pollMs: 60_000 } });
});
afterAll(async () => {
  await t?.close();
});

const metric = (text: string, name: string, labels: Record<string, string> = {}) => {
  const line = text
    .split("\n")
    .find((l) => l.startsWith(name) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)) && /^[^{ ]+(\{[^}]*\})? /.test(l) && l.split(/[{ ]/)[0] === name);
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
};

describe("logs", () => {
  it("logs each GraphQL request as one JSON line with request id, operation, role, duration and status, and never the key", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
    setLogLevel("info");
    try {
      await t.http.post("/graphql").set("content-type", "application/json").set("authorization", `Bearer ${ADMIN_KEY}`).set("x-request-id", "obs-1").send({ query: "query Dash { customers(first: 1) { totalCount } segments { id } }" });
      await t.http.post("/graphql").set("content-type", "application/json").set("authorization", `Bearer ${ADMIN_KEY}`).set("x-request-id", "obs-2").send({ query: "mutation { upsertCustomer(input: {externalId: \"\", name: \"x\"}) { id } }" });
    } finally {
      setLogLevel("warn");
      spy.mockRestore();
    }
    const records = lines.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l));
    const dash = records.find((r) => r.requestId === "obs-1" && r.message === "graphql request");
    expect(dash).toMatchObject({ level: "info", operation: "query customers,segments", operationName: "Dash", role: "ADMIN", status: "ok" });
    expect(typeof dash.ms).toBe("number");
    expect(typeof dash.time).toBe("string");
    const bad = records.find((r) => r.requestId === "obs-2" && r.message === "graphql request");
    expect(bad.status).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/);
    expect(lines.join("")).not.toContain(ADMIN_KEY);
  });
});

describe("GET /metrics", () => {
  it("counts requests and latency by route, operation and status, landing-cache hits and misses, jobs and the database", async () => {
    await t.http.get("/landing?niche=metrics-niche");
    await t.http.get("/landing?niche=metrics-niche");
    await t.admin("{ journeys { id } }");
    const res = await t.http.get("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    const text = res.text;
    expect(metric(text, "advocate_http_requests_total", { route: "landing", method: "GET", status: "200" })).toBeGreaterThanOrEqual(2);
    expect(metric(text, "advocate_http_request_duration_seconds_count", { route: "landing" })).toBeGreaterThanOrEqual(2);
    expect(metric(text, "advocate_graphql_requests_total", { operation: "query journeys", status: "ok" })).toBeGreaterThanOrEqual(1);
    expect(metric(text, "advocate_graphql_request_duration_seconds_count", { operation: "query journeys" })).toBeGreaterThanOrEqual(1);
    expect(metric(text, "advocate_landing_cache_misses_total")).toBeGreaterThanOrEqual(1);
    expect(metric(text, "advocate_landing_cache_hits_total")).toBeGreaterThanOrEqual(1);
    expect(metric(text, "advocate_jobs", { state: "queued" })).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^advocate_db_connections\{state="[\w ]+"\} \d+/m);
    expect(metric(text, "advocate_process_resident_memory_bytes")).toBeGreaterThan(0);
  });
});

describe("GraphQL requests by route and outcome", () => {
  it("counts POST /graphql under route graphql, and logs and counts a FORBIDDEN and a BAD_USER_INPUT operation with those codes", async () => {
    const code = `obs-${Date.now().toString(36)}`;
    const created = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "O", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const key = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: created.data!.createAffiliate.id })).data!.createAffiliateApiKey as string;
    const graphqlPosts = async () => metric((await t.http.get("/metrics")).text, "advocate_http_requests_total", { route: "graphql", method: "POST", status: "200" }) ?? 0;
    const before = await graphqlPosts();
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
    setLogLevel("info");
    try {
      const forbidden = await t.http.post("/graphql").set("authorization", `Bearer ${key}`).set("x-request-id", "obs-forbidden").send({ query: "{ customers(first: 1) { totalCount } }" });
      expect(forbidden.body.errors[0].extensions.code).toBe("FORBIDDEN");
      const bad = await t.http
        .post("/graphql")
        .set("authorization", `Bearer ${ADMIN_KEY}`)
        .set("x-request-id", "obs-bad-input")
        .send({ query: `mutation { upsertCustomer(input: {externalId: "", name: "x", mrrCents: 1}) { id } }` });
      expect(bad.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    } finally {
      setLogLevel("warn");
      spy.mockRestore();
    }
    expect(await graphqlPosts()).toBe(before + 2);
    const records = lines.flatMap((l) => l.split("\n")).filter(Boolean).map((l) => JSON.parse(l));
    expect(records.find((r) => r.requestId === "obs-forbidden" && r.message === "graphql request")).toMatchObject({ status: "FORBIDDEN", role: "AFFILIATE" });
    expect(records.find((r) => r.requestId === "obs-bad-input" && r.message === "graphql request")).toMatchObject({ status: "BAD_USER_INPUT", role: "ADMIN" });
    const text = (await t.http.get("/metrics")).text;
    expect(metric(text, "advocate_graphql_requests_total", { operation: "query customers", status: "FORBIDDEN" })).toBe(1);
    expect(metric(text, "advocate_graphql_requests_total", { operation: "mutation upsertCustomer", status: "BAD_USER_INPUT" })).toBeGreaterThanOrEqual(1);
  });
});

describe("GET /metrics with a token", () => {
  it("answers 401 without the token and the metrics with it", async () => {
    const guarded = await startTestApp({ metricsToken: "metrics-token-0123456789" });
    try {
      expect((await guarded.http.get("/metrics")).status).toBe(401);
      expect((await guarded.http.get("/metrics").set("authorization", "Bearer wrong-token")).status).toBe(401);
      const ok = await guarded.http.get("/metrics").set("authorization", "Bearer metrics-token-0123456789");
      expect(ok.status).toBe(200);
      expect(ok.text).toContain("advocate_http_requests_total");
    } finally {
      await guarded.close();
    }
  });
});

describe("GET /readyz", () => {
  it("reports the database and the job runner", async () => {
    const res = await t.http.get("/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ready", jobs: "running" });
  });
});
