/**
 * Landing-page misses decided by the in-memory catalog (issue 17, "Performance"), in one run on
 * PostgreSQL with the generator's 100,000 customers, 1,000 affiliates and 20,000 assets:
 *
 *   - a miss one at a time (GraphQL landingPage and GET /landing, every request a different page
 *     and every answer expired: the cache's TTL is 1 ms), median and p95, and SQL statements per miss
 *   - uncached throughput of both under load, against their cached throughput (goal ≥ 0.25×)
 *   - GET /landing misses under load while an asset is renamed every 100 ms: how many went to SQL
 *   - the catalog's load time and memory at 20,000 and at 200,000 assets (the 20,000 assets
 *     copied nine times over, then removed again)
 *
 *   DATABASE_URL=postgres://… npx tsx bench/landing-catalog.bench.ts [-- --reuse --connections 32
 *     --duration 10 --warmup 2 --sequential 400 --json out.json]
 *
 * It empties the database it runs on. Servers, the load generator and the memory probe run in
 * child processes of their own (bench/landing-server.ts, bench/autocannon-runner.js,
 * bench/landing-catalog-memory.ts).
 */
import "reflect-metadata";
import { sql } from "drizzle-orm";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { BENCH_ADMIN_KEY, keptAlive, measure, type Latency } from "./http.js";
import { cpuBusy, graphqlBody, JSON_HEADERS, loadSize, postGraphql, runLoad, UNCACHED, type LoadResult, type Pair, type Settings } from "./landing.bench.js";
import type { CatalogMemoryResult } from "./landing-catalog-memory.js";
import { killChildren, nextMessage, spawnChild, startServer } from "./server-process.js";

const landingPath = (pair: Pair) => `/landing?${new URLSearchParams({ affiliate: pair.affiliateCode, niche: pair.niche })}`;

async function catalogMemory(databaseUrl: string): Promise<CatalogMemoryResult> {
  const child = spawnChild("./landing-catalog-memory.ts", ["--expose-gc", "--import", "tsx"]);
  const answer = nextMessage<{ ok: boolean; result: CatalogMemoryResult; error: string }>(child);
  child.send({ databaseUrl });
  const { ok, result, error } = await answer;
  if (!ok) throw new Error(`catalog memory: ${error}`);
  return result;
}

interface Misses {
  /** One at a time, pages never asked before: decided, serialized, hashed and (GraphQL) rendered anew. */
  graphql: Latency;
  rest: Latency;
  /** One at a time, the same pages again once expired: decided again, the bytes kept when unchanged. */
  graphqlExpired: Latency;
  restExpired: Latency;
  statementsPerMiss: number;
  graphqlLoad: LoadResult;
  restLoad: LoadResult;
  statementsUnderLoad: number;
  sources: Record<string, number>;
  cpu: Record<"graphqlSequential" | "restSequential" | "graphqlExpired" | "restExpired" | "graphqlLoad" | "restLoad", number>;
}

