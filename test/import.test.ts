import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import { importCustomersCsv, importEventsNdjson } from "../src/ingestion/import.service.js";
import { startTestApp, unique, daysAgo, type TestApp } from "./helpers/app.js";

// Bulk import (npm run import): streamed, batched, per-row errors, idempotent on a re-run.

let t: TestApp;
let dir: string;
const prefix = unique("imp");
beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), "advocate-import-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (table: string, where = sql`true`) =>
  (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`))[0]!.n;

describe("npm run import", () => {
  it("imports customers from CSV in batches, reports refused rows by line, and changes nothing on a re-run", async () => {
    const lines = ["external_id,name,niche,plan,mrr_cents,acquisition_channel,status,signed_up_at,retention_cost_cents"];
    for (let i = 0; i < 45; i++) lines.push(`${prefix}-${i},"Company ${i}, Inc",SaaS,growth,${1000 + i},partner,,${daysAgo(100 + i)},100`);
    lines.push(`${prefix}-bad-mrr,Bad Mrr,saas,growth,12.5,partner,,,`); // line 47
    lines.push(`,No Id,saas,growth,100,,,,`); // line 48
    lines.push(`${prefix}-bad-date,Bad Date,saas,growth,100,,,yesterday,`); // line 49
    lines.push(`${prefix}-trial,On Trial,saas,,0,,trial,${daysAgo(3)},`);
    const file = join(dir, "customers.csv");
    writeFileSync(file, lines.join("\n") + "\n");

    const first = await importCustomersCsv(t.app.serviceContext, file, { batchSize: 10 });
    expect(first).toMatchObject({ rows: 49, created: 46, updated: 0, unchanged: 0, rejected: 3 });
    expect(first.errors).toEqual([
      { line: 47, reason: expect.stringMatching(/^mrr_cents: must be a whole number/) },
      { line: 48, reason: expect.stringMatching(/^externalId: must not be empty/) },
      { line: 49, reason: expect.stringMatching(/^signed_up_at: must be an ISO-8601 date/) },
    ]);
    const imported = sql`customer_id in (select id from customers where external_id like ${prefix + "%"})`;
    expect(await count("plan_changes", imported)).toBe(45); // the trial pays nothing yet
    expect(await count("customer_scores", imported)).toBe(46);
    const one = await t.admin(`{ customers(first: 100, filter: {niche: "saas"}) { edges { node { externalId name niche mrrCents healthScore } } } }`);
    expect(one.data!.customers.edges.map((e: any) => e.node)).toContainEqual(
      expect.objectContaining({ externalId: `${prefix}-7`, name: "Company 7, Inc", niche: "saas", mrrCents: 1007, healthScore: expect.any(Number) }),
    );

    const again = await importCustomersCsv(t.app.serviceContext, file, { batchSize: 10 });
    expect(again).toMatchObject({ rows: 49, created: 0, updated: 0, unchanged: 46, rejected: 3 });
    expect(await count("plan_changes", imported)).toBe(45);

    // A changed row updates that customer and records its billing change, once.
    writeFileSync(file, [lines[0], lines[1]!.replace(",1000,", ",5000,")].join("\n"));
    expect(await importCustomersCsv(t.app.serviceContext, file)).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(await importCustomersCsv(t.app.serviceContext, file)).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await count("plan_changes", imported)).toBe(46);
  });

  it("imports events from NDJSON through the webhook's ingestion, idempotent by id", async () => {
    const file = join(dir, "events.ndjson");
    const events = [
      { id: `${prefix}-e1`, type: "nps", customerExternalId: `${prefix}-1`, at: daysAgo(1), score: 10 },
      { id: `${prefix}-e2`, type: "action", customerExternalId: `${prefix}-2`, at: daysAgo(1), name: "invited_teammate" },
      { id: `${prefix}-e3`, type: "nps", customerExternalId: "nobody", at: daysAgo(1), score: 5 },
    ];
    writeFileSync(file, [...events.map((e) => JSON.stringify(e)), "{ not json", ""].join("\n"));
    const first = await importEventsNdjson(t.app.serviceContext, file);
    expect(first).toMatchObject({ rows: 4, created: 2, unchanged: 0, rejected: 2 });
    expect(first.errors.map((e) => e.line)).toEqual([3, 4]);
    const again = await importEventsNdjson(t.app.serviceContext, file);
    expect(again).toMatchObject({ created: 0, unchanged: 2, rejected: 2 });
    expect(await count("nps_responses", sql`score = 10 and customer_id in (select id from customers where external_id = ${prefix + "-1"})`)).toBe(1);
  });

  it("the command prints usage and exits 2 without a file", async () => {
    const run = promisify(execFile);
    const result = await run(process.execPath, ["--import", "tsx", "src/ingestion/import.cli.ts"], { env: { ...process.env, DATABASE_URL: "memory://" } }).catch((error) => error);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Usage: npm run import/);
  });
});
