/**
 * CSV export benchmark: loads N customers (default 100,000, seed `bench`) with their histories
 * into the PostgreSQL of DATABASE_URL (emptying it), scores them, then streams
 * GET /exports/customers.csv from the app in its own process while that process samples its
 * memory: rows/s, total time, and peak RSS and heap growth over the idle server, for the whole
 * export and for a smaller filtered one (bounded memory: the growth does not follow the rows).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/exports.bench.ts [--customers N] [--skip-load] [--server-heap-mb M]
 */
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { request } from "node:http";
import { DEFAULT_SCORING } from "../src/config/config.js";
import { parseDatabaseUrl } from "../src/config/env.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { openDatabase } from "../src/db/client.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { loadDataset } from "../src/seed/load.js";
import { BENCH_ADMIN_KEY } from "./http.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";
import { killChildren, nextMessage, spawnChild } from "./server-process.js";
import type { ExportServerStats } from "./export-server.js";

const MB = 2 ** 20;

/** Streams one export as fast as the client can read; counts CSV records (CRLF ends each). */
function download(url: string): Promise<{ bytes: number; records: number; seconds: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } }, (res) => {
      let bytes = 0;
      let records = 0;
      let last = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) if ((i === 0 ? last : chunk[i - 1]) === 13) records++;
        last = chunk[chunk.length - 1] ?? last;
      });
      res.on("end", () => resolve({ bytes, records: records - 1, seconds: (performance.now() - started) / 1000, status: res.statusCode ?? 0 }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function main() {
  const { values } = parseArgs({ options: { customers: { type: "string", default: "100000" }, "skip-load": { type: "boolean", default: false }, "server-heap-mb": { type: "string" } } });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const customers = Number(values.customers);
  if (!values["skip-load"]) {
    const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
    await handle.migrate();
    const loading = performance.now();
    await loadDataset(handle.db, { customers, seed: BENCH_SEED, now: BENCH_NOW, reset: true });
    await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
    console.log(`loaded and scored ${customers.toLocaleString("en-US")} customers in ${((performance.now() - loading) / 1000).toFixed(1)} s`);
    await handle.close();
  }

  // --server-heap-mb caps the server's old generation: an export that kept its rows would fail.
  const heapCap = values["server-heap-mb"] ? [`--max-old-space-size=${values["server-heap-mb"]}`] : [];
  const child = spawnChild("./export-server.ts", ["--expose-gc", ...heapCap, "--import", "tsx"]);
  if (heapCap.length > 0) console.log(`server: ${heapCap[0]}`);
  try {
    const listening = nextMessage<{ url: string }>(child, (m) => m.type === "listening");
    child.send({ databaseUrl });
    const { url } = await listening;
    const stats = () => {
      const answer = nextMessage<ExportServerStats>(child, (m) => m.type === "stats");
      child.send({ type: "stats" });
      return answer;
    };
    const reset = () => {
      const answer = nextMessage(child, (m) => m.type === "reset");
      child.send({ type: "reset" });
      return answer;
    };
    // Warm-up: code paths compiled, connections open, before anything is measured.
    await download(`${url}/exports/customers.csv?minHealthScore=99.9`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
    for (const [label, path] of [["all customers", "/exports/customers.csv"], ["GREEN band only", "/exports/customers.csv?healthBand=GREEN"], ["all customers, again", "/exports/customers.csv"]] as const) {
      await reset();
      const before = await stats();
      const result = await download(`${url}${path}`);
      const after = await stats();
      if (result.status !== 200) throw new Error(`${path} answered ${result.status}`);
      const statements = after.queries - before.queries;
      console.log(
        `${label.padEnd(22)} ${result.records.toLocaleString("en-US").padStart(8)} rows, ${(result.bytes / MB).toFixed(1)} MB in ${result.seconds.toFixed(2)} s: ` +
          `${Math.round(result.records / result.seconds).toLocaleString("en-US")} rows/s; ${statements} statements; ` +
          `server RSS ${(before.rssBytes / MB).toFixed(0)} → peak ${(after.peakRssBytes / MB).toFixed(0)} MB (+${((after.peakRssBytes - before.rssBytes) / MB).toFixed(0)}), ` +
          `heap ${(before.heapUsedBytes / MB).toFixed(0)} → peak ${(after.peakHeapUsedBytes / MB).toFixed(0)} MB (+${((after.peakHeapUsedBytes - before.heapUsedBytes) / MB).toFixed(0)})`,
      );
    }
    child.send({ type: "stop" });
    await new Promise((resolve) => child.once("exit", resolve));
  } finally {
    killChildren();
  }
}

await main();
