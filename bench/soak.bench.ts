/**
 * Soak (issue 7, "Faults"): ten minutes of mixed load on one server process (`npm start` on
 * PostgreSQL), memory sampled from its own /metrics every 30 s. Flat memory means no leak in the
 * landing cache, the fast path's memory, impressions, loaders, the job runner or the metrics.
 *
 * Three autocannon processes at once: landing pages (GET /landing over 200 affiliate × niche
 * pages, so the cache both hits and misses as entries expire), dashboards (GraphQL: a page of
 * customers with scores and segments) and writes (recordNpsResponse over 500 customers, each
 * rescoring in its transaction).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/soak.bench.ts [--minutes 10 --customers 10000]
 *
 * It empties the database it runs on.
 */
import "reflect-metadata";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { queryRows } from "../src/db/client.js";
import { NICHES } from "../src/seed/catalog.js";
import { autocannon as load, BENCH_ADMIN_KEY, benchDataset, freePort } from "./http.js";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const metric = (text: string, name: string) => Number(text.split("\n").find((l) => l.startsWith(`${name} `))?.split(" ")[1] ?? NaN);

async function main() {
  const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, customers: { type: "string", default: "10000" } } });
  const dataset = await benchDataset(Number(values.customers));
  if (!dataset) return;
  const { url, handle } = dataset;
  const codes = (await queryRows<{ code: string }>(handle.db, sql`select code from affiliates order by code limit 20`)).map((r) => r.code);
  const ids = (await queryRows<{ id: string }>(handle.db, sql`select id from customers where status <> 'CHURNED' order by id limit 500`)).map((r) => r.id);
  await handle.close();

  const port = await freePort();
  const server = spawn(process.execPath, ["--import", "tsx", here("../src/server/main.ts")], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), ADMIN_API_KEY: BENCH_ADMIN_KEY, SEED_DEMO: "false", LOG_LEVEL: "warn", RATE_LIMIT_PER_KEY_PER_MINUTE: "0", RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "0", LANDING_CACHE_TTL_SECONDS: "5" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // starting
    }
    if (i > 300) throw new Error("server did not start");
    await new Promise((r) => setTimeout(r, 200));
  }

  const seconds = Number(values.minutes) * 60;
  const samples: { at: number; rss: number; heap: number; entries: number }[] = [];
  const sample = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    samples.push({
      at: Math.round((Date.now() - started) / 1000),
      rss: metric(text, "advocate_process_resident_memory_bytes") / 2 ** 20,
      heap: metric(text, "advocate_nodejs_heap_size_used_bytes") / 2 ** 20,
      entries: metric(text, "advocate_landing_cache_entries"),
    });
  };
  const started = Date.now();
  await sample();
  const timer = setInterval(() => void sample(), 30_000);
  const pages = codes.flatMap((code) => NICHES.slice(0, 10).map((niche) => ({ path: `/landing?affiliate=${code}&niche=${encodeURIComponent(niche.name)}` })));
  const admin = { "content-type": "application/json", authorization: `Bearer ${BENCH_ADMIN_KEY}` };
  const [landing, dashboards, writes] = await Promise.all([
    load({ url: base, connections: 16, warmupSeconds: 0, durationSeconds: seconds, variants: pages }),
    load({
      url: `${base}/graphql`,
      connections: 4,
      warmupSeconds: 0,
      durationSeconds: seconds,
      method: "POST",
      headers: admin,
      body: JSON.stringify({ query: "{ customers(first: 20) { edges { node { name healthScore churnRisk segments { name } } } } }" }),
    }),
    load({
      url: `${base}/graphql`,
      connections: 2,
      warmupSeconds: 0,
      durationSeconds: seconds,
      method: "POST",
      headers: admin,
      variants: ids.map((id, i) => ({ body: JSON.stringify({ query: `mutation { recordNpsResponse(customerId: "${id}", score: ${i % 11}) { id } }` }) })),
    }),
  ]);
  clearInterval(timer);
  await sample();
  server.kill("SIGTERM");
  await new Promise((r) => server.once("exit", r));

  console.log(`${values.minutes} minutes, ${values.customers} customers`);
  console.log("| load | requests | rps | p50 ms | p99 ms | non-2xx | errors |\n|---|---:|---:|---:|---:|---:|---:|");
  for (const [name, r] of [["landing pages (16 connections)", landing], ["dashboards (4)", dashboards], ["NPS writes (2)", writes]] as const) {
    console.log(`| ${name} | ${r.requests.toLocaleString("en-US")} | ${Math.round(r.rps).toLocaleString("en-US")} | ${r.latency.p50.toFixed(2)} | ${r.latency.p99.toFixed(2)} | ${r.non2xx} | ${r.errors} |`);
  }
  console.log("\n| second | RSS MB | heap used MB | landing cache entries |\n|---:|---:|---:|---:|");
  for (const s of samples) console.log(`| ${s.at} | ${s.rss.toFixed(1)} | ${s.heap.toFixed(1)} | ${s.entries} |`);
  // The first minute fills the cache and warms the JIT; short runs compare from the start.
  const afterWarmup = samples.some((s) => s.at >= 60) ? samples.filter((s) => s.at >= 60) : samples;
  const first = afterWarmup[0]!;
  const last = samples.at(-1)!;
  console.log(`\nRSS from minute 1 to the end: ${first.rss.toFixed(1)} → ${last.rss.toFixed(1)} MB (max ${Math.max(...afterWarmup.map((s) => s.rss)).toFixed(1)}); heap ${first.heap.toFixed(1)} → ${last.heap.toFixed(1)} MB`);
}

await main();
