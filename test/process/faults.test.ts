import request from "supertest";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows, type DatabaseHandle } from "../../src/db/client.js";
import { createApp, type App } from "../../src/server/app.js";
import { pgArrayLiteral } from "../../src/db/arrays.js";
import { ADMIN_KEY, testConfig } from "../helpers/app.js";
import { postgresUrl } from "../helpers/postgres.js";
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres.js";

// PostgreSQL restarts while the server is under load (writes and landing pages): no write the
// server acknowledged is lost, no landing page is answered with a 5xx, and the server recovers
// by itself: writes succeed again without restarting it.

describe.skipIf(!postgresUrl() || !canRunPrivatePostgres())("PostgreSQL restarting under load", () => {
  let pg: PrivatePostgres;
  let database: DatabaseHandle;
  let app: App;

  beforeAll(async () => {
    pg = startPrivatePostgres();
    database = await openDatabase({ kind: "postgres", url: pg.url, poolMax: 5 });
    await database.migrate();
    app = await createApp(testConfig({ landingCache: { ttlMs: 200, dbTimeoutMs: 500 } }), { database });
    for (let i = 0; i < 5; i++) {
      await request(app.handler)
        .post("/graphql")
        .set("authorization", `Bearer ${ADMIN_KEY}`)
        .send({ query: `mutation { createContentAsset(input: {kind: PAIN_POINT, title: "Pain ${i}", body: "B", niches: ["fault-${i}"]}) { id } }` });
    }
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await database?.close().catch(() => undefined);
    pg?.destroy();
  });

  it("loses no acknowledged write, never answers a landing page with 5xx, and recovers by itself", async () => {
    const acknowledged: { externalId: string; at: number }[] = [];
    let refused = 0;
    const landing: number[] = [];
    let running = true;
    let n = 0;
    const writer = async () => {
      while (running) {
        const externalId = `fault-${process.pid}-${n++}`;
        const res = await request(app.handler)
          .post("/graphql")
          .set("authorization", `Bearer ${ADMIN_KEY}`)
          .send({ query: `mutation { upsertCustomer(input: {externalId: "${externalId}", name: "Fault ${n}", mrrCents: 1000}) { id } }` });
        if (res.status === 200 && !res.body.errors && res.body.data?.upsertCustomer?.id) acknowledged.push({ externalId, at: Date.now() });
        else refused++;
      }
    };
    const reader = async (i: number) => {
      while (running) {
        const res = await request(app.handler).get(`/landing?niche=fault-${i % 5}&limit=${1 + (n % 3)}`);
        landing.push(res.status);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const load = [writer(), writer(), writer(), reader(0), reader(1), reader(2), reader(3)];

    await new Promise((r) => setTimeout(r, 1_000));
    pg.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    pg.start();
    const restartedAt = Date.now();
    const deadline = restartedAt + 30_000;
    while ((await request(app.handler).get("/readyz")).status !== 200) {
      if (Date.now() > deadline) throw new Error("the server did not become ready after the database came back");
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 1_500));
    running = false;
    await Promise.all(load);

    // The outage was felt (writes were refused), and the server kept going after it.
    expect(refused).toBeGreaterThan(0);
    expect(acknowledged.filter((a) => a.at > restartedAt).length).toBeGreaterThan(0);
    expect(landing.length).toBeGreaterThan(50);
    expect(landing.filter((s) => s >= 500)).toEqual([]);

    const ids = acknowledged.map((a) => a.externalId);
    const [stored] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from customers where external_id = any(${pgArrayLiteral(ids)}::text[])`);
    expect(stored!.n).toBe(ids.length);
  }, 90_000);
});
