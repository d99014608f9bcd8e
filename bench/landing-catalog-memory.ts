/**
 * The landing catalog's load time and memory, in a process of its own (forked with --expose-gc by
 * bench/landing-catalog.bench.ts): heap and buffers after a full collection, before and after the
 * catalog loads, against the estimate /metrics reports (advocate_landing_catalog_bytes).
 * Message in: { databaseUrl }; out: { ok, result: CatalogMemoryResult }.
 */
import "reflect-metadata";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase } from "../src/db/client.js";
import { LandingCatalog } from "../src/landing/catalog/catalog.js";

export interface CatalogMemoryResult {
  assets: number;
  mode: string;
  loadMs: number;
  estimatedBytes: number;
  measuredBytes: number;
  rssBytes: number;
}

const used = () => {
  globalThis.gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

process.once("message", ({ databaseUrl }: { databaseUrl: string }) => {
  void (async () => {
    const database = await openDatabase(parseDatabaseUrl(databaseUrl));
    try {
      const catalog = new LandingCatalog(database.db, { maxAssets: 10_000_000, maxBytes: 2 ** 40, reloadMs: 0 }, 60_000);
      const before = used();
      await catalog.start();
      const measuredBytes = used() - before;
      const result: CatalogMemoryResult = {
        assets: catalog.size.assets,
        mode: catalog.mode,
        loadMs: catalog.stats.lastLoadMs,
        estimatedBytes: catalog.size.bytes,
        measuredBytes,
        rssBytes: process.memoryUsage().rss,
      };
      catalog.stop();
      process.send!({ ok: true, result });
    } catch (error) {
      process.send!({ ok: false, error: String(error) });
    } finally {
      await database.close();
    }
  })();
});