async function measureMisses(databaseUrl: string, pairs: Pair[], settings: Settings, runs: number): Promise<Misses> {
  // No impressions flush on a timer: the statements counted are the requests' own.
  const server = await startServer({ kind: "app", databaseUrl, landingCache: UNCACHED, impressions: { flushIntervalMs: 0 } });
  const client = keptAlive(server.url);
  try {
    const checked = (what: string, res: { status: number; headers: Record<string, unknown>; text: string }) => {
      if (res.status !== 200 || res.headers["x-advocate-fallback"] || res.text.includes('"errors"')) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
    };
    // GraphQL asks pages [0, runs + 20), GET /landing the next as many (the two share the landing
    // cache): every first request is a page never decided before.
    const span = runs + 20;
    const sequence = (offset: number) => {
      let next = 0;
      return () => pairs[offset + (next++ % span)]!;
    };
    const askGraphql = (pair: () => Pair) => async () =>
      checked("landingPage", await client.send("POST", "/graphql", graphqlBody(pair()), JSON_HEADERS));
    const askRest = (pair: () => Pair) => async () => checked("GET /landing", await client.send("GET", landingPath(pair())));
    const sequential = async (run: () => Promise<void>) => {
      const before = await server.stats();
      const latency = await measure(run, runs, 20);
      const after = await server.stats();
      return { latency, cpuMs: (after.cpuMs - before.cpuMs) / span, queries: after.queries - before.queries };
    };
    const graphql = await sequential(askGraphql(sequence(0)));
    const rest = await sequential(askRest(sequence(span)));
    // The cache's TTL is 1 ms: every page asked again is expired, and decided again.
    const graphqlExpired = await sequential(askGraphql(sequence(0)));
    const restExpired = await sequential(askRest(sequence(span)));
    const after = await server.stats();
    const graphqlLoad = await runLoad({ ...settings, url: `${server.url}/graphql`, method: "POST", headers: JSON_HEADERS, variants: pairs.map((p) => ({ body: graphqlBody(p) })) });
    const between = await server.stats();
    const restLoad = await runLoad({ ...settings, url: `${server.url}/landing`, variants: pairs.map((p) => ({ path: landingPath(p) })) });
    const end = await server.stats();
    // The server's CPU time per request: what a request costs whatever else the machine runs.
    const cpu = {
      graphqlSequential: graphql.cpuMs,
      restSequential: rest.cpuMs,
      graphqlExpired: graphqlExpired.cpuMs,
      restExpired: restExpired.cpuMs,
      graphqlLoad: (between.cpuMs - after.cpuMs) / graphqlLoad.requests,
      restLoad: (end.cpuMs - between.cpuMs) / restLoad.requests,
    };
    const sources = Object.fromEntries(Object.entries(end.sources).map(([k, n]) => [k, n - after.sources[k as keyof typeof after.sources]]));
    const answers = Object.values(sources).reduce((sum, n) => sum + n, 0);
    return {
      graphql: graphql.latency,
      rest: rest.latency,
      graphqlExpired: graphqlExpired.latency,
      restExpired: restExpired.latency,
      statementsPerMiss: (graphql.queries + rest.queries + graphqlExpired.queries + restExpired.queries) / (4 * span),
      graphqlLoad,
      restLoad,
      statementsUnderLoad: (end.queries - after.queries) / answers,
      sources,
      cpu,
    };
  } finally {
    client.close();
    await server.stop();
  }
}

/**
 * GET /landing misses under load while an admin renames an asset every 100 ms (each write a
 * landing change): how the misses were decided meanwhile, and what the catalog did.
 */
