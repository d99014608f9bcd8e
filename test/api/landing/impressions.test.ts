import { randomUUID } from "node:crypto";
import request from "supertest";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "../../../src/db/client.js";
import { contentImpressions } from "../../../src/db/schema/index.js";
import { LandingCache } from "../../../src/landing/landing.cache.js";
import { ImpressionBuffer } from "../../../src/landing/impressions.js";
import type { LandingPageData } from "../../../src/landing/landing.service.js";
import { createApp } from "../../../src/server/app.js";
import { startTestApp, testConfig, unique, type TestApp, daysAgo } from "../../helpers/app.js";
import { createAffiliate, createAsset } from "../../helpers/factories.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const utcToday = () => new Date().toISOString().slice(0, 10);

async function healthyCustomer(app: TestApp, niche: string): Promise<string> {
  const c = await app.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, {
    input: { externalId: unique("crm"), name: "Star Co", niche, mrrCents: 20_000, signedUpAt: daysAgo(400) },
  });
  const id = c.data!.upsertCustomer.id;
  await app.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id });
  await app.admin(`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 10, licensedSeats: 10}) { id } }`, { id });
  return id;
}

const asset = createAsset;
const affiliate = async (app: TestApp, code: string) => (await createAffiliate(app, { code, name: "Jane" })).id;

/** A niche with a case study of a healthy customer, a use case and a pain point. */
async function nicheWithContent(app: TestApp): Promise<{ niche: string; assetIds: string[] }> {
  const niche = unique("fintech").toLowerCase();
  const customerId = await healthyCustomer(app, niche);
  const assetIds = [
    await asset(app, { kind: "CASE_STUDY", title: "Star story", niches: [niche], customerId }),
    await asset(app, { kind: "USE_CASE", title: "Niche use case", niches: [niche] }),
    await asset(app, { kind: "PAIN_POINT", title: "Niche pain", niches: [niche] }),
  ];
  return { niche, assetIds };
}

const shownIds = (page: Pick<LandingPageData, "caseStudies" | "useCases" | "painPoints">) =>
  [...page.caseStudies, ...page.useCases, ...page.painPoints].map((item) => item.id).sort();

const countsByAsset = (rows: { assetId: string; impressions: number }[]) => Object.fromEntries(rows.map((r) => [r.assetId, r.impressions]));

