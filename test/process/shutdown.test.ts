import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "../../src/db/client.js";
import { freePort, startServerProcess } from "../helpers/server-process.js";

// SIGTERM under load: the server stops accepting, answers every request it had accepted, flushes
// the landing impressions it buffered, closes the database and exits 0. A request is "failed" if
// it was accepted and then got no answer (reset, hang-up) or a 5xx; a connection refused after
// the listener closed is the client's cue to go to another instance.

const ADMIN = "shutdown-admin-key-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "advocate-shutdown-"));
let child: ChildProcess | undefined;

afterAll(() => {
  child?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

type Outcome = ({ status: number } | { error: string }) & { sentAt: number };

/** One request on a new connection (no keep-alive), so "accepted" is unambiguous. */
function send(port: number, path: string, body?: string): Promise<Outcome> {
  const sentAt = Date.now();
  return new Promise((done) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: body ? "POST" : "GET", agent: false, headers: body ? { "content-type": "application/json", authorization: `Bearer ${ADMIN}` } : {} },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => done({ status: res.statusCode ?? 0, sentAt, ...(res.statusCode === 200 ? {} : { path, text: text.slice(0, 300) }) }));
        res.on("error", (e) => done({ error: (e as NodeJS.ErrnoException).code ?? e.message, sentAt }));
      },
    );
    req.on("error", (e) => done({ error: (e as NodeJS.ErrnoException).code ?? e.message, sentAt }));
    req.end(body);
  });
}

describe("graceful shutdown", () => {
  it("answers every accepted request during a SIGTERM under load, flushes impressions and exits 0", async () => {
    const port = await freePort();
    const server = startServerProcess({ PORT: String(port), ADMIN_API_KEY: ADMIN, SHUTDOWN_DRAIN_SECONDS: "1" }, dataDir);
    child = server.child;
    const { exited, output } = server;
    await server.listening(90_000);

    // Load: dashboards (a page of customers with scores and segments, ~tens of ms) and landing pages.
    const query = JSON.stringify({ query: "{ customers(first: 100) { edges { node { name healthScore churnRisk segments { name } } } } }" });
    const outcomes: Outcome[] = [];
    let stop = false;
    const worker = async (i: number) => {
      while (!stop) {
        const outcome = await send(port, i % 2 ? "/graphql" : `/landing?niche=n${i % 5}`, i % 2 ? query : undefined);
        outcomes.push(outcome);
        if ("error" in outcome) return;
      }
    };
    const workers = Array.from({ length: 16 }, (_, i) => worker(i));
    // Under load, not after a fixed time: a busy machine answers fewer requests a second.
    for (const until = Date.now() + 30_000; outcomes.length <= 20 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
    const before = outcomes.length;
    const signalledAt = Date.now();
    child.kill("SIGTERM");
    const code = await exited;
    stop = true;
    await Promise.all(workers);

    expect(code, output().slice(-3000)).toBe(0);
    expect(before).toBeGreaterThan(20);
    // Every request sent before the signal was answered 200, and so was whatever came during the
    // drain; after the listener closed, new connections are refused (or reset while queued).
    const inFlight = outcomes.filter((o) => o.sentAt < signalledAt);
    expect(inFlight.filter((o) => !("status" in o) || o.status !== 200), output().split("\n").filter((l) => !l.includes("graphql request")).slice(-20).join("\n")).toEqual([]);
    expect(outcomes.filter((o) => "status" in o && o.status >= 500), `signal at ${signalledAt}; ` + output().split("\n").filter((l) => !l.includes("graphql request")).slice(-30).join("\n")).toEqual([]);
    expect(outcomes.filter((o) => "status" in o && o.status === 200).length).toBeGreaterThan(before);
    expect(output()).toMatch(/"message":"shut down"/);

    // The impressions buffered until the end were written before the database closed.
    const db = await openDatabase({ kind: "pglite", dataDir: join(dataDir, "data") });
    try {
      const [row] = await queryRows<{ n: number }>(db.db, sql`select coalesce(sum(impressions), 0)::int as n from content_impressions`);
      expect(row!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 150_000);
});
