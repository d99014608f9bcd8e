/**
 * POST /webhooks/stripe throughput (issue 14, "Performance": at least 1,000 events/s on
 * PostgreSQL). Stripe sends one event per request and delivers concurrently; this bench does the
 * same over HTTP against the real app on PostgreSQL, each event signed as Stripe signs it (the
 * stripe package's generateTestHeaderString).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/stripe-webhook.bench.ts [--customers 10000 --checkouts 1500 --concurrency 1,8,32]
 *
 * Each checkout is the four events a Stripe Checkout in subscription mode sends (customer.created,
 * checkout.session.completed, customer.subscription.created, invoice.paid, API 2025-03-31.basil),
 * a quarter of them carrying the client_reference_id of a visitor who visited an affiliate, so
 * attribution runs too; every event id is new. A checkout's four events go one after another
 * (Stripe does not wait for one before the next either, but a worker keeps them in order), many
 * checkouts at once. Then renewals (invoice.paid of known customers) and replays (duplicates).
 * It empties the database it runs on.
 */
import "reflect-metadata";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import Stripe from "stripe";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { loadDataset } from "../src/seed/load.js";
import { demoCheckoutEvents, stripeEvent } from "../src/stripe/demo-events.js";
import { keptAlive } from "./http.js";
import { postgresCpuSeconds, postmasterOf } from "./postgres-cpu.js";
import { killChildren, startServer } from "./server-process.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";

const SECRET = "whsec_bench_0123456789abcdef";
const stripe = new Stripe("sk_test_not_used");
const sign = (payload: string) => stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });

type Event = Record<string, unknown>;

