import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startServerProcess, tsxProcess, type ServerProcess } from "../helpers/server-process.js";

// The embedded database (PGlite in ./data) belongs to one process: with `npm start` running, a
// second process (here `npm run import`) must refuse the directory, not report success and lose
// its writes. Real processes on a directory of their own; PostgreSQL and memory:// do not lock.

const ADMIN_KEY = "lock-test-admin-key-0123456789";
const cwd = mkdtempSync(join(tmpdir(), "advocate-lock-"));
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const server of running) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
  rmSync(cwd, { recursive: true, force: true });
});

async function startServer(): Promise<{ server: ServerProcess; port: number }> {
  const port = await freePort();
  const server = startServerProcess({ PORT: String(port), SEED_DEMO: "false", ADMIN_API_KEY: ADMIN_KEY, SHUTDOWN_DRAIN_SECONDS: "0" }, cwd);
  running.push(server);
  await server.listening(90_000);
  return { server, port };
}

async function stop(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM") {
  server.child.kill(signal);
  const code = await server.exited;
  running.splice(running.indexOf(server), 1);
  return code;
}

async function customerNames(port: number): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query: "{ customers(first: 10) { edges { node { name } } } }" }),
  });
  const body = (await res.json()) as { data: { customers: { edges: { node: { name: string } }[] } } };
  return body.data.customers.edges.map((e) => e.node.name);
}

function importCsv(name: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(cwd, `${name}.csv`);
  writeFileSync(file, `external_id,name\n${name},${name}\n`);
  const [args, options] = tsxProcess("src/ingestion/import.cli.ts", ["--customers", file], {}, cwd);
  return promisify(execFile)(process.execPath, args, options).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

describe("the embedded database's data directory", () => {
  it("is refused to a second process while the server has it, and taken once the server stopped (or died)", async () => {
    const first = await startServer();
    const pid = first.server.child.pid!;
    const refused = await importCsv("while-running");
    expect(refused.code).toBe(1);
    expect(refused.stdout).not.toMatch(/created/);
    expect(refused.stderr).toContain(`the embedded database in ${join(cwd, "data")} is in use by another Advocate process (pid ${pid})`);
    expect(refused.stderr).toMatch(/Stop that process first .* or set DATABASE_URL to a PostgreSQL server/);
    expect(await customerNames(first.port)).toEqual([]);
    expect(existsSync(join(cwd, "data", "advocate.lock"))).toBe(true);

    expect(await stop(first.server)).toBe(0);
    expect(existsSync(join(cwd, "data", "advocate.lock"))).toBe(false);
    const taken = await importCsv("after-stop");
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(/1 created/);

    // A restart sees the imported row, and nothing of the refused run.
    const second = await startServer();
    expect(await customerNames(second.port)).toEqual(["after-stop"]);

    // A process that dies without closing leaves its lock behind; the next one takes it over.
    await stop(second.server, "SIGKILL");
    expect(existsSync(join(cwd, "data", "advocate.lock"))).toBe(true);
    const afterCrash = await importCsv("after-crash");
    expect(afterCrash.code, afterCrash.stderr).toBe(0);
    expect(afterCrash.stdout).toMatch(/1 created/);
    const third = await startServer();
    expect((await customerNames(third.port)).sort()).toEqual(["after-crash", "after-stop"]);
  }, 300_000);
});