async function measureUnderWrites(databaseUrl: string, pairs: Pair[], settings: Settings) {
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  const [asset] = await queryRows<{ id: string }>(handle.db, sql`select id from content_assets where not archived and kind = 'PAIN_POINT' order by id limit 1`);
  await handle.close();
  const server = await startServer({ kind: "app", databaseUrl, landingCache: UNCACHED, impressions: { flushIntervalMs: 0 } });
  try {
    const before = await server.stats();
    let writing = true;
    let writes = 0;
    const writer = (async () => {
      while (writing) {
        const body = JSON.stringify({ query: `mutation($id: ID!, $t: String!) { updateContentAsset(id: $id, input: {title: $t}) { id } }`, variables: { id: asset!.id, t: `Renamed ${writes}` } });
        const res = await fetch(`${server.url}/graphql`, { method: "POST", headers: { ...JSON_HEADERS, authorization: `Bearer ${BENCH_ADMIN_KEY}` }, body });
        if (!(await res.text()).includes('"updateContentAsset"')) throw new Error("the asset update failed");
        writes++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const load = await runLoad({ ...settings, url: `${server.url}/landing`, variants: pairs.map((p) => ({ path: landingPath(p) })) });
    writing = false;
    await writer;
    const after = await server.stats();
    const answers = Object.values(after.sources).reduce((sum, n) => sum + n, 0) - Object.values(before.sources).reduce((sum, n) => sum + n, 0);
    const delta = (k: "bySql" | "loads" | "patches") => after.catalog![k] - before.catalog![k];
    return { load, writes, answers, bySql: delta("bySql"), loads: delta("loads"), patches: delta("patches") };
  } finally {
    await server.stop();
  }
}

async function measureHits(databaseUrl: string, target: Pair, settings: Settings, runs: number): Promise<{ graphql: LoadResult; rest: LoadResult; sequential: Latency; cpu: { restLoad: number; graphqlLoad: number } }> {
  const server = await startServer({ kind: "app", databaseUrl });
  try {
    await postGraphql(server.url, graphqlBody(target));
    // A hit one at a time: what the machine gives any request now, the baseline of a miss's figure.
    const client = keptAlive(server.url);
    const sequential = await measure(async () => void (await client.send("GET", landingPath(target))), runs, 20);
    client.close();
    const s0 = await server.stats();
    const rest = await runLoad({ ...settings, url: `${server.url}${landingPath(target)}` });
    const s1 = await server.stats();
    const graphql = await runLoad({ ...settings, url: `${server.url}/graphql`, method: "POST", headers: JSON_HEADERS, body: graphqlBody(target) });
    const s2 = await server.stats();
    return { graphql, rest, sequential, cpu: { restLoad: (s1.cpuMs - s0.cpuMs) / rest.requests, graphqlLoad: (s2.cpuMs - s1.cpuMs) / graphql.requests } };
  } finally {
    await server.stop();
  }
}

/** Nine more copies of every asset (new ids, titles suffixed), for the 200,000-asset figures; undone by dropCopies. */
async function withCopies(databaseUrl: string, copies: number, work: () => Promise<CatalogMemoryResult>): Promise<CatalogMemoryResult> {
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  const copy = sql.raw(`' #copy'`);
  try {
    await handle.db.execute(sql`
      insert into content_assets (kind, title, body, url, niches, customer_id, affiliate_id, archived, subject_name, subject_niche,
                                  subject_live, subject_successful, subject_advocacy, subject_health, created_at, updated_at)
      select kind, title || ${copy} || g, body, url, niches, customer_id, affiliate_id, archived, subject_name, subject_niche,
             subject_live, subject_successful, subject_advocacy, subject_health, created_at, updated_at
        from content_assets, generate_series(1, ${copies}) g`);
    await handle.db.execute(sql`vacuum analyze content_assets`);
    return await work();
  } finally {
    await handle.db.execute(sql`delete from content_assets where title like ${"% #copy%"}`);
    await handle.db.execute(sql`vacuum analyze content_assets`);
    await handle.close();
  }
}

const ms = (v: number) => v.toFixed(2);
const rps = (v: number) => Math.round(v).toLocaleString("en-US");
const mb = (v: number) => `${(v / 2 ** 20).toFixed(1)} MB`;
const met = (ok: boolean) => (ok ? "**met**" : "**not met**");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "32" },
      duration: { type: "string", default: "10" },
      warmup: { type: "string", default: "2" },
      sequential: { type: "string", default: "400" },
      json: { type: "string" },
      reuse: { type: "boolean", default: false },
    },
  });
  const databaseUrl = process.env.DATABASE_URL ?? "";
  if (!databaseUrl.startsWith("postgres")) throw new Error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
  const settings: Settings = { connections: Number(values.connections), warmupSeconds: Number(values.warmup), durationSeconds: Number(values.duration) };
  const started = performance.now();
  const say = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  const busy = [await cpuBusy()];
  say("loading 100,000 customers, 20,000 content assets");
  const size = await loadSize(databaseUrl, 100_000, 20_000, values.reuse);
  busy.push(await cpuBusy());
  say("catalog memory at 20,000 assets");
  const small = await catalogMemory(databaseUrl);
  say("misses one at a time and under load");
  const misses = await measureMisses(databaseUrl, size.pairs, settings, Number(values.sequential));
  say("misses under load while an asset is renamed every 100 ms");
  const writes = await measureUnderWrites(databaseUrl, size.pairs, settings);
  say("hits under load");
  const hits = await measureHits(databaseUrl, size.target, settings, Number(values.sequential));
  say("catalog memory at 200,000 assets");
  const large = await withCopies(databaseUrl, 9, () => catalogMemory(databaseUrl));
  const [held] = await (async () => {
    const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
    try {
      return await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from content_assets`);
    } finally {
      await handle.close();
    }
  })();
  say("done");

  const graphqlRatio = misses.graphqlLoad.rps / hits.graphql.rps;
  const restRatio = misses.restLoad.rps / hits.rest.rps;
  const median = Math.max(misses.graphql.median, misses.rest.median, misses.graphqlExpired.median, misses.restExpired.median);
  const lines = [
    `machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, shared with other sessions; CPU busy with other work at the start and after loading: ${busy.map((b) => `${Math.round(b * 100)}%`).join(", ")}`,
    `dataset: ${size.counts.customers.toLocaleString("en-US")} customers, ${size.counts.affiliates.toLocaleString("en-US")} affiliates, ${size.counts.contentAssets.toLocaleString("en-US")} assets (${held!.n.toLocaleString("en-US")} after the 200,000 run); load: ${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s`,
    "",
    "| landing page | requests/s | p50 ms | p99 ms | goal |",
    "|---|---:|---:|---:|---|",
    `| GraphQL \`landingPage\`, cached | ${rps(hits.graphql.rps)} | ${ms(hits.graphql.latency.p50)} | ${ms(hits.graphql.latency.p99)} | |`,
    `| GraphQL \`landingPage\`, every answer a miss (catalog) | ${rps(misses.graphqlLoad.rps)} | ${ms(misses.graphqlLoad.latency.p50)} | ${ms(misses.graphqlLoad.latency.p99)} | ≥ 0.25 × cached: ${graphqlRatio.toFixed(2)}×, ${met(graphqlRatio >= 0.25)} |`,
    `| \`GET /landing\`, cached | ${rps(hits.rest.rps)} | ${ms(hits.rest.latency.p50)} | ${ms(hits.rest.latency.p99)} | |`,
    `| \`GET /landing\`, every answer a miss (catalog) | ${rps(misses.restLoad.rps)} | ${ms(misses.restLoad.latency.p50)} | ${ms(misses.restLoad.latency.p99)} | ≥ 0.25 × cached: ${restRatio.toFixed(2)}×, ${met(restRatio >= 0.25)} |`,
    "",
    `miss one at a time (${values.sequential} each, kept-alive connection), a page never asked before: GraphQL median ${ms(misses.graphql.median)} ms (p95 ${ms(misses.graphql.p95)}), GET /landing median ${ms(misses.rest.median)} ms (p95 ${ms(misses.rest.p95)}); the same pages again, expired: GraphQL ${ms(misses.graphqlExpired.median)} ms (p95 ${ms(misses.graphqlExpired.p95)}), GET /landing ${ms(misses.restExpired.median)} ms (p95 ${ms(misses.restExpired.p95)}): ≤ 1 ms, ${met(median <= 1)}; a hit one at a time (GET /landing) in the same run: median ${ms(hits.sequential.median)} ms (p95 ${ms(hits.sequential.p95)})`,
    `server CPU per request (the machine's share aside): miss one at a time GraphQL ${ms(misses.cpu.graphqlSequential)} ms, GET /landing ${ms(misses.cpu.restSequential)} ms (expired: ${ms(misses.cpu.graphqlExpired)}, ${ms(misses.cpu.restExpired)}); under load miss GraphQL ${ms(misses.cpu.graphqlLoad)} ms, GET /landing ${ms(misses.cpu.restLoad)} ms; hit GraphQL ${ms(hits.cpu.graphqlLoad)} ms, GET /landing ${ms(hits.cpu.restLoad)} ms`,
    `under writes (an asset renamed every 100 ms, ${writes.writes} writes): GET /landing misses ${rps(writes.load.rps)}/s (p99 ${ms(writes.load.latency.p99)} ms), ${writes.bySql} of ${writes.answers.toLocaleString("en-US")} misses computed by SQL, catalog patched ${writes.patches} times and loaded whole ${writes.loads} times`,
    `SQL statements per miss: ${misses.statementsPerMiss.toFixed(3)} one at a time, ${misses.statementsUnderLoad.toFixed(3)} under load: 0, ${met(misses.statementsPerMiss === 0 && misses.statementsUnderLoad === 0)}; answers under load by source ${JSON.stringify(misses.sources)}`,
    "",
    "| catalog | assets | load | estimate (/metrics) | measured (heap + buffers) | process RSS |",
    "|---|---:|---:|---:|---:|---:|",
    ...[small, large].map((r) => `| ${r.mode} | ${r.assets.toLocaleString("en-US")} | ${(r.loadMs / 1000).toFixed(2)} s | ${mb(r.estimatedBytes)} | ${mb(r.measuredBytes)} | ${mb(r.rssBytes)} |`),
  ];
  console.log(`\n${lines.join("\n")}`);
  if (values.json) writeFileSync(values.json, JSON.stringify({ settings, busy, counts: size.counts, misses, writes, hits, memory: { small, large } }, null, 2));
}

try {
  await main();
} finally {
  killChildren();
}
