/**
 * Landing-page throughput and latency, in one run (issue 4, "Performance"):
 *
 *   (a) a bare node:http server answering the bytes of a real /landing answer: the ceiling
 *   (b) Apollo Server 5 standalone, `landingPage` resolving to that object: the peer
 *   (c) our GET /landing, cached          (d) our GraphQL landingPage, cached
 *   (e) our GraphQL landingPage with the cache disabled, at the small and the large size,
 *       with SQL statements per request
 *   and the memory the cache holds after 1,000,000 distinct keys.
 *
 *   DATABASE_URL=postgres://… npm run bench:landing [-- --customers 100000 --small 1000
 *     --content-assets 20000 --connections 32 --duration 10 --warmup 2 --memory-keys 1000000 --json out.json]
 *
 * It empties the database it runs on. Every server runs in a child process of its own
 * (bench/landing-server.ts), and so does the load generator (bench/autocannon-runner.js: autocannon
 * through its API), so no two of them share an event loop; they do share the machine's cores
 * with each other and with PostgreSQL.
 */
import "reflect-metadata";
import { sql } from "drizzle-orm";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { DEFAULT_SCORING } from "../src/config/config.js";
import type { LandingCacheOptions } from "../src/config/config.js";
import type { LandingPageData } from "../src/landing/landing.service.js";
import { NICHES } from "../src/seed/catalog.js";
import { SEED_TABLE_NAMES, zeroCounts, type RowCounts } from "../src/seed/dataset.js";
import { loadDataset } from "../src/seed/load.js";
import { Random } from "../src/seed/random.js";
import { measure, type Latency } from "./http.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";
import type { MemoryResult, MemorySpec } from "./landing-cache-memory.js";
import type { ServerStats } from "./landing-server.js";
import { killChildren, nextMessage, spawnChild, startServer } from "./server-process.js";

async function countRows(handle: Awaited<ReturnType<typeof openDatabase>>): Promise<RowCounts> {
  const counts = zeroCounts();
  for (const name of SEED_TABLE_NAMES) {
    const table = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
    counts[name] = row!.n;
  }
  return counts;
}

/** What a marketing site asks for: every field of the page, the inputs as variables. */
export const LANDING_DOCUMENT = `query Landing($affiliateCode: String, $niche: String) {
  landingPage(affiliateCode: $affiliateCode, niche: $niche) {
    affiliate { code name }
    niche
    matchedOn
    caseStudies { ...item }
    useCases { ...item }
    painPoints { ...item }
  }
}
fragment item on LandingContent { id kind title body url customerName }`;

/** "Disabled": no switch exists, so every answer expires after 1 ms, and concurrent requests ask for different pages. */
export const UNCACHED: Partial<LandingCacheOptions> = { ttlMs: 1, dbTimeoutMs: 60_000 };

export interface Settings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

