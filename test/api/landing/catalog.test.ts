import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import request from "supertest";
import { createApp, type App } from "../../../src/server/app.js";
import { startTestApp, testConfig, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createAsset } from "../../helpers/factories.js";

// A landing-page miss is decided from the in-memory catalog: no SQL statement on the request path
// (the affiliate lookup included), through GET /landing, the GraphQL fast path and Apollo alike.
// Past LANDING_CATALOG_MAX_ASSETS the catalog steps aside and misses use SQL again, by itself,
// and says so at start; /metrics reports what the catalog holds.

const metric = (text: string, name: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};
const titles = (items: { title: string }[]) => items.map((i) => i.title);
// No impressions flush on a timer: nothing but the requests may issue statements.
const QUIET = { impressions: { flushIntervalMs: 0 } };

describe("misses decided in memory", () => {
  let t: TestApp;
  const niche = unique("catalog").toLowerCase();
  let code: string;
  beforeAll(async () => {
    t = await startTestApp(QUIET);
    code = (await createAffiliate(t, { name: "Catalog Partner" })).code;
    await createAsset(t, { kind: "PAIN_POINT", title: "Niche pain", niches: [niche] });
    await createAsset(t, { kind: "USE_CASE", title: "Partner use case", niches: [niche], affiliateCode: code });
    await createAsset(t, { kind: "PAIN_POINT", title: "Everyone's pain", niches: [] });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("issues no SQL statement for misses through GET /landing, the GraphQL fast path and Apollo", async () => {
    await t.quiet();
    await t.app.landing.catalog!.settled();
    const before = t.database.queryCount();
    const misses = t.app.landing.stats.misses;
    for (let limit = 1; limit <= 10; limit++) {
      const rest = await t.http.get(`/landing?affiliate=${code}&niche=${niche}&limit=${limit}`);
      expect(rest.status).toBe(200);
      expect(rest.headers["x-advocate-fallback"]).toBeUndefined();
      expect(rest.body.affiliate).toEqual({ code, name: "Catalog Partner" });
      expect(titles(rest.body.useCases)).toEqual(["Partner use case"]);
      expect(titles(rest.body.painPoints)).toEqual(["Niche pain", "Everyone's pain"].slice(0, limit));
    }
    const fast = await t.gql(`query($c: String, $n: String) { landingPage(affiliateCode: $c, niche: $n) { matchedOn painPoints { title } } }`, { c: code, n: `${niche}-none` });
    expect(fast.data!.landingPage).toEqual({ matchedOn: "AFFILIATE", painPoints: [{ title: "Everyone's pain" }] });
    // With a key, Apollo answers (not the fast path); the page still comes from the catalog.
    const apollo = await t.admin(`{ landingPage(niche: "${niche}", limit: 7) { matchedOn painPoints { title } } }`);
    expect(apollo.data!.landingPage).toEqual({ matchedOn: "NICHE", painPoints: [{ title: "Niche pain" }, { title: "Everyone's pain" }] });
    expect(t.app.landing.stats.misses - misses).toBe(12);
    expect(t.database.queryCount() - before).toBe(0);
  });

  it("reports the catalog in /metrics", async () => {
    const text = (await t.http.get("/metrics")).text;
    expect(metric(text, "advocate_landing_catalog_in_use")).toBe(1);
    expect(metric(text, "advocate_landing_catalog_assets")).toBe(3);
    expect(metric(text, "advocate_landing_catalog_bytes")).toBeGreaterThan(1_000);
    expect(metric(text, "advocate_landing_catalog_stale")).toBe(0);
    expect(metric(text, "advocate_landing_catalog_loads_total")).toBeGreaterThanOrEqual(1);
  });
});

describe("past LANDING_CATALOG_MAX_ASSETS", () => {
  let t: TestApp;
  let second: App | undefined;
  const niche = unique("bounded").toLowerCase();
  const config = { ...QUIET, landingCatalog: { maxAssets: 3 } };
  beforeAll(async () => {
    t = await startTestApp(config);
  });
  afterAll(async () => {
    await second?.stop();
    await t?.close();
  });

  const page = async (app: App, limit: number) => {
    const res = await request(app.handler).get(`/landing?niche=${niche}&limit=${limit}`);
    expect(res.status).toBe(200);
    expect(res.headers["x-advocate-fallback"]).toBeUndefined();
    return titles(res.body.painPoints);
  };
  const statementsOf = async (work: () => Promise<unknown>) => {
    const before = t.database.queryCount();
    await work();
    return t.database.queryCount() - before;
  };

  it("steps aside by itself when the assets outgrow it, says so at start, and comes back when they shrink", async () => {
    const ids: string[] = [];
    for (const title of ["One", "Two"]) ids.push(await createAsset(t, { kind: "PAIN_POINT", title, niches: [niche] }));
    // The next request sees the write (by SQL while the catalog reloads); once reloaded, no statement.
    expect(await page(t.app, 4)).toEqual(["Two", "One"]);
    await t.app.landing.catalog!.settled();
    expect(t.app.landing.catalog!.mode).toBe("in-use");
    expect(await statementsOf(async () => expect(await page(t.app, 5)).toEqual(["Two", "One"]))).toBe(0);

    for (const title of ["Three", "Four"]) ids.push(await createAsset(t, { kind: "PAIN_POINT", title, niches: [niche] }));
    // The next request sees the write; from then on by SQL, 4 live assets being more than 3.
    expect(await page(t.app, 6)).toEqual(["Four", "Three", "Two", "One"]);
    await t.app.landing.catalog!.settled();
    expect(t.app.landing.catalog!.mode).toBe("sql");
    expect(await statementsOf(() => page(t.app, 7))).toBeGreaterThan(0);
    expect(metric((await t.http.get("/metrics")).text, "advocate_landing_catalog_in_use")).toBe(0);

    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
    try {
      second = await createApp(testConfig(config), { database: t.database });
    } finally {
      stderr.mockRestore();
    }
    const said = lines.map((l) => JSON.parse(l)).find((r) => r.message === "landing catalog off: misses use SQL");
    expect(said?.reason).toMatch(/^4 live assets, more than LANDING_CATALOG_MAX_ASSETS \(3\)$/);
    expect(await page(second, 8)).toEqual(["Four", "Three", "Two", "One"]);
    // Stopped: its own reloads on the changes below would count on the shared database handle.
    await second.stop();
    second = undefined;

    for (const id of ids.slice(0, 2)) expect((await t.admin(`mutation($id: ID!) { archiveContentAsset(id: $id) { id } }`, { id })).errors).toBeUndefined();
    expect(await page(t.app, 9)).toEqual(["Four", "Three"]);
    await t.app.landing.catalog!.settled();
    expect(t.app.landing.catalog!.mode).toBe("in-use");
    expect(await statementsOf(() => page(t.app, 10))).toBe(0);
  });
});
