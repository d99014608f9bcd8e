/**
 * Seed benchmark: loads N customers (default 100,000) with their histories into the database
 * of DATABASE_URL, emptying it first, and reports the time per run.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/seed.bench.ts [--customers N] [--runs R]
 *
 * DATABASE_URL must be set: the default embedded database (./data) is someone's working data,
 * and this benchmark empties the database it runs on.
 */
import { sql } from "drizzle-orm";
import { cpus, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { SEED_TABLE_NAMES, type RowCounts } from "../src/seed/dataset.js";
import { loadDataset } from "../src/seed/load.js";

export interface SeedBenchmarkResult {
  database: string;
  customers: number;
  rows: number;
  counts: RowCounts;
  /** Wall-clock seconds of each run, generation and index rebuild included. */
  seconds: number[];
  settings: Record<string, string>;
}

/** Server settings that matter for bulk loads, reported with the figures. */
const REPORTED_SETTINGS = ["server_version", "shared_buffers", "max_wal_size", "wal_level", "synchronous_commit", "fsync", "maintenance_work_mem", "work_mem"];

export async function runSeedBenchmark(databaseUrl: string, customers: number, runs = 1): Promise<SeedBenchmarkResult> {
  const config = parseDatabaseUrl(databaseUrl);
  const handle = await openDatabase(config);
  try {
    await handle.migrate();
    const settings: Record<string, string> = {};
    for (const name of REPORTED_SETTINGS) {
      const [row] = await queryRows<Record<string, string>>(handle.db, sql`select current_setting(${name}) as value`);
      settings[name] = row!.value!;
    }
    const seconds: number[] = [];
    let counts: RowCounts | undefined;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      counts = await loadDataset(handle.db, { customers, seed: "bench", now: new Date("2026-01-01T00:00:00Z"), reset: true });
      seconds.push((performance.now() - started) / 1000);
    }
    const rows = SEED_TABLE_NAMES.reduce((sum, name) => sum + counts![name], 0);
    return { database: config.kind, customers, rows, counts: counts!, seconds, settings };
  } finally {
    await handle.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { customers: { type: "string", default: "100000" }, runs: { type: "string", default: "1" } },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("Set DATABASE_URL (postgres://… or memory://): this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const result = await runSeedBenchmark(databaseUrl, Number(values.customers), Number(values.runs));
  const best = Math.min(...result.seconds);
  console.log(`seed benchmark: ${result.customers.toLocaleString("en-US")} customers into ${result.database}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`settings: ${Object.entries(result.settings).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  for (const name of SEED_TABLE_NAMES) console.log(`  ${name.padEnd(16)} ${result.counts[name].toLocaleString("en-US").padStart(12)}`);
  console.log(`  ${"total".padEnd(16)} ${result.rows.toLocaleString("en-US").padStart(12)}`);
  console.log(`runs (s): ${result.seconds.map((s) => s.toFixed(1)).join(", ")}; best ${best.toFixed(1)} s, ${Math.round(result.rows / best).toLocaleString("en-US")} rows/s`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