describe("content impressions", () => {
  it("counts every asset shown, per affiliate, niche and UTC day, through GET /landing (with 304s) and GraphQL (with its fast path)", async () => {
    const { niche, assetIds } = await nicheWithContent(t);
    const code = unique("jane").toLowerCase();
    const affiliateId = await affiliate(t, code);
    const day = utcToday();

    const first = await t.http.get(`/landing?affiliate=${code}&niche=${niche}`);
    expect(first.status).toBe(200);
    const shown = shownIds(first.body);
    expect(shown).toEqual([...assetIds].sort());
    expect((await t.http.get(`/landing?affiliate=${code}&niche=${niche}`)).status).toBe(200);
    // A CDN revalidating is a view too: the visitor sees the page it already holds.
    expect((await t.http.get(`/landing?affiliate=${code}&niche=${niche}`).set("if-none-match", first.headers.etag!)).status).toBe(304);
    const query = `query($c: String, $n: String) { landingPage(affiliateCode: $c, niche: $n) { caseStudies { id } useCases { id } painPoints { id } } }`;
    const res = await t.gql(query, { c: code, n: niche });
    expect(res.errors).toBeUndefined();
    expect(shownIds(res.data!.landingPage)).toEqual(shown);
    // The same query again: answered from the GraphQL fast path's cached bytes, still counted.
    expect((await t.gql(query, { c: code, n: niche })).data).toEqual(res.data);

    await t.app.impressions.flush();

    const rows = await t.database.db.select().from(contentImpressions).where(eq(contentImpressions.affiliateId, affiliateId));
    expect(rows).toHaveLength(shown.length);
    for (const row of rows) expect(row).toMatchObject({ affiliateId, niche, impressions: 5 });
    expect([day, utcToday()]).toContain(rows[0]!.day);
    expect(Object.keys(countsByAsset(rows)).sort()).toEqual(shown);
  });

  it("adds later flushes to the same rows, also for pages without an affiliate (nulls are one key)", async () => {
    const { niche, assetIds } = await nicheWithContent(t);
    const rowsWithoutAffiliate = () =>
      t.database.db
        .select()
        .from(contentImpressions)
        .where(and(inArray(contentImpressions.assetId, assetIds), isNull(contentImpressions.affiliateId)));

    expect((await t.http.get(`/landing?niche=${niche}`)).status).toBe(200);
    await t.app.impressions.flush();
    expect(Object.values(countsByAsset(await rowsWithoutAffiliate()))).toEqual([1, 1, 1]);

    // An unknown affiliate code is a page without an affiliate.
    expect((await t.http.get(`/landing?affiliate=nobody-${Date.now()}&niche=${niche}`)).status).toBe(200);
    expect((await t.http.get(`/landing?niche=${niche}`)).status).toBe(200);
    await t.app.impressions.flush();
    const rows = await rowsWithoutAffiliate();
    expect(rows).toHaveLength(3);
    expect(Object.values(countsByAsset(rows))).toEqual([3, 3, 3]);
  });

  it("records the niche the page matched, not whatever the visitor typed", async () => {
    const code = unique("ann").toLowerCase();
    const affiliateId = await affiliate(t, code);
    // Made for this affiliate's audience, in no niche: it shows on this affiliate's pages only.
    const id = await asset(t, { kind: "PAIN_POINT", title: "Ann's pain", niches: [], affiliateCode: code });
    const res = await t.http.get(`/landing?affiliate=${code}&niche=${unique("no-such-niche")}`);
    expect(res.body).toMatchObject({ niche: null, matchedOn: "AFFILIATE" });
    await t.app.impressions.flush();
    const rows = await t.database.db.select().from(contentImpressions).where(eq(contentImpressions.assetId, id));
    expect(rows).toMatchObject([{ affiliateId, niche: null, impressions: 1 }]);
  });

  it("writes on its own timer in an app configured with a short interval", async () => {
    // The content first: this second app's landing catalog loads it at start (written through the
    // other app, it would otherwise reach this one by NOTIFY, a moment later).
    const { niche, assetIds } = await nicheWithContent(t);
    const app = await createApp(testConfig({ impressions: { flushIntervalMs: 20 } }), { database: t.database });
    try {
      expect((await request(app.handler).get(`/landing?niche=${niche}`)).status).toBe(200);
      const deadline = Date.now() + 5_000;
      let rows: { impressions: number }[] = [];
      while (Date.now() < deadline && rows.length < 3) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        rows = await t.database.db.select().from(contentImpressions).where(inArray(contentImpressions.assetId, assetIds));
      }
      expect(rows.map((r) => r.impressions)).toEqual([1, 1, 1]);
      expect(app.impressions.counters.flushed).toBe(3);
    } finally {
      await app.stop();
    }
  });

  it("keeps at most maxPending keys: new keys beyond are dropped and counted, known keys still count", async () => {
    const { niche } = await nicheWithContent(t);
    const page = (await t.http.get(`/landing?niche=${niche}`)).body as LandingPageData;
    await t.app.impressions.flush();
    const [a, b, c] = shownIds(page);
    const buffer = new ImpressionBuffer(t.database.db, testConfig({ impressions: { maxPending: 2, flushIntervalMs: 0 } }).impressions);
    buffer.record(page);
    buffer.record(page);
    expect(buffer.pendingKeys).toBe(2);
    expect(buffer.counters).toMatchObject({ recorded: 6, dropped: 2 });
    await buffer.flush();
    expect(buffer.counters).toMatchObject({ flushed: 4, dropped: 2, failedWrites: 0 });
    const rows = await t.database.db
      .select()
      .from(contentImpressions)
      .where(and(inArray(contentImpressions.assetId, [a!, b!, c!]), isNull(contentImpressions.affiliateId)));
    // The first two keys of the page, twice each, on top of the earlier GET's one.
    const written = countsByAsset(rows);
    expect(Object.values(written).filter((n) => n === 3)).toHaveLength(2);
    expect(Object.values(written).filter((n) => n === 1)).toHaveLength(1);
    // After a flush the buffer has room again.
    buffer.record(page);
    expect(buffer.pendingKeys).toBe(2);
    await buffer.stop();
  });
});

