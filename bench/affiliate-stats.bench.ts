/**
 * Affiliate stats at two sizes, in one run (issue 5, "Performance"): the dashboard query
 *
 *   affiliates(first: 50) { edges { node { code stats { visits referredCustomers churnedCustomers
 *     monthlyChurnRate revenueCents commissionsCents roi qualityScore } } } }
 *
 * with 1,000,000 referral visits and 100,000 referrals, and with a tenth of both, same run.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/affiliate-stats.bench.ts [--visits 1000000 --referrals 100000 --runs 100]
 *
 * The generator's data (seed "bench") has about 16 referrals and 270 visits per 100 customers; the
 * rest is added in SQL, deterministically (md5 of the row number): referrals for customers no one
 * referred yet, to random affiliates, at the customer's signup; visits by visitor ids drawn from a
 * pool per affiliate (so visitors come back), on days spread over the last three years. It
 * empties the database it runs on.
 */
import "reflect-metadata";
import { sql } from "drizzle-orm";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows, type DatabaseHandle } from "../src/db/client.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { DEFAULT_SCORING } from "../src/config/config.js";
import { loadDataset } from "../src/seed/load.js";
import { graphql, measure, serve, type Latency } from "./http.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";

export const STATS_QUERY = `{ affiliates(first: 50) { edges { node { code stats {
  visits referredCustomers churnedCustomers monthlyChurnRate revenueCents commissionsCents roi qualityScore } } } } }`;

interface SizeResult {
  visits: number;
  referrals: number;
  customers: number;
  affiliates: number;
  statementsPerQuery: number;
  latency: Latency;
}

/** Tops the generated data up to the wanted numbers of referrals and visits (fails if the customers are too few). */
async function topUp(handle: DatabaseHandle, referrals: number, visits: number): Promise<void> {
  await handle.db.execute(sql`
    with affiliate_list as (select id, row_number() over (order by id) - 1 as n from affiliates),
    unreferred as (
      select c.id, c.signed_up_at, row_number() over (order by c.id) as n
        from customers c where not exists (select 1 from referrals r where r.customer_id = c.id)
         and not exists (select 1 from affiliates a where a.customer_id = c.id)
    )
    insert into referrals (affiliate_id, customer_id, referred_at, created_at)
    select a.id, u.id, u.signed_up_at, u.signed_up_at
      from unreferred u join affiliate_list a on a.n = ('x' || substr(md5('r' || u.n), 1, 8))::bit(32)::bigint % (select count(*) from affiliates)
     where u.n <= greatest(0, ${referrals} - (select count(*) from referrals))`);
  // Visits that collide with one of the same visitor and day are skipped: draw again, a few rounds, until the number is reached.
  for (let round = 0; round < 6; round++) {
    const [row] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from referral_visits`);
    if (row!.n >= visits) break;
    // The first round draws md5('a' || g); each later one salts the draws with its number.
    const salt = round === 0 ? "" : `${round - 1}-`;
    await handle.db.execute(sql`
      with affiliate_list as (select id, row_number() over (order by id) - 1 as n from affiliates),
      draws as (
        select g, ('x' || substr(md5('a' || ${salt}::text || g), 1, 8))::bit(32)::bigint as ra,
                  ('x' || substr(md5('v' || ${salt}::text || g), 1, 8))::bit(32)::bigint as rv,
                  ('x' || substr(md5('d' || ${salt}::text || g), 1, 8))::bit(32)::bigint as rd
          from generate_series(1, ${visits - row!.n}::int) as g
      )
      insert into referral_visits (affiliate_id, visitor_id, niche, visited_on, at)
      select a.id, 'bench-visitor-' || (d.rv % 2000), null,
             (${BENCH_NOW.toISOString()}::timestamptz - (d.rd % (3 * 365 * 86400)) * interval '1 second')::date,
             ${BENCH_NOW.toISOString()}::timestamptz - (d.rd % (3 * 365 * 86400)) * interval '1 second'
        from draws d join affiliate_list a on a.n = d.ra % (select count(*) from affiliates)
      on conflict do nothing`);
  }
}

/** Keeps `referrals` referrals and `visits` visits, dropping the others (deterministically, by md5 of the id). */
async function trimTo(handle: DatabaseHandle, referrals: number, visits: number): Promise<void> {
  await handle.db.execute(sql`
    delete from referrals where id in (
      select id from referrals order by md5(id::text) offset ${referrals})`);
  await handle.db.execute(sql`
    delete from referral_visits where id in (
      select id from referral_visits order by md5(id::text) offset ${visits})`);
}

async function runSize(databaseUrl: string, customers: number, referrals: number, visits: number, runs: number): Promise<SizeResult> {
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  try {
    await handle.migrate();
    await loadDataset(handle.db, { customers, seed: BENCH_SEED, now: BENCH_NOW, reset: true });
    // Up to the numbers asked for, or down to them when the generator made more.
    await topUp(handle, referrals, visits);
    await trimTo(handle, referrals, visits);
    await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
    await handle.db.execute(sql`vacuum analyze`);
    const [counts] = await queryRows<{ visits: number; referrals: number; affiliates: number }>(
      handle.db,
      sql`select (select count(*) from referral_visits)::int as visits, (select count(*) from referrals)::int as referrals, (select count(*) from affiliates)::int as affiliates`,
    );
    const server = await serve(handle);
    try {
      const before = handle.queryCount();
      await graphql(server.url, STATS_QUERY);
      const statementsPerQuery = handle.queryCount() - before;
      const latency = await measure(() => graphql(server.url, STATS_QUERY), runs, 10);
      return { customers, ...counts!, statementsPerQuery, latency };
    } finally {
      await server.close();
    }
  } finally {
    await handle.close();
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      visits: { type: "string", default: "1000000" },
      referrals: { type: "string", default: "100000" },
      customers: { type: "string", default: "150000" },
      runs: { type: "string", default: "100" },
      // scaled: the small size has a tenth of the customers (and so of the affiliates) too, as a
      // program a tenth the size would; fixed: the same customers and affiliates, each affiliate
      // with a tenth of the referrals and visits (ten times less data behind each row of the page).
      shape: { type: "string", default: "scaled,fixed" },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const [visits, referrals, customers, runs] = [values.visits, values.referrals, values.customers, values.runs].map(Number) as [number, number, number, number];
  for (const shape of values.shape.split(",")) {
    const smallCustomers = shape === "fixed" ? customers : Math.round(customers / 10);
    const small = await runSize(databaseUrl, smallCustomers, Math.round(referrals / 10), Math.round(visits / 10), runs);
    const large = await runSize(databaseUrl, customers, referrals, visits, runs);
    console.log(`shape "${shape}":`);
    for (const r of [small, large]) {
      console.log(
        `  ${r.visits.toLocaleString("en-US")} visits, ${r.referrals.toLocaleString("en-US")} referrals, ${r.customers.toLocaleString("en-US")} customers, ${r.affiliates} affiliates: ` +
          `median ${r.latency.median.toFixed(2)} ms, p95 ${r.latency.p95.toFixed(2)} ms over ${r.latency.runs} runs, ${r.statementsPerQuery} SQL statements`,
      );
    }
    const ratio = large.latency.median / small.latency.median;
    console.log(`  ratio of medians: ${ratio.toFixed(2)}× (goal ≤ 2×: ${ratio <= 2 ? "met" : "NOT met"})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
