/**
 * Segment-compatible ingestion throughput (issue 15, point 3): batches of 500 track calls posted to
 * POST /v1/batch on the real app over PostgreSQL, as Segment's clients send them (HTTP Basic with
 * a server key), one at a time and several at once, then the same batches again (all duplicates).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/segment.bench.ts [--customers 3000 --batches 400 --batch-size 500 --concurrency 1,4,8]
 *
 * The calls spread over the customers, 20 event names and 25 users per customer, over the last
 * two days, each with its own messageId. It empties the database it runs on.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { queryRows } from "../src/db/client.js";
import { Random } from "../src/seed/random.js";
import { createApp } from "../src/server/app.js";
import { createServerKey } from "../src/server-keys/server-key.service.js";
import { ServerKeyScope } from "../src/auth/auth.enums.js";
import { testConfig } from "../test/helpers/config.js";
import { BENCH_ADMIN_KEY, benchDataset, keptAlive } from "./http.js";
import { postgresCpuSeconds, postmasterOf } from "./postgres-cpu.js";
import { BENCH_SEED } from "./intelligence.bench.js";

const NAMES = Array.from({ length: 20 }, (_, i) => `Feature ${i} Used`);

function batchOf(rng: Random, accounts: string[], size: number, batch: number, now: number): string {
  const calls = [];
  for (let i = 0; i < size; i++) {
    const account = rng.pick(accounts);
    calls.push({
      type: "track",
      messageId: `bench-${batch}-${i}`,
      userId: `${account}-u${rng.int(0, 24)}`,
      event: rng.pick(NAMES),
      properties: { plan: "growth", items: rng.int(1, 9) },
      context: { groupId: account, library: { name: "@segment/analytics-node", version: "3.1.0" } },
      timestamp: new Date(now - rng.float(0, 2 * 86_400_000)).toISOString(),
    });
  }
  return JSON.stringify({ batch: calls, sentAt: new Date(now).toISOString() });
}

async function main() {
  const { values } = parseArgs({
    options: { customers: { type: "string", default: "3000" }, batches: { type: "string", default: "400" }, "batch-size": { type: "string", default: "500" }, concurrency: { type: "string", default: "1,4,8" } },
  });
  const dataset = await benchDataset(Number(values.customers));
  if (!dataset) return;
  const { handle } = dataset;
  await handle.db.execute(sql`truncate product_activity_daily, segment_message_ids`);
  const { secret } = await createServerKey(handle.db, { name: "bench", scopes: [ServerKeyScope.INGESTION] });
  const accounts = (await queryRows<{ external_id: string }>(handle.db, sql`select external_id from customers`)).map((r) => r.external_id);
  const app = await createApp(testConfig({ adminApiKey: BENCH_ADMIN_KEY, jobs: { pollMs: 60_000 } }), { database: handle });
  const server = createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch`;
  const authorization = `Basic ${Buffer.from(`${secret}:`).toString("base64")}`;
  const rng = new Random(`${BENCH_SEED}:segment`);
  const size = Number(values["batch-size"]);
  const batches = Number(values.batches);
  const levels = values.concurrency!.split(",").map(Number);
  const now = Date.now();
  const bodies = Array.from({ length: batches * levels.length + 5 }, (_, i) => batchOf(rng, accounts, size, i, now));
  console.log(`${accounts.length} customers; batches of ${size} track calls, ${Math.round(bodies[0]!.length / 1024)} KB each`);
  // node:http on kept-alive sockets: the sender shares the server's two cores, and fetch costs
  // it more per request than the server's own parsing of the batch.
  const client = keptAlive(url, Math.max(...levels));
  const send = async (body: string) => {
    const res = await client.send("POST", "/v1/batch", body, { "content-type": "application/json", authorization });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
    return JSON.parse(res.text) as { accepted: number; duplicates: number };
  };
  const postmaster = await postmasterOf(handle.db);
  const run = async (list: string[], concurrency: number) => {
    let accepted = 0;
    let duplicates = 0;
    let next = 0;
    const cpu = process.cpuUsage();
    const pgCpu = postgresCpuSeconds(postmaster);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < list.length) {
          const answer = await send(list[next++]!);
          accepted += answer.accepted;
          duplicates += answer.duplicates;
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    const calls = list.length * size;
    const perCall = (seconds: number) => `${((seconds * 1e6) / calls).toFixed(1)} µs`;
    const cpuNote = `CPU per call: Node (server and client) ${perCall((used.user + used.system) / 1e6)}, PostgreSQL ${perCall(postgresCpuSeconds(postmaster) - pgCpu)}`;
    return { accepted, duplicates, seconds: (performance.now() - started) / 1000, cpuNote };
  };
  let offset = 0;
  await run(bodies.slice(offset, (offset += 5)), 1); // warm-up
  for (const concurrency of levels) {
    const list = bodies.slice(offset, (offset += batches));
    const { accepted, seconds, cpuNote } = await run(list, concurrency);
    console.log(`${concurrency} at a time: ${list.length} batches, ${accepted.toLocaleString("en-US")} calls counted in ${seconds.toFixed(1)} s: ${Math.round(accepted / seconds).toLocaleString("en-US")} calls/s; ${cpuNote}`);
  }
  const replay = await run(bodies.slice(5, 5 + batches), levels[levels.length - 1]!);
  console.log(`replay of ${batches} batches: ${replay.duplicates.toLocaleString("en-US")} duplicates, ${replay.accepted} counted, ${Math.round(replay.duplicates / replay.seconds).toLocaleString("en-US")} calls/s; ${replay.cpuNote}`);
  const [stored] = await queryRows<{ rows: number; events: number; ids: number; bytes: string }>(
    handle.db,
    sql`select (select count(*)::int from product_activity_daily) as rows, (select sum(events)::int from product_activity_daily) as events,
               (select count(*)::int from segment_message_ids) as ids,
               pg_size_pretty(pg_total_relation_size('product_activity_daily') + pg_total_relation_size('segment_message_ids')) as bytes`,
  );
  console.log(`stored: ${stored!.events.toLocaleString("en-US")} events in ${stored!.rows.toLocaleString("en-US")} day rows; ${stored!.ids.toLocaleString("en-US")} messageIds in the window; ${stored!.bytes} on disk`);
  client.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.stop();
  await handle.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
