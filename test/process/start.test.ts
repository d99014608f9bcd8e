import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startServerProcess, waitFor } from "../helpers/server-process.js";

// `npm start` as a newcomer runs it: a real process, demo data, a printed admin key.

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill("SIGTERM");
  child = undefined;
});

function start(env: Record<string, string>) {
  const proc = startServerProcess(env);
  child = proc.child;
  return proc;
}

describe("npm start", () => {
  it("serves GraphQL with demo data and prints an admin key when none is set", async () => {
    const port = await freePort();
    const proc = start({ DATABASE_URL: "memory://", PORT: String(port) });
    await waitFor(() => proc.output().includes("Advocate is listening"), 45_000);
    const key = /adv_admin_[A-Za-z0-9_-]+/.exec(proc.output())?.[0];
    expect(key).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ customers(first: 5) { totalCount edges { node { name } } } affiliates { totalCount } journeys { name trigger } }" }),
    });
    const body = (await res.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.totalCount).toBeGreaterThanOrEqual(100);
    expect(body.data.customers.edges).toHaveLength(5);
    expect(body.data.affiliates.totalCount).toBeGreaterThan(0);
    expect(body.data.journeys).toEqual([{ name: "Referred customer onboarding", trigger: "REFERRAL_ATTRIBUTED" }]);
  }, 60_000);

  it("with SEED_DEMO=false starts on an empty database", async () => {
    const port = await freePort();
    const proc = start({ DATABASE_URL: "memory://", PORT: String(port), SEED_DEMO: "false", ADMIN_API_KEY: "k".repeat(20) });
    await waitFor(() => proc.output().includes("Advocate is listening"), 45_000);
    expect(proc.output()).not.toContain("adv_admin_");
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${"k".repeat(20)}` },
      body: JSON.stringify({ query: "{ customers { totalCount } }" }),
    });
    expect(((await res.json()) as any).data.customers.totalCount).toBe(0);
  }, 60_000);

  it("refuses to start in production without ADMIN_API_KEY", async () => {
    const proc = start({ DATABASE_URL: "memory://", NODE_ENV: "production" });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain("ADMIN_API_KEY is required");
  }, 30_000);
});
