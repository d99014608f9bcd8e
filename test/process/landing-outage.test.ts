import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { createApp, type App } from "../../src/server/app.js";
import { ADMIN_KEY, testConfig } from "../helpers/app.js";
import { postgresUrl } from "../helpers/postgres.js";
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres.js";

// PostgreSQL stops under the running server: landing pages keep answering 200 (the last answer,
// else the built-in default, each said by a header), readiness turns false, and once the
// database is back the server recovers by itself and answers fresh again.

describe.skipIf(!postgresUrl() || !canRunPrivatePostgres())("landing pages through a database outage", () => {
  let pg: PrivatePostgres;
  let database: DatabaseHandle;
  let app: App;
  const niche = "outage";

  const admin = (query: string) =>
    request(app.handler).post("/graphql").set("authorization", `Bearer ${ADMIN_KEY}`).send({ query });

  beforeAll(async () => {
    pg = startPrivatePostgres();
    database = await openDatabase({ kind: "postgres", url: pg.url, poolMax: 3 });
    await database.migrate();
    app = await createApp(testConfig({ landingCache: { ttlMs: 300, dbTimeoutMs: 500 } }), { database });
    const res = await admin(`mutation { createContentAsset(input: {kind: PAIN_POINT, title: "Before the outage", body: "B", niches: ["${niche}"]}) { id } }`);
    expect(res.body.errors).toBeUndefined();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await database?.close().catch(() => undefined);
    pg?.destroy();
  });

  it("serves stale then default answers with 200 while the database is down, and fresh ones after", async () => {
    const before = await request(app.handler).get(`/landing?niche=${niche}`);
    expect(before.status).toBe(200);
    expect(before.headers["x-advocate-fallback"]).toBeUndefined();
    expect(before.body.painPoints.map((p: { title: string }) => p.title)).toEqual(["Before the outage"]);

    pg.stop();
    await new Promise((r) => setTimeout(r, 400)); // past the TTL: the entry is stale now

    const stale = await request(app.handler).get(`/landing?niche=${niche}`);
    expect(stale.status).toBe(200);
    expect(stale.headers["x-advocate-fallback"]).toBe("stale");
    expect(stale.body).toEqual(before.body);

    const never = await request(app.handler).get(`/landing?niche=never-asked`);
    expect(never.status).toBe(200);
    expect(never.headers["x-advocate-fallback"]).toBe("default");
    expect(never.body).toMatchObject({ matchedOn: "DEFAULT", caseStudies: [], useCases: [], painPoints: [] });

    const graphql = await request(app.handler).post("/graphql").send({ query: `{ landingPage(niche: "${niche}") { painPoints { title } } }` });
    expect(graphql.status).toBe(200);
    expect(graphql.body.data.landingPage.painPoints).toEqual([{ title: "Before the outage" }]);

    const unready = await request(app.handler).get("/readyz");
    expect(unready.status).toBe(503);
    // What fails, never where the database is (the driver says "connect ECONNREFUSED host:port").
    expect(unready.body).toMatchObject({ status: "unavailable", reason: "database unreachable" });
    expect(unready.text).not.toContain(new URL(pg.url).port);
    expect(unready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    expect((await request(app.handler).get("/healthz")).status).toBe(200);

    pg.start();
    const deadline = Date.now() + 30_000;
    while ((await request(app.handler).get("/readyz")).status !== 200) {
      if (Date.now() > deadline) throw new Error("the server did not become ready after the database came back");
      await new Promise((r) => setTimeout(r, 200));
    }
    let written = false;
    while (!written && Date.now() < deadline) {
      const res = await admin(`mutation { createContentAsset(input: {kind: PAIN_POINT, title: "After the outage", body: "B", niches: ["${niche}"]}) { id } }`);
      written = !res.body.errors;
    }
    expect(written).toBe(true);
    const after = await request(app.handler).get(`/landing?niche=${niche}`);
    expect(after.headers["x-advocate-fallback"]).toBeUndefined();
    expect(after.body.painPoints.map((p: { title: string }) => p.title)).toEqual(["After the outage", "Before the outage"]);
  }, 90_000);
});
