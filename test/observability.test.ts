import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { setLogLevel } from "../src/common/log.js";
import { ADMIN_KEY, startTestApp, type TestApp } from "./helpers/app.js";

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