interface LoadSpec extends Settings {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  variants?: { body?: string; path?: string }[];
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  latency: { p50: number; p99: number; mean: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface Pair {
  affiliateCode: string;
  niche: string;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawnChild("./autocannon-runner.js", []);
  const answer = nextMessage<{ ok: boolean; result: LoadResult; error: string }>(child);
  child.send(spec);
  const { ok, result, error } = await answer;
  if (!ok) throw new Error(`autocannon: ${error}`);
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${spec.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

async function runMemory(spec: MemorySpec): Promise<MemoryResult> {
  const child = spawnChild("./landing-cache-memory.ts", ["--expose-gc", "--import", "tsx"]);
  const answer = nextMessage<{ ok: boolean; result: MemoryResult; error: string }>(child);
  child.send(spec);
  const { ok, result, error } = await answer;
  if (!ok) throw new Error(`cache memory: ${error}`);
  return result;
}

export const graphqlBody = (variables: Pair) => JSON.stringify({ operationName: "Landing", query: LANDING_DOCUMENT, variables });
export const JSON_HEADERS = { "content-type": "application/json" };

export async function postGraphql(url: string, body: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: JSON_HEADERS, body });
  const text = await res.text();
  if (res.status !== 200 || (JSON.parse(text) as { errors?: unknown }).errors) throw new Error(`landingPage failed: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

export interface LoadedSize {
  customers: number;
  counts: RowCounts;
  loadSeconds: number;
  scoreSeconds: number;
  /** Every (affiliate, niche) pair of the dataset, shuffled: the uncached run's inputs. */
  pairs: Pair[];
  /** An affiliate and a niche that it has content for: the cached runs' input. */
  target: Pair;
  server: Record<string, string>;
}

/** Loads a size, or with `reuse` keeps what the database holds when it is that size already (for quicker reruns). */
export async function loadSize(databaseUrl: string, customers: number, contentAssets: number, reuse = false): Promise<LoadedSize> {
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  try {
    await handle.migrate();
    let counts: RowCounts | undefined;
    let loadSeconds = 0;
    let scoreSeconds = 0;
    if (reuse) {
      const [held] = await queryRows<{ customers: number; assets: number }>(
        handle.db,
        sql`select (select count(*) from customers)::int as customers, (select count(*) from content_assets)::int as assets`,
      );
      if (held?.customers === customers && held.assets === contentAssets) counts = await countRows(handle);
    }
    if (!counts) {
      let started = performance.now();
      counts = await loadDataset(handle.db, { customers, contentAssets, seed: BENCH_SEED, now: BENCH_NOW, reset: true });
      loadSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
      scoreSeconds = (performance.now() - started) / 1000;
      // Autovacuum would otherwise visit the freshly loaded tables during the measurements.
      await handle.db.execute(sql`vacuum analyze`);
      await handle.db.execute(sql`checkpoint`).catch(() => undefined);
    }
    const codes = await queryRows<{ code: string }>(handle.db, sql`select code from affiliates order by code`);
    const rng = new Random(`${BENCH_SEED}:landing-pairs`);
    const pairs = codes.flatMap(({ code }) => NICHES.map((niche) => ({ affiliateCode: code, niche: niche.name, order: rng.next() })));
    pairs.sort((a, b) => a.order - b.order);
    const [target] = await queryRows<Pair>(
      handle.db,
      sql`select f.code as "affiliateCode", a.niches[1] as niche
            from content_assets a join affiliates f on f.id = a.affiliate_id
           where not a.archived and a.kind = 'CASE_STUDY' and cardinality(a.niches) > 0
           order by f.code, a.niches[1] limit 1`,
    );
    const server: Record<string, string> = {};
    for (const name of ["server_version", "shared_buffers", "work_mem", "fsync", "synchronous_commit"]) {
      const [row] = await queryRows<{ value: string }>(handle.db, sql`select current_setting(${name}) as value`);
      server[name] = row!.value;
    }
    return { customers, counts, loadSeconds, scoreSeconds, pairs: pairs.map(({ affiliateCode, niche }) => ({ affiliateCode, niche })), target: target!, server };
  } finally {
    await handle.close();
  }
}

export interface UncachedResult {
  customers: number;
  load: LoadResult;
  /** One request at a time, every one a different page. */
  sequential: Latency;
  /** SQL statements per request, counted by the server over the sequential requests. */
  statementsPerRequest: number;
  /** The same under load: statements over LandingCache answers, warm-up included. */
  statementsPerRequestUnderLoad: number;
  sources: ServerStats["sources"];
}

async function measureUncached(databaseUrl: string, size: LoadedSize, settings: Settings, sequentialRuns: number): Promise<UncachedResult> {
  const server = await startServer({ kind: "app", databaseUrl, landingCache: UNCACHED });
  try {
    const variants = size.pairs.map((pair) => ({ body: graphqlBody(pair) }));
    let next = 0;
    const ask = async () => void (await postGraphql(server.url, variants[next++ % variants.length]!.body));
    for (let i = 0; i < 20; i++) await ask();
    const before = await server.stats();
    const sequential = await measure(ask, sequentialRuns, 0);
    const after = await server.stats();
    const load = await runLoad({ ...settings, url: `${server.url}/graphql`, method: "POST", headers: JSON_HEADERS, variants });
    const end = await server.stats();
    const answers = (stats: ServerStats) => Object.values(stats.sources).reduce((sum, n) => sum + n, 0);
    const sources = Object.fromEntries(Object.entries(end.sources).map(([k, n]) => [k, n - after.sources[k as keyof typeof after.sources]])) as ServerStats["sources"];
    return {
      customers: size.customers,
      load,
      sequential,
      statementsPerRequest: (after.queries - before.queries) / sequentialRuns,
      statementsPerRequestUnderLoad: (end.queries - after.queries) / (answers(end) - answers(after)),
      sources,
    };
  } finally {
    await server.stop();
  }
}

export interface CachedResult {
  target: Pair;
  landingBytes: number;
  graphqlBytes: number;
  matchedOn: string;
  bare: LoadResult;
  apollo: LoadResult;
  rest: LoadResult;
  graphql: LoadResult;
  /** Statements and LandingCache answers during the cached runs (c) and (d). */
  restStats: { statements: number; sources: ServerStats["sources"] };
  graphqlStats: { statements: number; sources: ServerStats["sources"] };
  apolloAnswerIdentical: boolean;
  page: LandingPageData;
}

const diffStats = (a: ServerStats, b: ServerStats) => ({
  statements: b.queries - a.queries,
  sources: Object.fromEntries(Object.entries(b.sources).map(([k, n]) => [k, n - a.sources[k as keyof typeof a.sources]])) as ServerStats["sources"],
});

async function measureCached(databaseUrl: string, target: Pair, settings: Settings): Promise<CachedResult> {
  const query = new URLSearchParams({ affiliate: target.affiliateCode, niche: target.niche });
  const body = graphqlBody(target);
  const app = await startServer({ kind: "app", databaseUrl });
  let landing: string, graphqlAnswer: string, rest: LoadResult, graphql: LoadResult;
  let restStats, graphqlStats;
  try {
    const res = await fetch(`${app.url}/landing?${query}`);
    landing = await res.text();
    if (res.status !== 200 || res.headers.get("x-advocate-fallback")) throw new Error(`GET /landing: ${res.status} ${res.headers.get("x-advocate-fallback")}`);
    graphqlAnswer = await postGraphql(app.url, body);
    if (!isDeepStrictEqual((JSON.parse(graphqlAnswer) as { data: { landingPage: unknown } }).data.landingPage, JSON.parse(landing))) {
      throw new Error("GET /landing and landingPage disagree");
    }
    let before = await app.stats();
    rest = await runLoad({ ...settings, url: `${app.url}/landing?${query}` });
    let after = await app.stats();
    restStats = diffStats(before, after);
    before = after;
    graphql = await runLoad({ ...settings, url: `${app.url}/graphql`, method: "POST", headers: JSON_HEADERS, body });
    after = await app.stats();
    graphqlStats = diffStats(before, after);
  } finally {
    await app.stop();
  }

  const page = JSON.parse(landing) as LandingPageData;
  const ceiling = await startServer({ kind: "bare", body: landing });
  let bare: LoadResult;
  try {
    if ((await (await fetch(ceiling.url)).text()) !== landing) throw new Error("the bare server does not answer the landing bytes");
    bare = await runLoad({ ...settings, url: ceiling.url });
  } finally {
    await ceiling.stop();
  }

  const peer = await startServer({ kind: "apollo", page });
  let apollo: LoadResult, apolloAnswerIdentical: boolean;
  try {
    apolloAnswerIdentical = (await postGraphql(peer.url, body)) === graphqlAnswer;
    apollo = await runLoad({ ...settings, url: `${peer.url}/graphql`, method: "POST", headers: JSON_HEADERS, body });
  } finally {
    await peer.stop();
  }
  return {
    target,
    landingBytes: Buffer.byteLength(landing),
    graphqlBytes: Buffer.byteLength(graphqlAnswer),
    matchedOn: page.matchedOn,
    bare,
    apollo,
    rest,
    graphql,
    restStats,
    graphqlStats,
    apolloAnswerIdentical,
    page,
  };
}

/** The share of the machine's CPU time spent over the next `ms` (from /proc/stat): other work, when nothing of ours runs. */
export async function cpuBusy(ms = 3_000): Promise<number> {
  const sample = () => {
    const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const ticks = fields.map(Number);
    const idle = ticks[3]! + (ticks[4] ?? 0);
    return { idle, total: ticks.slice(0, 8).reduce((sum, t) => sum + t, 0) };
  };
  const first = sample();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const second = sample();
  return 1 - (second.idle - first.idle) / (second.total - first.total);
}

const ms = (v: number) => v.toFixed(2);
const rps = (v: number) => Math.round(v).toLocaleString("en-US");
const mb = (v: number) => `${(v / 2 ** 20).toFixed(1)} MB`;
const met = (ok: boolean) => (ok ? "**met**" : "**not met**");
const row = (name: string, r: LoadResult, goal: string) => `| ${name} | ${rps(r.rps)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${goal} |`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      customers: { type: "string", default: "100000" },
      small: { type: "string", default: "1000" },
      "content-assets": { type: "string", default: "20000" },
      connections: { type: "string", default: "32" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      sequential: { type: "string", default: "200" },
      "memory-keys": { type: "string", default: "1000000" },
      json: { type: "string" },
      // For quicker reruns while working on one part: which parts to run, and whether to keep
      // a database that already holds the size asked for. The report needs every part.
      only: { type: "string", default: "cached,uncached,memory" },
      reuse: { type: "boolean", default: false },
    },
  });
  const parts = new Set(values.only.split(","));
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const settings: Settings = { connections: Number(values.connections), warmupSeconds: Number(values.warmup), durationSeconds: Number(values.duration) };
  const contentAssets = Number(values["content-assets"]);
  const started = performance.now();
  const say = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  // Other work on the machine moves every figure here: the report says how busy it was.
  const busy: number[] = [await cpuBusy()];

  if (!(parts.has("cached") && parts.has("uncached") && parts.has("memory"))) {
    // A partial run for working on one part: its figures only, no report.
    if (parts.has("uncached")) {
      say(`loading ${values.small} customers, ${contentAssets} content assets`);
      const small = await loadSize(databaseUrl, Number(values.small), contentAssets, values.reuse);
      const uncachedSmall = await measureUncached(databaseUrl, small, settings, Number(values.sequential));
      say(`(e) at ${small.customers}: ${JSON.stringify({ load: uncachedSmall.load.latency, rps: uncachedSmall.load.rps, sequential: uncachedSmall.sequential, statements: uncachedSmall.statementsPerRequest })}`);
    }
    say(`loading ${values.customers} customers, ${contentAssets} content assets`);
    const large = await loadSize(databaseUrl, Number(values.customers), contentAssets, values.reuse);
    if (parts.has("cached")) {
      const cached = await measureCached(databaseUrl, large.target, settings);
      for (const name of ["bare", "apollo", "rest", "graphql"] as const) say(`${name}: ${rps(cached[name].rps)} req/s, p50 ${ms(cached[name].latency.p50)} ms, p99 ${ms(cached[name].latency.p99)} ms`);
      say(`(c)/(a) ${(cached.rest.rps / cached.bare.rps).toFixed(2)}, (d)/(b) ${(cached.graphql.rps / cached.apollo.rps).toFixed(2)}`);
    }
    if (parts.has("uncached")) {
      const uncachedLarge = await measureUncached(databaseUrl, large, settings, Number(values.sequential));
      say(`(e) at ${large.customers}: ${JSON.stringify({ load: uncachedLarge.load.latency, rps: uncachedLarge.load.rps, sequential: uncachedLarge.sequential, statements: uncachedLarge.statementsPerRequest })}`);
    }
    return;
  }

  say(`loading ${values.small} customers, ${contentAssets} content assets`);
  const small = await loadSize(databaseUrl, Number(values.small), contentAssets);
  say(`(e) uncached at ${small.customers} customers`);
  const uncachedSmall = await measureUncached(databaseUrl, small, settings, Number(values.sequential));

  say(`loading ${values.customers} customers, ${contentAssets} content assets`);
  const large = await loadSize(databaseUrl, Number(values.customers), contentAssets);
  say(`loaded in ${large.loadSeconds.toFixed(1)} s, scores in ${large.scoreSeconds.toFixed(1)} s`);
  busy.push(await cpuBusy());
  say(`(a)-(d) cached, page of ${large.target.affiliateCode} / ${large.target.niche}`);
  const cached = await measureCached(databaseUrl, large.target, settings);
  say(`(e) uncached at ${large.customers} customers`);
  const uncachedLarge = await measureUncached(databaseUrl, large, settings, Number(values.sequential));

  const memoryKeys = Number(values["memory-keys"]);
  say(`cache memory, ${memoryKeys.toLocaleString("en-US")} distinct keys (three processes)`);
  // An entry bound that is never reached, so that bytes alone bound the cache. Not more: the
  // LRU allocates its arrays for maxEntries up front (about 40 bytes an entry).
  const bytesBound: Partial<LandingCacheOptions> = { maxEntries: Math.max(memoryKeys, 10_000) };
  const [memoryShipped, memoryBytes, memoryTiny] = await Promise.all([
    runMemory({ keys: memoryKeys, page: cached.page, cache: {} }),
    runMemory({ keys: memoryKeys, page: cached.page, cache: bytesBound }),
    runMemory({ keys: memoryKeys, page: null, cache: bytesBound }),
  ]);
  say("done");

  const restRatio = cached.rest.rps / cached.bare.rps;
  const graphqlRatio = cached.graphql.rps / cached.apollo.rps;
  const medianRatio = uncachedLarge.load.latency.p50 / uncachedSmall.load.latency.p50;
  const sequentialRatio = uncachedLarge.sequential.median / uncachedSmall.sequential.median;
  const statements = Math.max(uncachedLarge.statementsPerRequest, uncachedSmall.statementsPerRequest);
  const memoryRuns = [
    ["shipped bounds, real pages", memoryShipped],
    ["byte bound only, real pages", memoryBytes],
    ["byte bound only, empty pages", memoryTiny],
  ] as const;

  const lines = [
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; PostgreSQL ${large.server.server_version} (${Object.entries(large.server).filter(([k]) => k !== "server_version").map(([k, v]) => `${k}=${v}`).join(", ")})`,
    `dataset: seed "${BENCH_SEED}", now ${BENCH_NOW.toISOString()}: ${large.counts.customers.toLocaleString("en-US")} customers, ${large.counts.affiliates.toLocaleString("en-US")} affiliates, ${large.counts.contentAssets.toLocaleString("en-US")} content assets (small: ${small.counts.customers.toLocaleString("en-US")} / ${small.counts.affiliates} / ${small.counts.contentAssets.toLocaleString("en-US")})`,
    `load: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up then ${settings.durationSeconds} s per row; answer ${cached.landingBytes} bytes (GraphQL ${cached.graphqlBytes}), matchedOn ${cached.matchedOn}`,
    `CPU busy with other work (nothing of ours running) at the start and just before (a)-(d), over 3 s each: ${busy.map((b) => `${Math.round(b * 100)}%`).join(", ")}${Math.max(...busy) > 0.1 ? " (not idle: the figures are lower than this machine gives alone)" : ""}`,
    "",
    "| | requests/s | p50 ms | p99 ms | goal |",
    "|---|---:|---:|---:|---|",
    row("(a) bare `node:http`, same bytes: the ceiling", cached.bare, ""),
    row("(b) Apollo Server 5 standalone, trivial resolver: the peer", cached.apollo, ""),
    row("(c) `GET /landing`, cached", cached.rest, `≥ 0.6 × (a): ${restRatio.toFixed(2)} × (a), ${met(restRatio >= 0.6)}`),
    row("(d) GraphQL `landingPage`, cached", cached.graphql, `≥ 5 × (b): ${graphqlRatio.toFixed(2)} × (b), ${met(graphqlRatio >= 5)}`),
    row(`(e) \`landingPage\`, cache disabled, ${large.customers.toLocaleString("en-US")} customers`, uncachedLarge.load, `≤ 3 SQL statements/request: ${statements.toFixed(2)}, ${met(statements <= 3)}`),
    row(`(e) \`landingPage\`, cache disabled, ${small.customers.toLocaleString("en-US")} customers`, uncachedSmall.load, `p50 at ${large.customers.toLocaleString("en-US")} within 2× of ${small.customers.toLocaleString("en-US")}: ${medianRatio.toFixed(2)}×, ${met(medianRatio <= 2)}`),
    "",
    `(e) one request at a time (${values.sequential} requests, each a different page): median ${ms(uncachedSmall.sequential.median)} ms (p95 ${ms(uncachedSmall.sequential.p95)}) at ${small.customers.toLocaleString("en-US")}, ${ms(uncachedLarge.sequential.median)} ms (p95 ${ms(uncachedLarge.sequential.p95)}) at ${large.customers.toLocaleString("en-US")}: ${sequentialRatio.toFixed(2)}×`,
    `(e) SQL statements per request: ${uncachedSmall.statementsPerRequest.toFixed(2)} / ${uncachedLarge.statementsPerRequest.toFixed(2)} one at a time, ${uncachedSmall.statementsPerRequestUnderLoad.toFixed(2)} / ${uncachedLarge.statementsPerRequestUnderLoad.toFixed(2)} under load; LandingCache answers under load ${JSON.stringify(uncachedSmall.sources)} / ${JSON.stringify(uncachedLarge.sources)}`,
    `(c) statements ${cached.restStats.statements}, LandingCache answers ${JSON.stringify(cached.restStats.sources)}; (d) statements ${cached.graphqlStats.statements}, LandingCache answers ${JSON.stringify(cached.graphqlStats.sources)}`,
    `(b) answers the same bytes as (d): ${cached.apolloAnswerIdentical ? "yes" : "NO"}`,
    "",
    "| cache after distinct keys | keys | entries (max) | size by the cache's count | measured (heap + buffers) | bound | per entry, measured / counted | process RSS before / peak | goal: measured ≤ bound |",
    "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ...memoryRuns.map(
      ([name, r]) =>
        `| ${name} (body ${r.bodyBytes.toLocaleString("en-US")} B), ${r.seconds.toFixed(0)} s | ${r.keys.toLocaleString("en-US")} | ${r.entries.toLocaleString("en-US")} (${r.options.maxEntries.toLocaleString("en-US")}) | ${mb(r.calculatedBytes)} | ${mb(r.measuredBytes)} | ${mb(r.options.maxBytes)} | ${Math.round(r.measuredBytes / r.entries).toLocaleString("en-US")} / ${Math.round(r.calculatedBytes / r.entries).toLocaleString("en-US")} B | ${mb(r.rss.before)} / ${mb(r.rss.peak)} | ${met(r.measuredBytes <= r.options.maxBytes)} |`,
    ),
  ];
  console.log(`\n${lines.join("\n")}`);
  if (values.json) {
    writeFileSync(values.json, JSON.stringify({ settings, small: { ...small, pairs: small.pairs.length }, large: { ...large, pairs: large.pairs.length }, uncachedSmall, uncachedLarge, cached: { ...cached, page: undefined }, memory: { memoryShipped, memoryBytes, memoryTiny } }, null, 2));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await main();
  } finally {
    killChildren();
  }
}
