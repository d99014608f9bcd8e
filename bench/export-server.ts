/**
 * The app in a process of its own for bench/exports.bench.ts, sampling its own memory every
 * 10 ms so the parent can ask for the peak RSS and heap while an export streams.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase } from "../src/db/client.js";
import { createApp } from "../src/server/app.js";
import { testConfig } from "../test/helpers/config.js";
import { BENCH_ADMIN_KEY } from "./http.js";

export interface ExportServerStats {
  type: "stats";
  queries: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Highest since the last "reset". */
  peakRssBytes: number;
  peakHeapUsedBytes: number;
}

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const { rss, heapUsed } = process.memoryUsage();
  peakRss = Math.max(peakRss, rss);
  peakHeap = Math.max(peakHeap, heapUsed);
  return { rss, heapUsed };
};
setInterval(sample, 10).unref();

process.once("message", async ({ databaseUrl }: { databaseUrl: string }) => {
  const database = await openDatabase(parseDatabaseUrl(databaseUrl));
  const app = await createApp(testConfig({ adminApiKey: BENCH_ADMIN_KEY }), { database });
  const server = createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.on("message", async (message: { type: string }) => {
    if (message.type === "reset") {
      globalThis.gc?.();
      const now = sample();
      peakRss = now.rss;
      peakHeap = now.heapUsed;
      process.send!({ type: "reset" });
    }
    if (message.type === "stats") {
      const now = sample();
      process.send!({ type: "stats", queries: database.queryCount(), rssBytes: now.rss, heapUsedBytes: now.heapUsed, peakRssBytes: peakRss, peakHeapUsedBytes: peakHeap } satisfies ExportServerStats);
    }
    if (message.type === "stop") {
      server.closeAllConnections();
      server.close();
      await app.stop();
      await database.close();
      process.exit(0);
    }
  });
  process.send!({ type: "listening", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
