import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";

// The GraphQL-over-HTTP specification, checked with the graphql-http package's own server
// audits against a listening instance (the landing fast path in front of Apollo included).

let t: TestApp;
let server: Server;
let url: string;

beforeAll(async () => {
  t = await startTestApp();
  server = createServer(t.app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await t?.close();
});

describe("GraphQL over HTTP", () => {
  it("passes every MUST audit of graphql-http", async () => {
    const results = [];
    for (const audit of serverAudits({ url })) results.push({ ...(await audit.fn()), name: audit.name });
    const mustFailures = results.filter((r) => r.name.startsWith("MUST") && r.status !== "ok");
    expect(mustFailures.map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`)).toEqual([]);
    // The audits did run (graphql-http 1.x has 13 MUSTs among its ~80 audits).
    expect(results.filter((r) => r.name.startsWith("MUST")).length).toBeGreaterThanOrEqual(13);
    expect(results.length).toBeGreaterThan(50);
  });

  it("answers application/graphql-response+json when asked, with 4xx for a request it cannot run", async () => {
    const ok = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^application\/graphql-response\+json/);
    const bad = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json" },
      body: JSON.stringify({ query: "{ notAField }" }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });
});
