/**
 * Memory of the landing-page cache after a million distinct keys, for bench/landing.bench.ts.
 * Run in a process of its own (`node --expose-gc --import tsx`, started with fork) so that
 * its heap holds nothing else.
 *
 * It drives the real LandingCache (key, single-flight fetch, computeLandingPage, toEntry, the
 * LRU with its entry and byte bounds) with distinct inputs. A million trips to PostgreSQL would
 * take far longer than the rest of the benchmark, so the cache's database is drizzle's own
 * pg-proxy driver answering in-process: the affiliate lookup finds nothing, and the candidate
 * query returns the items of a real answer from the benchmark's dataset, parsed afresh for each
 * key, as a database driver would (no string is shared between two entries).
 *
 * The memory the cache holds is measured as the difference, after garbage collection, between
 * the process with the cache full and the same process once the cache is cleared: V8 heap plus
 * the ArrayBuffers behind the entries' Buffers.
 */
import { drizzle } from "drizzle-orm/pg-proxy";
import { memoryUsage } from "node:process";
import type { Database } from "../src/db/client.js";
import * as schema from "../src/db/schema/index.js";
import { LandingCache } from "../src/landing/landing.cache.js";
import { defaultConfig, type LandingCacheOptions } from "../src/config/config.js";
import type { LandingPageData } from "../src/landing/landing.service.js";

export interface MemorySpec {
  keys: number;
  /** The answer whose items every key gets; null: no content at all (the smallest entries). */
  page: LandingPageData | null;
  cache: Partial<LandingCacheOptions>;
}

export interface MemoryResult {
  keys: number;
  seconds: number;
  options: LandingCacheOptions;
  /** One entry's JSON body, in bytes. */
  bodyBytes: number;
  entries: number;
  /** The cache's own account of its size (its sizeCalculation), against options.maxBytes. */
  calculatedBytes: number;
  /** Heap plus ArrayBuffers, cache full minus cache cleared, after GC. */
  measuredBytes: number;
  rss: { before: number; peak: number; full: number; cleared: number };
  heapUsed: { before: number; full: number; cleared: number };
  arrayBuffers: { before: number; full: number; cleared: number };
  otherStatements: number;
}

function settle() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  gc();
  gc();
  return memoryUsage();
}

/** Candidate rows in the shape findLandingCandidates reads, from a page's items. */
function candidateRows(page: LandingPageData | null) {
  if (!page) return [];
  return [...page.caseStudies, ...page.useCases, ...page.painPoints].map((item) => ({
    id: item.id,
    kind: item.kind,
    title: item.title,
    body: item.body,
    url: item.url,
    customer_name: item.customerName,
    level: 1,
  }));
}

export async function measureCacheMemory(spec: MemorySpec): Promise<MemoryResult> {
  const rowsJson = JSON.stringify(candidateRows(spec.page));
  let otherStatements = 0;
  const db = drizzle(
    async (query) => {
      if (query.includes("with referred")) return { rows: JSON.parse(rowsJson) };
      if (!/from "affiliates"/.test(query)) otherStatements++;
      return { rows: [] };
    },
    { schema },
  ) as unknown as Database;
  const options: LandingCacheOptions = { ...defaultConfig().landingCache, ...spec.cache };
  const cache = new LandingCache(db, options);

  const before = settle();
  let peakRss = before.rss;
  let bodyBytes = 0;
  const started = performance.now();
  for (let i = 0; i < spec.keys; i++) {
    const { entry } = await cache.get({ affiliateCode: `aff-${i % 1000}`, niche: `niche ${Math.floor(i / 1000)}`, limit: 3 });
    bodyBytes = entry.body.length;
    if (i % 50_000 === 0) peakRss = Math.max(peakRss, memoryUsage.rss());
  }
  const seconds = (performance.now() - started) / 1000;
  const full = settle();
  peakRss = Math.max(peakRss, full.rss);
  const { entries, bytes } = cache.size;
  cache.invalidateAll();
  const cleared = settle();
  return {
    keys: spec.keys,
    seconds,
    options,
    bodyBytes,
    entries,
    calculatedBytes: bytes,
    measuredBytes: full.heapUsed + full.arrayBuffers - (cleared.heapUsed + cleared.arrayBuffers),
    rss: { before: before.rss, peak: peakRss, full: full.rss, cleared: cleared.rss },
    heapUsed: { before: before.heapUsed, full: full.heapUsed, cleared: cleared.heapUsed },
    arrayBuffers: { before: before.arrayBuffers, full: full.arrayBuffers, cleared: cleared.arrayBuffers },
    otherStatements,
  };
}

if (process.send) {
  process.once("message", (spec: MemorySpec) => {
    measureCacheMemory(spec).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (error: unknown) => process.send!({ ok: false, error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
