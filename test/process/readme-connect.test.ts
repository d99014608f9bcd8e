import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startServerProcess, type ServerProcess } from "../helpers/server-process.js";

// README's "Connect your stack" as a newcomer follows it: `npm start` with the Stripe secret and
// the site's origin it names, then its "# connect" blocks, run verbatim with bash in that
// directory (the port through ADVOCATE_URL, which the blocks default to http://localhost:4000).

const run = promisify(execFile);
const README = readFileSync("README.md", "utf8");
const blocks = [...README.matchAll(/```sh\n\s*(# connect[^\n]*\n[\s\S]*?)```/g)].map((m) => m[1]!.replace(/^ {3}/gm, ""));
const SEPARATOR = "@@connect-block@@";

let dir: string;
let server: ServerProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "advocate-connect-"));
  port = await freePort();
  // The start line of the section, as written there.
  expect(README).toContain("STRIPE_WEBHOOK_SECRET=whsec_demo PUBLIC_CORS_ORIGINS=http://localhost:4000 npm start");
  server = startServerProcess({ PORT: String(port), STRIPE_WEBHOOK_SECRET: "whsec_demo", PUBLIC_CORS_ORIGINS: "http://localhost:4000" }, dir);
  await server.listening(120_000);
}, 130_000);

afterAll(async () => {
  if (server) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe("README: Connect your stack", () => {
  it("runs its blocks verbatim: a server key reports a signup the snippet's visit attributes, a Stripe-signed event links the customer, a rate is recorded", async () => {
    expect(blocks).toHaveLength(3);
    const script = blocks.map((block) => `${block}\nprintf '\\n${SEPARATOR}\\n'\n`).join("");
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, ADVOCATE_URL: `http://127.0.0.1:${port}` },
      timeout: 60_000,
    });
    const outputs = stdout.split(`\n${SEPARATOR}\n`).slice(0, -1);
    expect(outputs).toHaveLength(3);
    const lines = outputs[0]!.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ recorded: true });
    const conversion = JSON.parse(lines.at(-1)!);
    expect(conversion).toEqual({ data: { reportConversion: { customerId: expect.any(String), status: "ATTRIBUTED", affiliateCode: "granite-lab", created: true } } });
    expect(JSON.parse(outputs[1]!.trim())).toMatchObject({ received: true, id: "evt_readme_1", outcome: "applied" });
    expect(JSON.parse(outputs[2]!.trim())).toEqual({ data: { setExchangeRate: { currency: "EUR", quoteCurrency: "USD", rate: 1.08 } } });

    // What the blocks did, through the API: the Stripe customer is the one the backend reported.
    const key = readFileSync(join(dir, "data", "advocate-admin-key"), "utf8").trim();
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        query: `query($id: ID!) { customer(id: $id) { externalId name referredBy { code } stripeCustomers { id email } } }`,
        variables: { id: conversion.data.reportConversion.customerId },
      }),
    });
    const body = (await res.json()) as { data?: { customer: unknown }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data!.customer).toEqual({ externalId: "crm-readme-1", name: "Readme Corp", referredBy: { code: "granite-lab" }, stripeCustomers: [{ id: "cus_readme1", email: "billing@readme.example" }] });
  }, 90_000);
});
