/**
 * Cluster mode against one process (issue 7, "Scale-out"): the same server started as
 * `npm start` (one process) and as `npm run start:cluster` (CLUSTER_WORKERS processes), on the
 * same PostgreSQL database, measured with autocannon in a process of its own:
 *   - GET /landing, cached (a marketing page view)
 *   - a dashboard GraphQL query (a page of 20 customers with scores and segments: database work)
 *
 *   DATABASE_URL=postgres://… npx tsx bench/cluster.bench.ts [--customers 10000 --workers 2 --connections 32 --duration 10]
 *
 * It empties the database it runs on.
 */
import "reflect-metadata";
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { autocannon as load, BENCH_ADMIN_KEY, benchDataset, freePort } from "./http.js";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

async function startServer(script: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", here(script)], { env: { ...process.env, ...env, LOG_LEVEL: "warn" }, stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr!.on("data", (c) => (output += c));
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${env.PORT}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${output.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Every worker listens once the cluster answers; give the last ones a moment.
  await new Promise((r) => setTimeout(r, 2_000));
  return child;
}

async function main() {
  const { values } = parseArgs({
    options: { customers: { type: "string", default: "10000" }, workers: { type: "string", default: String(availableParallelism()) }, connections: { type: "string", default: "32" }, duration: { type: "string", default: "10" } },
  });
  const dataset = await benchDataset(Number(values.customers));
  if (!dataset) return;
  const { url, handle } = dataset;
  await handle.close();

  const connections = Number(values.connections);
  const duration = Number(values.duration);
  const dashboard = JSON.stringify({ query: "{ customers(first: 20) { edges { node { name healthScore churnRisk advocacyScore segments { name } } } } }" });
  const rows: string[] = [];
  const results: Record<string, { landing: number; dashboard: number }> = {};
  for (const [mode, script, env] of [
    ["one process (npm start)", "../src/server/main.ts", {}],
    [`cluster, ${values.workers} workers (npm run start:cluster)`, "../src/server/cluster.ts", { CLUSTER_WORKERS: values.workers! }],
  ] as const) {
    const port = String(await freePort());
    const server = await startServer(script, { ...env, DATABASE_URL: url, PORT: port, ADMIN_API_KEY: BENCH_ADMIN_KEY, SEED_DEMO: "false", RATE_LIMIT_PER_KEY_PER_MINUTE: "0", RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "0" });
    try {
      const base = `http://127.0.0.1:${port}`;
      const landing = await load({ url: `${base}/landing?niche=healthcare`, connections, warmupSeconds: 2, durationSeconds: duration });
      const graphql = await load({
        url: `${base}/graphql`,
        connections,
        warmupSeconds: 2,
        durationSeconds: duration,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_ADMIN_KEY}` },
        body: dashboard,
      });
      for (const r of [landing, graphql]) if (r.non2xx + r.errors > 0) throw new Error(`${mode}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      results[mode] = { landing: landing.rps, dashboard: graphql.rps };
      rows.push(
        `| ${mode} | ${Math.round(landing.rps).toLocaleString("en-US")} | ${landing.latency.p99.toFixed(2)} | ${Math.round(graphql.rps).toLocaleString("en-US")} | ${graphql.latency.p99.toFixed(2)} |`,
      );
    } finally {
      server.kill("SIGTERM");
      await new Promise((r) => server.once("exit", r));
    }
  }
  const [single, clustered] = Object.values(results);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}; ${values.customers} customers; ${connections} connections, ${duration} s a row`);
  console.log("\n| | GET /landing cached rps | p99 ms | dashboard GraphQL rps | p99 ms |\n|---|---:|---:|---:|---:|");
  for (const row of rows) console.log(row);
  console.log(`\ncluster ÷ one process: landing ${(clustered!.landing / single!.landing).toFixed(2)}×, dashboard ${(clustered!.dashboard / single!.dashboard).toFixed(2)}×`);
}

await main();
