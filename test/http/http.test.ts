import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("HTTP endpoints", () => {
  it("GET /healthz answers while the process is up", async () => {
    const res = await t.http.get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("GET /readyz answers ready when the database is reachable", async () => {
    const res = await t.http.get("/readyz");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ready", database: t.database.kind });
  });

  it("a syntax error is a 400 with GRAPHQL_PARSE_FAILED", async () => {
    const res = await t.http.post("/graphql").send({ query: "{ customers(" });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

});

describe("when the database misbehaves", () => {
  let broken: TestApp;
  beforeAll(async () => {
    broken = await startTestApp();
    await broken.admin(`mutation { upsertCustomer(input: {externalId: "e1", name: "A", mrrCents: 1}) { id } }`);
  });
  afterAll(async () => {
    await broken?.app.stop();
  });

  it("an unexpected failure is masked: a generic message, no SQL, no stack", async () => {
    // A failure no service anticipates: the table the scores are read from is gone.
    await broken.database.db.execute(sql`drop table customer_scores`);
    const res = await broken.admin(`{ customers { edges { node { name healthScore } } } }`);
    expect(res.errors![0]).toMatchObject({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
    const body = JSON.stringify(res);
    expect(body).not.toMatch(/customer_scores|select|stack/i);
  });

  it("GET /readyz answers 503 once the database is unreachable", async () => {
    await broken.database.close();
    const res = await broken.http.get("/readyz");
    expect(res.status).toBe(503);
    expect(res.body.status).toBe("unavailable");
    expect((await broken.http.get("/healthz")).status).toBe(200);
  });
});
