/**
 * Customer-success intelligence at two sizes, in one run: batch score recompute, churn-model
 * training (held-out AUC), and the latency of the dashboard queries that must not grow with
 * the customer base (topCustomers, customers filtered by minHealthScore).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/intelligence.bench.ts [--sizes 10000,100000]
 *
 * It empties the database it runs on.
 */
import "reflect-metadata";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase } from "../src/db/client.js";
import { trainChurnModel } from "../src/intelligence/churn.service.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { DEFAULT_SCORING } from "../src/config/config.js";
import { loadDataset } from "../src/seed/load.js";
import { graphql, measure, serve, type Latency } from "./http.js";

export const BENCH_SEED = "bench";
export const BENCH_NOW = new Date("2026-01-01T00:00:00Z");

export interface IntelligenceResult {
  customers: number;
  recomputeSeconds: number;
  trainSeconds: number;
  auc: number | null;
  examples: number;
  topCustomers: Latency;
  minHealthFilter: Latency;
}

export async function runIntelligenceBenchmark(databaseUrl: string, customers: number): Promise<IntelligenceResult> {
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  try {
    await handle.migrate();
    await loadDataset(handle.db, { customers, seed: BENCH_SEED, now: BENCH_NOW, reset: true });
    let started = performance.now();
    await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
    const recomputeSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const model = await trainChurnModel(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
    const trainSeconds = (performance.now() - started) / 1000;
    const server = await serve(handle);
    try {
      const topCustomers = await measure(() => graphql(server.url, "{ topCustomers(limit: 20) { id name advocacyScore } }"));
      const minHealthFilter = await measure(() =>
        graphql(server.url, "{ customers(first: 50, filter: {minHealthScore: 70}) { edges { node { id name healthScore } } } }"),
      );
      return { customers, recomputeSeconds, trainSeconds, auc: model.auc, examples: model.examples, topCustomers, minHealthFilter };
    } finally {
      await server.close();
    }
  } finally {
    await handle.close();
  }
}

const ms = (l: Latency) => `median ${l.median.toFixed(2)} ms, p95 ${l.p95.toFixed(2)} ms`;

async function main() {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "10000,100000" } } });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error("Set DATABASE_URL (postgres://…): this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const results: IntelligenceResult[] = [];
  for (const size of values.sizes.split(",").map(Number)) {
    const r = await runIntelligenceBenchmark(databaseUrl, size);
    results.push(r);
    console.log(`${size.toLocaleString("en-US")} customers (seed "${BENCH_SEED}", now ${BENCH_NOW.toISOString()}):`);
    console.log(`  batch recompute of all scores: ${r.recomputeSeconds.toFixed(1)} s`);
    console.log(`  churn model: ${r.examples} examples, held-out AUC ${r.auc?.toFixed(3)}, trained and rescored in ${r.trainSeconds.toFixed(1)} s`);
    console.log(`  topCustomers(limit: 20): ${ms(r.topCustomers)}`);
    console.log(`  customers(first: 50, filter: {minHealthScore: 70}): ${ms(r.minHealthFilter)}`);
  }
  if (results.length >= 2) {
    const [small, large] = [results[0]!, results.at(-1)!];
    console.log(`ratio ${large.customers}/${small.customers}: topCustomers ${(large.topCustomers.median / small.topCustomers.median).toFixed(2)}x, minHealthScore filter ${(large.minHealthFilter.median / small.minHealthFilter.median).toFixed(2)}x`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
