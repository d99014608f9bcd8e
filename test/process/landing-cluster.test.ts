import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../src/db/client.js";
import { createApp, type App } from "../../src/server/app.js";
import { postgresUrl } from "../helpers/postgres.js";
import { startTestApp, testConfig, type TestApp } from "../helpers/app.js";

// Two server instances on one PostgreSQL database: a write through one must reach the other's
// landing cache (LISTEN/NOTIFY) within a second. Only meaningful on PostgreSQL.

describe.skipIf(!postgresUrl())("landing cache across instances", () => {
  let first: TestApp;
  let secondDb: DatabaseHandle;
  let second: App;

  beforeAll(async () => {
    first = await startTestApp();
    secondDb = await openDatabase({ kind: "postgres", url: first.database.url!, poolMax: 2 });
    second = await createApp(testConfig(), { database: secondDb });
  });
  afterAll(async () => {
    await second?.stop();
    await secondDb?.close();
    await first?.close();
  });

  async function eventually(check: () => Promise<boolean>, ms: number) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  it("shows a write made through one instance on the other's cached page within a second", async () => {
    const niche = `cluster-${Date.now().toString(36)}`;
    const page = () => request(second.handler).get(`/landing?niche=${niche}`);
    const cached = await page();
    expect(cached.body.painPoints).toEqual([]);
    expect((await page()).headers.etag).toBe(cached.headers.etag);

    const res = await first.admin(`mutation($n: String!) { createContentAsset(input: {kind: PAIN_POINT, title: "Fresh pain", body: "B", niches: [$n]}) { id } }`, {
      n: niche,
    });
    expect(res.errors).toBeUndefined();
    const started = Date.now();
    const seen = await eventually(async () => (await page()).body.painPoints.some((p: { title: string }) => p.title === "Fresh pain"), 1_000);
    expect(seen).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("carries an affiliate-scoped change too: a new affiliate is known on the other instance", async () => {
    const code = `cl-${Date.now().toString(36)}`;
    expect((await request(second.handler).get(`/landing?affiliate=${code}`)).body.affiliate).toBeNull();
    await first.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Cluster", commissionType: FLAT, commissionValue: 100}) { id } }`, { c: code });
    const seen = await eventually(async () => (await request(second.handler).get(`/landing?affiliate=${code}`)).body.affiliate !== null, 1_000);
    expect(seen).toBe(true);
  });
});
