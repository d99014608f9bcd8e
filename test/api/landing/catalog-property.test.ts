import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { affiliates, contentAssets, customers, referrals } from "../../../src/db/schema/index.js";
import { computeLandingPage, type LandingInput } from "../../../src/landing/landing.service.js";
import { loadCatalogRows } from "../../../src/landing/catalog/catalog.repository.js";
import { CatalogSnapshot } from "../../../src/landing/catalog/snapshot.js";
import { Random } from "../../../src/seed/random.js";
import { openTestDatabase, type TestDatabase } from "../../helpers/db.js";

// The catalog decides a page as findLandingCandidates does in SQL: on random catalogs (seeded,
// so a failure is reproduced by its round number) and random inputs, the two answers are the same
// bytes. The generator aims at the edges: ties on every ranking key (scores, microseconds,
// popularity), nulls, titles that differ only in case (ASCII, which lower() folds, and not, which
// the database's locale may not fold as JavaScript would), referred customers whose case studies
// are about another niche, assets made for another affiliate, archived assets.

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const NICHES = ["fintech", "health", "retail", "edu"];
const TITLES = ["Onboarding", "onboarding", "ONBOARDING", "École", "école", "Über flow", "über flow", "Reports", "Audit trail", "Σ sums", "σ sums"];
const NAMES = ["Acme", "Globex", "Initech", null];
const SCORES = [null, 10, 42.5, 42.5, 80, 99.75];

async function writeCatalog(random: Random): Promise<{ codes: string[] }> {
  await db.db.execute(sql`delete from referrals`);
  await db.db.execute(sql`delete from content_assets`);
  await db.db.execute(sql`delete from affiliates`);
  await db.db.execute(sql`delete from customers`);
  const pick = <T>(list: readonly T[]) => list[random.int(0, list.length - 1)]!;
  const affiliateRows = Array.from({ length: random.int(1, 5) }, (_, i) => ({
    id: random.uuid(),
    code: `aff-${i}`,
    name: `Affiliate ${i}`,
    commissionType: "PERCENT" as const,
    commissionValue: 10,
  }));
  await db.db.insert(affiliates).values(affiliateRows);
  const customerRows = Array.from({ length: random.int(3, 16) }, (_, i) => ({ id: random.uuid(), externalId: `c-${i}`, name: `Customer ${i}` }));
  await db.db.insert(customers).values(customerRows);
  const referralRows = customerRows.filter(() => random.chance(0.5)).map((c) => ({ affiliateId: pick(affiliateRows).id, customerId: c.id }));
  if (referralRows.length > 0) await db.db.insert(referrals).values(referralRows);
  // A few instants a microsecond apart, so created_at ties and near-ties are common.
  const base = Date.parse("2026-06-01T12:00:00Z") * 1000;
  const assets = Array.from({ length: random.int(0, 160) }, () => {
    const micros = base + random.int(0, 3) * (random.chance(0.5) ? 1 : 1_000_000);
    const iso = new Date(Math.floor(micros / 1000)).toISOString().replace("Z", `${String(micros % 1000).padStart(3, "0")}Z`);
    return {
      id: random.uuid(),
      kind: pick(["CASE_STUDY", "USE_CASE", "PAIN_POINT"] as const),
      title: pick(TITLES),
      body: random.chance(0.5) ? "Body" : "Other body",
      url: random.chance(0.3) ? "https://example.com/story" : null,
      niches: NICHES.filter(() => random.chance(0.3)),
      customerId: random.chance(0.7) ? pick(customerRows).id : null,
      affiliateId: random.chance(0.3) ? pick(affiliateRows).id : null,
      archived: random.chance(0.1),
      subjectName: pick(NAMES),
      subjectNiche: random.chance(0.7) ? pick(NICHES) : null,
      subjectLive: random.chance(0.7),
      subjectSuccessful: random.chance(0.6),
      subjectAdvocacy: pick(SCORES),
      subjectHealth: pick(SCORES),
      createdAt: sql`${iso}::timestamptz` as unknown as Date,
    };
  });
  if (assets.length > 0) await db.db.insert(contentAssets).values(assets);
  return { codes: affiliateRows.map((a) => a.code) };
}

describe("the landing catalog against SQL", () => {
  it("decides the same page, to the byte, on random catalogs and inputs", async () => {
    let compared = 0;
    let nonEmpty = 0;
    for (let round = 0; round < 14; round++) {
      const random = new Random(`landing-catalog-${round}`);
      const { codes } = await writeCatalog(random);
      const catalog = new CatalogSnapshot(await loadCatalogRows(db.db));
      for (let i = 0; i < 30; i++) {
        const input: LandingInput = {
          affiliateCode: random.chance(0.7) ? (random.chance(0.9) ? codes[random.int(0, codes.length - 1)]! : "unknown-code") : null,
          niche: random.chance(0.75) ? (random.chance(0.9) ? NICHES[random.int(0, NICHES.length - 1)]! : "gardening") : null,
          limit: random.int(1, 10),
        };
        const expected = await computeLandingPage(db.db, input);
        const actual = catalog.decide(input);
        expect(JSON.stringify(actual), `round ${round}, input ${JSON.stringify(input)}`).toBe(JSON.stringify(expected));
        compared++;
        if (expected.caseStudies.length + expected.useCases.length + expected.painPoints.length > 0) nonEmpty++;
      }
    }
    expect(compared).toBe(14 * 30);
    // The generator must exercise pages with content, not just empty ones.
    expect(nonEmpty).toBeGreaterThan(compared / 2);
  }, 120_000);
});
