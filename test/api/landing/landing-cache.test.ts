import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LandingCache } from "../../../src/landing/landing.cache.js";
import { startTestApp, testConfig, unique, type TestApp } from "../../helpers/app.js";

// A write's landing change can arrive while a page is being computed: in one process, or from
// another instance over LISTEN/NOTIFY. The computation may predate the write, so it is dropped,
// and the page is computed again; the reader never gets the built-in default for it.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the landing cache under invalidation", () => {
  it("computes a page again when an invalidation interrupts its computation, instead of serving the built-in default", async () => {
    const niche = unique("inflight").toLowerCase();
    const created = await t.admin(`mutation($n: String!) { createContentAsset(input: {kind: PAIN_POINT, title: "In flight", body: "B", niches: [$n]}) { id } }`, { n: niche });
    expect(created.errors).toBeUndefined();
    const cache = new LandingCache(t.database.db, testConfig().landingCache);
    const pending = cache.get({ affiliateCode: null, niche, limit: 3 });
    // The page is being computed (the database has not answered yet) when a change arrives.
    cache.invalidateAll();
    const { entry, source } = await pending;
    expect(source).toBe("fresh");
    expect(entry.page.painPoints.map((p) => p.title)).toEqual(["In flight"]);
    expect(cache.stats.fallbacks).toBe(0);
  });
});
