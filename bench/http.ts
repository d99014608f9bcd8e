import { fork } from "node:child_process";
import { Agent, createServer, request, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { openDatabase, type DatabaseHandle } from "../src/db/client.js";
import { parseDatabaseUrl } from "../src/config/env.js";
import { recomputeAllScores } from "../src/intelligence/scores.service.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { DEFAULT_SCORING } from "../src/config/config.js";
import { loadDataset } from "../src/seed/load.js";
import { BENCH_NOW, BENCH_SEED } from "./intelligence.bench.js";
import { createApp } from "../src/server/app.js";
import { testConfig } from "../test/helpers/config.js";

export const BENCH_ADMIN_KEY = "bench-admin-key-0123456789";

/** The real app on an ephemeral loopback port, for latency measurements over HTTP. */
export async function serve(database: DatabaseHandle): Promise<{ url: string; close(): Promise<void> }> {
  const app = await createApp(testConfig({ adminApiKey: BENCH_ADMIN_KEY }), { database });
  const server: Server = createServer(app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
    },
  };
}

export interface Latency {
  median: number;
  p95: number;
  runs: number;
}

/** Sequential requests (no concurrency): the time one dashboard query takes, in ms. */
export async function measure(run: () => Promise<void>, runs = 200, warmup = 20): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)]!, p95: times[Math.floor(runs * 0.95)]!, runs };
}

/**
 * Kept-alive connections to a server (one unless told), for requests one at a time on each: node:http with no more than
 * it needs, so that a round trip measures the server, not the client (fetch costs ~1 ms a request
 * on this machine, as much as the answer it waits for).
 */
export function keptAlive(url: string, sockets = 1) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const { hostname, port } = new URL(url);
  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
      const req = request({ agent, hostname, port, method, path, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

export async function graphql(url: string, query: string, key = BENCH_ADMIN_KEY): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: unknown[]; data?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** A loopback port nothing listens on, for a server started in another process. */
export const freePort = () =>
  new Promise<number>((done) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });

export interface AutocannonResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p99: number };
}

/** One autocannon run in a process of its own (bench/autocannon-runner.js: the spec it takes). */
export function autocannon(spec: Record<string, unknown>): Promise<AutocannonResult> {
  const child = fork(fileURLToPath(new URL("./autocannon-runner.js", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("message", (message: { ok: boolean; result: AutocannonResult; error: string }) => (message.ok ? resolve(message.result) : reject(new Error(message.error))));
    child.send(spec);
  });
}

/**
 * DATABASE_URL's PostgreSQL emptied and loaded with `customers` generated customers (seed
 * "bench"), scored; null (and exit status 2) when DATABASE_URL is not a PostgreSQL URL.
 */
export async function benchDataset(customers: number): Promise<{ url: string; handle: DatabaseHandle } | null> {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith("postgres")) {
    console.error("Set DATABASE_URL=postgres://… : this benchmark empties the database it runs on.");
    process.exitCode = 2;
    return null;
  }
  const handle = await openDatabase(parseDatabaseUrl(url));
  await handle.migrate();
  await loadDataset(handle.db, { customers, seed: BENCH_SEED, now: BENCH_NOW, reset: true });
  await recomputeAllScores(serviceContextWithoutServer(handle.db, DEFAULT_SCORING), BENCH_NOW);
  return { url, handle };
}
