import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeNiche } from "../../../src/common/normalize.js";
import { openDatabase, queryRows, type DatabaseHandle } from "../../../src/db/client.js";
import { SEED_TABLE_NAMES, type Dataset } from "../../../src/seed/dataset.js";
import { DEMO_CUSTOMERS, loadDemoData } from "../../../src/seed/demo.js";
import { generateDataset } from "../../../src/seed/generator.js";
import { countSeedRows, DatabaseNotEmptyError, loadDataset } from "../../../src/seed/load.js";

const NOW = new Date("2026-06-01T12:00:00Z");

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

async function openMemoryDatabase(): Promise<DatabaseHandle> {
  const handle = await openDatabase({ kind: "pglite", dataDir: undefined });
  await handle.migrate();
  return handle;
}

describe("generateDataset", () => {
  it("gives the same rows, ids included, for the same seed, whatever the batch size", () => {
    const first = generateDataset({ customers: 300, seed: "same", now: NOW });
    const again = generateDataset({ customers: 300, seed: "same", now: NOW, customersPerBatch: 37 });
    expect(again).toEqual(first);
  });

  it("gives different rows for a different seed", () => {
    const a = generateDataset({ customers: 50, seed: 1, now: NOW });
    const b = generateDataset({ customers: 50, seed: 2, now: NOW });
    expect(b.customers.map((c) => c.id)).not.toEqual(a.customers.map((c) => c.id));
    expect(b.customers.map((c) => c.signedUpAt)).not.toEqual(a.customers.map((c) => c.signedUpAt));
  });

  it("refuses a customer count that is not a non-negative integer", () => {
    expect(() => generateDataset({ customers: -1, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateDataset({ customers: 1.5, seed: 1, now: NOW })).toThrow(RangeError);
  });

  describe("invariants", () => {
    let data: Dataset;
    beforeAll(() => {
      data = generateDataset({ customers: 2_000, seed: "invariants", now: NOW });
    });

    it("has unique ids in every table", () => {
      for (const name of SEED_TABLE_NAMES) {
        const ids = data[name].map((row) => row.id);
        expect(new Set(ids).size, name).toBe(ids.length);
      }
    });

    it("dates nothing after now", () => {
      const now = NOW.getTime();
      expect(data.customers.every((c) => c.signedUpAt.getTime() <= now && (c.churnedAt?.getTime() ?? 0) <= now)).toBe(true);
      for (const rows of [data.usageSnapshots, data.npsResponses, data.csatResponses, data.planChanges, data.referralVisits]) {
        expect(rows.every((row) => row.at.getTime() <= now)).toBe(true);
      }
      expect(data.supportTickets.every((t) => t.openedAt.getTime() <= now)).toBe(true);
    });

    it("churns 15-25% of customers, each with a churn date after signup and a reason", () => {
      const churned = data.customers.filter((c) => c.status === "CHURNED");
      expect(churned.length / data.customers.length).toBeGreaterThan(0.15);
      expect(churned.length / data.customers.length).toBeLessThan(0.25);
      for (const c of churned) {
        expect(c.churnedAt!.getTime()).toBeGreaterThanOrEqual(c.signedUpAt.getTime());
        expect(c.churnReason).toBeTruthy();
      }
      expect(data.customers.filter((c) => c.status !== "CHURNED").every((c) => c.churnedAt === null && c.churnReason === null)).toBe(true);
      expect(data.customers.some((c) => c.status === "TRIAL")).toBe(true);
    });

    it("keeps every customer's history within its life", () => {
      const customers = new Map(data.customers.map((c) => [c.id, c]));
      const inLife = (customerId: string, at: Date) => {
        const c = customers.get(customerId)!;
        return at >= c.signedUpAt && (c.churnedAt === null || at <= c.churnedAt);
      };
      expect(data.usageSnapshots.every((u) => inLife(u.customerId, u.at))).toBe(true);
      expect(data.npsResponses.every((r) => inLife(r.customerId, r.at))).toBe(true);
      expect(data.csatResponses.every((r) => inLife(r.customerId, r.at))).toBe(true);
      expect(data.supportTickets.every((t) => inLife(t.customerId, t.openedAt))).toBe(true);
      expect(data.planChanges.every((p) => inLife(p.customerId, p.at))).toBe(true);
    });

    it("has billing histories that agree with the customers' plan and MRR", () => {
      const changesByCustomer = groupBy(data.planChanges, (p) => p.customerId);
      for (const c of data.customers) {
        const changes = (changesByCustomer.get(c.id) ?? []).sort((a, b) => a.at.getTime() - b.at.getTime());
        if (c.status === "TRIAL") {
          expect(changes).toEqual([]);
          expect(c.mrrCents).toBe(0);
          continue;
        }
        expect(changes[0]!.at).toEqual(c.signedUpAt);
        expect(changes[0]!.previousMrrCents).toBeNull();
        for (let i = 1; i < changes.length; i++) {
          expect(changes[i]!.previousMrrCents).toBe(changes[i - 1]!.mrrCents);
          expect(changes[i]!.mrrCents).not.toBe(changes[i - 1]!.mrrCents);
        }
        expect(changes.at(-1)!.mrrCents).toBe(c.mrrCents);
        expect(changes.at(-1)!.plan).toBe(c.plan);
      }
      const upsells = data.planChanges.filter((p) => (p.previousMrrCents ?? 0) > 0 && p.mrrCents > p.previousMrrCents!);
      expect(upsells.length).toBeGreaterThan(0);
    });

    it("refers each customer at most once, never by the affiliate it is, and only affiliate-channel customers", () => {
      const referredIds = data.referrals.map((r) => r.customerId);
      expect(new Set(referredIds).size).toBe(referredIds.length);
      const affiliateOfCustomer = new Map(data.affiliates.filter((a) => a.customerId).map((a) => [a.customerId!, a.id]));
      expect(data.referrals.every((r) => affiliateOfCustomer.get(r.customerId) !== r.affiliateId)).toBe(true);
      const referred = new Set(referredIds);
      expect(data.customers.every((c) => (c.acquisitionChannel === "affiliate") === referred.has(c.id))).toBe(true);
      const share = referred.size / data.customers.length;
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThan(0.2);
    });

    it("has valid, unique affiliate codes and some affiliates that are customers", () => {
      expect(data.affiliates.length).toBe(20);
      expect(data.affiliates.every((a) => /^[a-z0-9_-]{2,64}$/.test(a.code))).toBe(true);
      expect(new Set(data.affiliates.map((a) => a.code)).size).toBe(data.affiliates.length);
      const linked = data.affiliates.filter((a) => a.customerId !== null);
      expect(linked.length).toBeGreaterThan(0);
      expect(new Set(linked.map((a) => a.customerId)).size).toBe(linked.length);
      expect(data.affiliates.every((a) => (a.commissionType === "PERCENT" ? a.commissionValue > 0 && a.commissionValue <= 100 : Number.isInteger(a.commissionValue)))).toBe(true);
    });

    it("has one visit per affiliate, visitor and day, on the day of its timestamp", () => {
      const keys = data.referralVisits.map((v) => `${v.affiliateId}|${v.visitorId}|${v.visitedOn}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(data.referralVisits.every((v) => v.at.toISOString().slice(0, 10) === v.visitedOn)).toBe(true);
      expect(data.referralVisits.length).toBeGreaterThan(data.referrals.length * 3);
    });

    it("stores niches normalized and case studies with their customer", () => {
      expect(data.customers.every((c) => c.niche === normalizeNiche(c.niche!))).toBe(true);
      expect(new Set(data.customers.map((c) => c.niche)).size).toBe(10);
      expect(data.contentAssets.every((a) => a.niches.every((n) => n === normalizeNiche(n)))).toBe(true);
      const caseStudies = data.contentAssets.filter((a) => a.kind === "CASE_STUDY");
      expect(caseStudies.length).toBeGreaterThan(10);
      expect(caseStudies.every((a) => a.customerId !== null)).toBe(true);
      expect(data.contentAssets.some((a) => a.niches.length === 0)).toBe(true);
      expect(data.contentAssets.some((a) => a.archived)).toBe(true);
      expect(data.contentAssets.some((a) => a.affiliateId !== null)).toBe(true);
    });

    it("keeps scores, seats and stakeholders within their rules", () => {
      expect(data.npsResponses.every((r) => r.score >= 0 && r.score <= 10)).toBe(true);
      expect(data.csatResponses.every((r) => r.score >= 1 && r.score <= 5)).toBe(true);
      expect(data.usageSnapshots.every((u) => u.licensedSeats > 0 && u.activeUsers >= 0 && u.activeUsers <= u.licensedSeats)).toBe(true);
      for (const [, people] of groupBy(data.stakeholders, (s) => s.customerId)) {
        expect(people.length).toBeGreaterThanOrEqual(1);
        expect(people.length).toBeLessThanOrEqual(4);
        expect(new Set(people.map((p) => p.email)).size).toBe(people.length);
        expect(people.every((p) => p.email === p.email.toLowerCase())).toBe(true);
      }
      expect(data.stakeholders.some((s) => s.role === "CHAMPION")).toBe(true);
    });

    it("carries signal: promoters churn less and use more seats than detractors", () => {
      const latestNps = new Map<string, number>();
      for (const r of [...data.npsResponses].sort((a, b) => a.at.getTime() - b.at.getTime())) latestNps.set(r.customerId, r.score);
      const churnRate = (pick: (score: number) => boolean) => {
        const group = data.customers.filter((c) => latestNps.has(c.id) && pick(latestNps.get(c.id)!));
        return group.filter((c) => c.status === "CHURNED").length / group.length;
      };
      expect(churnRate((s) => s >= 9)).toBeLessThan(churnRate((s) => s <= 6) / 2);
      const usage = (pick: (score: number) => boolean) => {
        const rows = data.usageSnapshots.filter((u) => latestNps.has(u.customerId) && pick(latestNps.get(u.customerId)!));
        return rows.reduce((sum, u) => sum + u.activeUsers / u.licensedSeats, 0) / rows.length;
      };
      expect(usage((s) => s >= 9)).toBeGreaterThan(usage((s) => s <= 6) + 0.1);
    });
  });
});

describe("loadDataset on PGlite", () => {
  let handle: DatabaseHandle;
  const options = { customers: 300, seed: "load", now: NOW };
  beforeAll(async () => {
    handle = await openMemoryDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("inserts every generated row, unchanged", async () => {
    const expected = generateDataset(options);
    const counts = await loadDataset(handle.db, options);
    for (const name of SEED_TABLE_NAMES) expect(counts[name], name).toBe(expected[name].length);
    expect(await countSeedRows(handle.db)).toEqual(counts);

    const asset = expected.contentAssets.find((a) => a.niches.length > 0)!;
    const [storedAsset] = await queryRows<{ niches: string[] }>(handle.db, sql`select niches from content_assets where id = ${asset.id}`);
    expect(storedAsset!.niches).toEqual(asset.niches);
    const visit = expected.referralVisits[0]!;
    const [storedVisit] = await queryRows<{ visited_on: string; at: Date | string }>(
      handle.db,
      sql`select visited_on::text, at from referral_visits where id = ${visit.id}`,
    );
    expect(storedVisit!.visited_on).toBe(visit.visitedOn);
    expect(new Date(storedVisit!.at).getTime()).toBe(visit.at.getTime());
    const [storedSegment] = await queryRows<{ rules: unknown }>(handle.db, sql`select rules from segments where id = ${expected.segments[0]!.id}`);
    expect(storedSegment!.rules).toEqual(expected.segments[0]!.rules);
  });

  it("keeps the schema's keys and indexes", async () => {
    const [row] = await queryRows<{ constraints: number; indexes: number }>(
      handle.db,
      sql`select (select count(*)::int from pg_constraint where connamespace = 'public'::regnamespace and contype in ('p', 'f')) as constraints,
                 (select count(*)::int from pg_indexes where schemaname = 'public') as indexes`,
    );
    const fresh = await openMemoryDatabase();
    try {
      const [expected] = await queryRows<{ constraints: number; indexes: number }>(
        fresh.db,
        sql`select (select count(*)::int from pg_constraint where connamespace = 'public'::regnamespace and contype in ('p', 'f')) as constraints,
                   (select count(*)::int from pg_indexes where schemaname = 'public') as indexes`,
      );
      expect(row).toEqual(expected);
    } finally {
      await fresh.close();
    }
  });

  it("refuses to load into a database with data, and changes nothing", async () => {
    const before = await countSeedRows(handle.db);
    await expect(loadDataset(handle.db, { ...options, seed: "other" })).rejects.toThrow(DatabaseNotEmptyError);
    expect(await countSeedRows(handle.db)).toEqual(before);
    expect(await loadDemoData(handle.db, NOW)).toEqual({ customers: 0 });
  });

  it("replaces everything with reset", async () => {
    const counts = await loadDataset(handle.db, { ...options, customers: 120, seed: "other", reset: true });
    expect(counts.customers).toBe(120);
    expect(await countSeedRows(handle.db)).toEqual(counts);
  });
});

describe("loadDemoData", () => {
  it("loads the demo set into an empty in-memory database", async () => {
    const handle = await openMemoryDatabase();
    try {
      // Its speed is a benchmark's (bench/seed.bench.ts, BENCHMARKS.md), not a timed test's.
      const result = await loadDemoData(handle.db, NOW);
      expect(result).toEqual({ customers: DEMO_CUSTOMERS });
      const [row] = await queryRows<{ count: number }>(handle.db, sql`select count(*)::int as count from customers`);
      expect(row!.count).toBe(DEMO_CUSTOMERS);
    } finally {
      await handle.close();
    }
  });
});