describe("impressions never hold up or break a page", () => {
  const page = (ids: string[], code: string | null = null, niche: string | null = null): LandingPageData => ({
    affiliate: code ? { code, name: "Jane" } : null,
    niche,
    matchedOn: "DEFAULT",
    caseStudies: [],
    useCases: [],
    painPoints: ids.map((id) => ({ id, kind: "PAIN_POINT", title: "t", body: "b", url: null, customerName: null })),
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("serves pages while a write hangs: record() is synchronous and the cache does not wait for it", async () => {
    const { niche } = await nicheWithContent(t);
    let writes = 0;
    const hung = {
      execute: () => {
        writes++;
        return new Promise<never>(() => {});
      },
    } as unknown as Database;
    const buffer = new ImpressionBuffer(hung, testConfig({ impressions: { flushIntervalMs: 0, stopTimeoutMs: 50 } }).impressions);
    const cache = new LandingCache(t.database.db, testConfig().landingCache, buffer);

    await cache.get({ affiliateCode: null, niche, limit: 3 });
    expect(buffer.pendingKeys).toBe(3);
    void buffer.flush();
    expect(writes).toBe(1);

    const started = Date.now();
    const { entry, source } = await cache.get({ affiliateCode: null, niche, limit: 3 });
    expect(source).toBe("cached");
    expect(shownIds(entry.page)).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(500);
    expect(buffer.counters.recorded).toBe(6);
    expect(buffer.pendingKeys).toBe(3);
    // Shutting down does not hang on the database either.
    await buffer.stop();
  });

  it("logs and drops a batch whose write fails, and pages keep answering", async () => {
    const other = await startTestApp();
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const { niche } = await nicheWithContent(other);
      await other.database.db.execute(sql`drop table content_impressions`);

      expect((await other.http.get(`/landing?niche=${niche}`)).status).toBe(200);
      await expect(other.app.impressions.flush()).resolves.toBeUndefined();
      expect(other.app.impressions.counters).toMatchObject({ recorded: 3, flushed: 0, dropped: 3, failedWrites: 1 });
      expect(other.app.impressions.pendingKeys).toBe(0);
      const logged = stderr.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("content impressions was dropped"));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0]!)).toMatchObject({ level: "warn", impressions: 3, keys: 3 });

      // Not retried: the next flush has only what came after.
      const res = await other.http.get(`/landing?niche=${niche}`);
      expect(res.status).toBe(200);
      expect(res.headers["x-advocate-fallback"]).toBeUndefined();
      await other.app.impressions.flush();
      expect(other.app.impressions.counters).toMatchObject({ recorded: 6, dropped: 6, failedWrites: 2 });
    } finally {
      stderr.mockRestore();
      await other.close();
    }
  });

  it("never throws out of record(), whatever the page", () => {
    const buffer = new ImpressionBuffer({} as Database, testConfig({ impressions: { flushIntervalMs: 0 } }).impressions);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(() => buffer.record({ affiliate: null } as unknown as LandingPageData)).not.toThrow();
    } finally {
      stderr.mockRestore();
    }
  });

  it("skips assets and affiliates that are gone by the flush instead of failing the batch", async () => {
    const { niche, assetIds } = await nicheWithContent(t);
    const code = unique("kim").toLowerCase();
    const affiliateId = await affiliate(t, code);
    const [x] = assetIds as [string];
    const buffer = new ImpressionBuffer(t.database.db, testConfig({ impressions: { flushIntervalMs: 0 } }).impressions);
    buffer.record(page([x, randomUUID()], code, niche));
    buffer.record(page([x], "deleted-affiliate", niche));
    await buffer.flush();
    expect(buffer.counters).toMatchObject({ recorded: 3, failedWrites: 0, dropped: 0 });
    const rows = await t.database.db.select().from(contentImpressions).where(eq(contentImpressions.assetId, x));
    expect(rows).toMatchObject([{ affiliateId, niche, impressions: 1 }]);
  });

  it("aggregates by asset, affiliate, niche and UTC day", async () => {
    const { niche, assetIds } = await nicheWithContent(t);
    const code = unique("joe").toLowerCase();
    const affiliateId = await affiliate(t, code);
    const [x, y] = assetIds as [string, string];
    const buffer = new ImpressionBuffer(t.database.db, testConfig({ impressions: { flushIntervalMs: 0 } }).impressions);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T23:59:59.900Z"));
    buffer.record(page([x, y], code, niche));
    buffer.record(page([x], code, niche));
    buffer.record(page([x], null, niche));
    buffer.record(page([x], code, null));
    vi.setSystemTime(new Date("2030-01-02T00:00:00.100Z"));
    buffer.record(page([x], code, niche));
    vi.useRealTimers();
    expect(buffer.pendingKeys).toBe(5);
    await buffer.flush();

    const rows = await t.database.db
      .select({ assetId: contentImpressions.assetId, affiliateId: contentImpressions.affiliateId, niche: contentImpressions.niche, day: contentImpressions.day, impressions: contentImpressions.impressions })
      .from(contentImpressions)
      .where(inArray(contentImpressions.assetId, [x, y]))
      .orderBy(contentImpressions.day, contentImpressions.assetId, contentImpressions.affiliateId, contentImpressions.niche);
    const key = (r: (typeof rows)[number]) => `${r.day} ${r.assetId === x ? "x" : "y"} ${r.affiliateId === affiliateId ? "joe" : "-"} ${r.niche === niche ? "niche" : "-"} ${r.impressions}`;
    expect(rows.map(key).sort()).toEqual(
      ["2030-01-01 x joe niche 2", "2030-01-01 y joe niche 1", "2030-01-01 x - niche 1", "2030-01-01 x joe - 1", "2030-01-02 x joe niche 1"].sort(),
    );
  });
});
