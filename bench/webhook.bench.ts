/**
 * Webhook ingestion throughput (issue 6, "Performance"): signed batches of 500 events posted to
 * POST /webhooks/events on the real app over PostgreSQL, one batch at a time and two at once.
 *
 *   DATABASE_URL=postgres://… npx tsx bench/webhook.bench.ts [--customers 10000 --batches 40 --batch-size 500]
 *
 * The mix is what a product-analytics and CRM feed sends: usage 40%, actions 30%, NPS 10%,
 * CSAT 8%, tickets 10%, plan changes 2%. It empties the database it runs on.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { DEFAULT_SCORING } from "../src/config/config.js";
import { loadDataset } from "../src/seed/load.js";
import { Random } from "../src/seed/random.js";
import { createApp } from "../src/server/app.js";
import { testConfig } from "../test/helpers/config.js";
import { signWebhookBody } from "../src/ingestion/webhook.signature.js";
import { BENCH_ADMIN_KEY } from "./http.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";

const SECRET = "bench-webhook-secret";
const DAY = 86_400_000;

function batchOf(rng: Random, customers: { externalId: string; signedUpAt: number }[], size: number, batch: number): string {
  const events = [];
  for (let i = 0; i < size; i++) {
    const c = rng.pick(customers);
    const at = new Date(Math.max(c.signedUpAt + DAY, BENCH_NOW.getTime() - rng.float(0, 30) * DAY)).toISOString();
    const base = { id: `bench-${batch}-${i}`, customerExternalId: c.externalId, at };
    const kind = rng.next();
    if (kind < 0.4) events.push({ ...base, type: "usage", activeUsers: rng.int(0, 20), licensedSeats: 20 });
    else if (kind < 0.7) events.push({ ...base, type: "action", name: rng.pick(["invited_teammate", "connected_integration", "created_report", "exported_data"]) });
    else if (kind < 0.8) events.push({ ...base, type: "nps", score: rng.int(0, 10) });
    else if (kind < 0.88) events.push({ ...base, type: "csat", score: rng.int(1, 5) });
    else if (kind < 0.98) events.push({ ...base, type: "ticket" });
    else events.push({ ...base, type: "plan_change", plan: "growth", mrrCents: rng.int(5_000, 50_000) });
  }
  return JSON.stringify({ events });
}

async function main() {
  const { values } = parseArgs({ options: { customers: { type: "string", default: "10000" }, batches: { type: "string", default: "40" }, "batch-size": { type: "string", default: "500" } } });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  await handle.migrate();
  await loadDataset(handle.db, { customers: Number(values.customers), seed: BENCH_SEED, now: BENCH_NOW, reset: true });
  await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
  await handle.db.execute(sql`vacuum analyze`);
  const customers = (await queryRows<{ externalId: string; signedUpAt: string }>(handle.db, sql`select external_id as "externalId", signed_up_at as "signedUpAt" from customers where status <> 'CHURNED'`)).map((c) => ({
    externalId: c.externalId,
    signedUpAt: new Date(c.signedUpAt).getTime(),
  }));
  // The job runner polls as in production: the queued rescoring runs while batches arrive.
  const app = await createApp(testConfig({ adminApiKey: BENCH_ADMIN_KEY, webhook: { secrets: [SECRET], maxBytes: 4 * 1024 * 1024 }, jobs: { pollMs: 200 } }), { database: handle });
  const queued = async () => (await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from score_refresh_queue`))[0]!.n;
  const server = createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/events`;
  const rng = new Random(`${BENCH_SEED}:webhook`);
  const size = Number(values["batch-size"]);
  const batches = Number(values.batches);
  const bodies = Array.from({ length: batches * 2 + 2 }, (_, i) => batchOf(rng, customers, size, i));
  const send = async (body: string) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-advocate-signature": signWebhookBody(body, SECRET) }, body });
    const answer = (await res.json()) as { accepted: number };
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(answer)}`);
    return answer.accepted;
  };
  let next = 0;
  await send(bodies[next++]!); // warm-up
  for (const concurrency of [1, 2]) {
    let accepted = 0;
    const started = performance.now();
    const perWorker = Math.floor(batches / concurrency);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < perWorker; i++) {
          const stored = await send(bodies[next++]!);
          accepted += stored;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const backlog = await queued();
    while ((await queued()) > 0) await new Promise((r) => setTimeout(r, 50));
    const current = (performance.now() - started) / 1000;
    console.log(
      `${concurrency} at a time: ${perWorker * concurrency} batches of ${size}, ${accepted.toLocaleString("en-US")} events stored in ${seconds.toFixed(1)} s: ` +
        `${Math.round(accepted / seconds).toLocaleString("en-US")} events/s; ${backlog} customers still queued for rescoring at the last answer, every score current after ${current.toFixed(1)} s`,
    );
  }
  const replayStarted = performance.now();
  const replayed = await send(bodies[1]!);
  console.log(`replay of a stored batch: ${replayed} stored, ${(performance.now() - replayStarted).toFixed(0)} ms`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.stop();
  await handle.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