async function main() {
  const { values } = parseArgs({
    options: {
      customers: { type: "string", default: "10000" },
      checkouts: { type: "string", default: "1500" },
      concurrency: { type: "string", default: "1,8,32" },
      servers: { type: "string", default: "1" },
    },
  });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return;
  }
  const handle = await openDatabase(parseDatabaseUrl(databaseUrl));
  await handle.migrate();
  await loadDataset(handle.db, { customers: Number(values.customers), seed: BENCH_SEED, now: BENCH_NOW, reset: true });
  await handle.db.execute(sql`vacuum analyze`);
  const codes = (await queryRows<{ code: string }>(handle.db, sql`select code from affiliates order by code limit 50`)).map((r) => r.code);
  const postmaster = await postmasterOf(handle.db);

  // The server runs in a process of its own, as it does in production: the harness that signs
  // and sends the events does not share its event loop. BENCH_CPU_PROF=dir profiles it.
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // --servers N: N server processes, as N instances behind a load balancer (or npm run
  // start:cluster's workers): each checkout's events go to one of them, checkouts round-robin.
  const servers = await Promise.all(Array.from({ length: Number(values.servers) }, () => startServer({ kind: "app", databaseUrl, stripeWebhookSecrets: [SECRET] }, profile)));
  const server = {
    stats: async () => {
      const all = await Promise.all(servers.map((s) => s.stats()));
      return { cpuMs: all.reduce((sum, s) => sum + s.cpuMs, 0), queries: all.reduce((sum, s) => sum + s.queries, 0) };
    },
    stop: () => Promise.all(servers.map((s) => s.stop())),
  };
  const base = servers[0]!.url;
  const outcomes = new Map<string, number>();
  // The sender's side costs as little as it can, as it runs on the server's two cores: node:http
  // on kept-alive sockets (fetch costs several times more a request), and each event is
  // serialized and signed before the clock starts (Stripe does that on its own machines; a
  // signature stays valid for the 300 s tolerance, far longer than a run).
  const levels = values.concurrency.split(",").map(Number);
  const clients = servers.map((s) => keptAlive(s.url, Math.max(...levels)));
  type Signed = { payload: string; signature: string };
  const signed = (event: Event): Signed => {
    const payload = JSON.stringify(event);
    return { payload, signature: sign(payload) };
  };
  const send = async ({ payload, signature }: Signed, group: number) => {
    const res = await clients[group % clients.length]!.send("POST", "/webhooks/stripe", payload, { "content-type": "application/json", "stripe-signature": signature });
    const answer = JSON.parse(res.text) as { outcome?: string };
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
    outcomes.set(answer.outcome ?? "?", (outcomes.get(answer.outcome ?? "?") ?? 0) + 1);
  };
  const visit = async (visitorId: string, affiliate: string) => {
    const res = await fetch(`${base}/visits`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ affiliate, visitorId }) });
    if (res.status !== 200) throw new Error(`visit: HTTP ${res.status}`);
  };

  /** Runs `groups` (each a list of events sent in order) on `concurrency` workers; events/s. */
  async function run(label: string, events: Event[][], concurrency: number) {
    const groups = events.map((group) => group.map(signed));
    let next = 0;
    let sent = 0;
    outcomes.clear();
    const before = await server.stats();
    const [pgBefore, benchBefore] = [postgresCpuSeconds(postmaster), process.cpuUsage()];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < groups.length) {
          const group = next++;
          for (const event of groups[group]!) {
            await send(event, group);
            sent++;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await server.stats();
    const pgMs = (postgresCpuSeconds(postmaster) - pgBefore) * 1000;
    const bench = process.cpuUsage(benchBefore);
    const tally = [...outcomes].map(([k, n]) => `${k} ${n}`).join(", ");
    // CPU and statements per event of the server alone: figures that other load on the machine changes least.
    const perEvent = `${((after.cpuMs - before.cpuMs) / sent).toFixed(2)} ms server CPU, ${((after.queries - before.queries) / sent).toFixed(1)} statements per event; PostgreSQL ${(pgMs / sent).toFixed(2)} ms, this harness ${((bench.user + bench.system) / 1000 / sent).toFixed(2)} ms CPU per event`;
    console.log(`${label}, ${concurrency} at a time: ${sent.toLocaleString("en-US")} events in ${seconds.toFixed(1)} s: ${Math.round(sent / seconds).toLocaleString("en-US")} events/s; ${perEvent} (${tally})`);
    return sent / seconds;
  }

  const checkouts = Number(values.checkouts);
  const made: { customer: string; subscription: string }[] = [];
  let visitor = 0;
  async function checkoutGroups(n: number): Promise<Event[][]> {
    const groups: Event[][] = [];
    for (let i = 0; i < n; i++) {
      let clientReferenceId: string | null = null;
      if (i % 4 === 0 && codes.length > 0) {
        const visitorId = `benchvisitor${++visitor}`;
        await visit(visitorId, codes[i % codes.length]!);
        clientReferenceId = `adv_${visitorId}`;
      }
      const { ids, events } = demoCheckoutEvents({ plan: i % 3 === 0 ? "growth" : "starter", clientReferenceId, at: Math.floor(Date.now() / 1000) });
      made.push({ customer: ids.customer, subscription: ids.subscription });
      groups.push(events);
    }
    return groups;
  }

  await run("warm-up checkouts", await checkoutGroups(50), 4);
  for (const concurrency of levels) await run("checkouts (4 events each)", await checkoutGroups(checkouts), concurrency);

  // A month later: each customer's renewal invoice, in any order.
  const renewals: Event[][] = made.slice(0, checkouts).map(({ customer, subscription }, i) => {
    const { events } = demoCheckoutEvents({ plan: "starter", clientReferenceId: null, at: Math.floor(Date.now() / 1000) });
    const invoice = structuredClone((events[3]!.data as { object: Record<string, unknown> }).object);
    Object.assign(invoice, { customer, billing_reason: "subscription_cycle", id: `in_bench_renewal_${i}` });
    (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription = subscription;
    return [stripeEvent("invoice.paid", invoice, Math.floor(Date.now() / 1000))];
  });
  await run("renewals (invoice.paid of known customers)", renewals, Math.max(...levels));
  await run("replays of delivered events", renewals, Math.max(...levels));

  const counts = await queryRows<{ events: number; payments: number; referrals: number }>(
    handle.db,
    sql`select (select count(*)::int from stripe_events) as events, (select count(*)::int from payments) as payments,
               (select count(*)::int from referrals where visitor_id like 'benchvisitor%') as referrals`,
  );
  const { queries } = await server.stats();
  console.log(`stored: ${JSON.stringify(counts[0])}; SQL statements by the server: ${queries.toLocaleString("en-US")}`);
  for (const client of clients) client.close();
  await server.stop();
  await handle.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    await main();
  } finally {
    killChildren();
  }
}
