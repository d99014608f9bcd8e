import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "../../../src/db/client.js";
import { serviceContextWithoutServer } from "../../../src/db/change-bridge.js";
import { loadCatalogRows } from "../../../src/landing/catalog/catalog.repository.js";
import { CatalogSnapshot } from "../../../src/landing/catalog/snapshot.js";
import { normalizeLandingInput } from "../../../src/landing/landing.service.js";
import { importCustomersCsv } from "../../../src/ingestion/import.service.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { drainScoreQueue } from "../../../src/intelligence/score-queue.js";
import { recomputeAllScores } from "../../../src/intelligence/scores.service.js";
import { createApp, type App } from "../../../src/server/app.js";
import { daysAgo, startTestApp, testConfig, unique, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, createAsset, createCustomer } from "../../helpers/factories.js";

// Two instances on one database, each with its landing catalog. Every kind of write that changes
// landing pages today (assets created, updated, archived; affiliates; referrals; customer writes;
// queued rescoring from the event webhook; a full recompute; a bulk import from the CLI) shows on
// the writing instance's very next request and on the other's within a second (LISTEN/NOTIFY),
// and once their catalogs have reloaded, a miss costs no SQL statement on either and each decides
// as a catalog loaded afresh would; writes that name their assets or customers patch the catalog. PostgreSQL: two connections pools;
// PGlite: two apps on the one embedded database (its NOTIFY reaches both in process).

const SECRET = "catalog-webhook-secret";
const QUIET = { impressions: { flushIntervalMs: 0 }, webhook: { secrets: [SECRET] } };

let first: TestApp;
let secondDb: DatabaseHandle;
let second: App;
let dir: string;
beforeAll(async () => {
  first = await startTestApp(QUIET);
  secondDb = first.database.url ? await openDatabase({ kind: "postgres", url: first.database.url, poolMax: 2 }) : first.database;
  second = await createApp(testConfig(QUIET), { database: secondDb });
  dir = mkdtempSync(join(tmpdir(), "advocate-catalog-"));
});
afterAll(async () => {
  await second?.stop();
  if (secondDb !== first?.database) await secondDb?.close();
  await first?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page = { affiliate: { code: string } | null; caseStudies: Item[]; useCases: Item[]; painPoints: Item[] };
type Item = { title: string; customerName: string | null };

let limit = 0;
const get = async (app: App, query: string, l: number): Promise<Page> => {
  const res = await request(app.handler).get(`/landing?${query}&limit=${l}`);
  expect(res.status).toBe(200);
  expect(res.headers["x-advocate-fallback"]).toBeUndefined();
  return res.body;
};

/**
 * After a write: the writer's next request shows it (unless the write came from outside both,
 * then within a second, as on the other instance), and a miss on each costs no statement.
 */
async function shows(query: string, seen: (page: Page) => boolean, { writer = first.app as App | undefined } = {}): Promise<void> {
  if (writer) expect(seen(await get(writer, query, 10)), `the writer's next request for ${query}`).toBe(true);
  for (const app of [first.app, second]) {
    const deadline = Date.now() + 1_000;
    let ok = false;
    while (!ok && Date.now() < deadline) {
      ok = seen(await get(app, query, 10));
      if (!ok) await new Promise((r) => setTimeout(r, 20));
    }
    expect(ok, `${app === second ? "the other instance" : "the writer"} within a second, for ${query}`).toBe(true);
  }
  limit = (limit % 9) + 1;
  for (const app of [first.app, second]) expect(await app.landing.catalog!.settled()).toBe(true);
  const database = [first.database, secondDb];
  const before = database.map((d) => d.queryCount());
  const pages = [await get(first.app, query, limit), await get(second, query, limit)];
  expect(database.map((d, i) => d.queryCount() - before[i]!)).toEqual([0, 0]);
  expect(pages[0]).toEqual(pages[1]);
  // Whether reloaded whole or patched with the changed assets, each catalog decides as one loaded afresh.
  const fresh = new CatalogSnapshot(await loadCatalogRows(first.database.db));
  const params = new URLSearchParams(query);
  for (const l of [1, 3, 10]) {
    for (const input of [
      normalizeLandingInput({ affiliateCode: params.get("affiliate"), niche: params.get("niche"), limit: l }),
      normalizeLandingInput({ affiliateCode: params.get("affiliate"), niche: `${params.get("niche")}-other`, limit: l }),
      normalizeLandingInput({ limit: l }),
    ]) {
      for (const app of [first.app, second]) expect(app.landing.catalog!.current()!.decide(input)).toEqual(fresh.decide(input));
    }
  }
}

const catalogStats = () => [first.app, second].map((app) => ({ ...app.landing.catalog!.stats }));

const titles = (items: Item[]) => items.map((i) => i.title);

async function greenCustomer(name: string, niche: string): Promise<{ id: string; externalId: string }> {
  const c = await createCustomer(first, { name, niche, mrrCents: 20_000, signedUpAt: daysAgo(400) });
  await first.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id: c.id });
  await first.admin(`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 10, licensedSeats: 10}) { id } }`, { id: c.id });
  return c;
}

describe("the landing catalog on two instances", () => {
  it("follows every kind of write that changes landing pages, on both instances", async () => {
    const niche = unique("inst").toLowerCase();
    const q = `niche=${niche}`;
    await Promise.all([first.app, second].map((app) => app.landing.catalog!.settled()));
    const before = catalogStats();

    // Assets: created, updated, archived.
    const pain = await createAsset(first, { kind: "PAIN_POINT", title: "Fresh pain", niches: [niche] });
    await shows(q, (p) => titles(p.painPoints).includes("Fresh pain"));
    expect((await first.admin(`mutation($id: ID!) { updateContentAsset(id: $id, input: {title: "Renamed pain"}) { id } }`, { id: pain })).errors).toBeUndefined();
    await shows(q, (p) => titles(p.painPoints).includes("Renamed pain") && !titles(p.painPoints).includes("Fresh pain"));
    expect((await first.admin(`mutation($id: ID!) { archiveContentAsset(id: $id) { id } }`, { id: pain })).errors).toBeUndefined();
    await shows(q, (p) => p.painPoints.length === 0);

    // An affiliate: its code is known at once (the affiliate lookup is in the catalog too).
    const code = unique("inst-aff").toLowerCase();
    const aq = `affiliate=${code}`;
    for (const app of [first.app, second]) expect((await get(app, aq, 3)).affiliate).toBeNull();
    await createAffiliate(first, { code });
    await shows(aq, (p) => p.affiliate?.code === code);

    // A referral: the affiliate's page shows the case study of the customer it referred.
    const star = await greenCustomer("Star Co", `${niche}-other`);
    await createAsset(first, { kind: "CASE_STUDY", title: "Star story", niches: [], customerId: star.id });
    await shows(q, (p) => titles(p.caseStudies).includes("Star story"));
    expect(titles((await get(second, aq, 3)).caseStudies)).toEqual(["Star story"]);
    const hidden = await greenCustomer("Hidden Co", `${niche}-other`);
    await createAsset(first, { kind: "CASE_STUDY", title: "Referred story", niches: [`${niche}-elsewhere`], customerId: hidden.id });
    await shows(aq, (p) => !titles(p.caseStudies).includes("Referred story"));
    await attribute(first, code, hidden.id);
    await shows(aq, (p) => titles(p.caseStudies)[0] === "Referred story");

    // A customer write: the name the page shows.
    await createCustomer(first, { externalId: star.externalId, name: "Star Renamed", niche: `${niche}-other`, mrrCents: 20_000, signedUpAt: daysAgo(400) });
    await shows(q, (p) => p.caseStudies.some((c) => c.customerName === "Star Renamed"));

    // Queued rescoring (the event webhook): a detractor with no usage and many tickets falls to RED.
    const at = new Date().toISOString();
    const events = [
      { id: `${star.externalId}-n`, type: "nps", customerExternalId: star.externalId, at, score: 0 },
      { id: `${star.externalId}-u`, type: "usage", customerExternalId: star.externalId, at, activeUsers: 0, licensedSeats: 10 },
      ...Array.from({ length: 10 }, (_, i) => ({ id: `${star.externalId}-t${i}`, type: "ticket", customerExternalId: star.externalId, at })),
    ];
    const body = JSON.stringify({ events });
    const posted = await first.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
    expect(posted.status).toBe(200);
    await drainScoreQueue(first.app.serviceContext);
    await shows(q, (p) => !titles(p.caseStudies).includes("Star story"));

    // Every write so far named its assets or customers: each catalog patched its snapshot with
    // those reloaded, never loading the whole catalog again (misses never went to SQL meanwhile).
    catalogStats().forEach((stats, i) => {
      expect(stats.loads).toBe(before[i]!.loads);
      expect(stats.patches).toBeGreaterThanOrEqual(before[i]!.patches + 5);
    });

    // A bulk import from the CLI (no server of its own: its change reaches both by NOTIFY).
    const file = join(dir, "customers.csv");
    writeFileSync(file, `external_id,name,niche,mrr_cents,signed_up_at\n${hidden.externalId},Hidden Imported,${niche}-other,20000,${daysAgo(400)}\n`);
    const cli = serviceContextWithoutServer(first.database.db, first.app.serviceContext.scoring);
    const summary = await importCustomersCsv(cli, file);
    expect(summary.updated).toBe(1);
    await cli.settled();
    await shows(aq, (p) => p.caseStudies.some((c) => c.customerName === "Hidden Imported"), { writer: undefined });

    // A full recompute (the schedule, churn training): with a stricter definition of GREEN, every customer is RED.
    const scoring = first.app.serviceContext.scoring;
    await recomputeAllScores({ ...first.app.serviceContext, scoring: { ...scoring, bands: { yellow: 101, green: 102 } } });
    await shows(aq, (p) => p.caseStudies.length === 0);
  }, 120_000);
});
