import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { importCustomersCsv, importEventsNdjson } from "../../../src/ingestion/import.service.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";

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

/** The customer with this external id, read through GraphQL. */
async function customer(externalId: string) {
  const [row] = await queryRows<{ id: string }>(t.database.db, sql`select id from customers where external_id = ${externalId}`);
  if (!row) return null;
  const res = await t.admin(`query ($id: ID!) { customer(id: $id) { externalId name plan mrrCents status signedUpAt churnedAt lifetimeValueCents upsellCount } }`, { id: row.id });
  expect(res.errors).toBeUndefined();
  return res.data!.customer;
}

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
      { line: 48, reason: expect.stringMatching(/^external_id: must not be empty/) },
      { line: 49, reason: expect.stringMatching(/^signed_up_at: must be an RFC 3339 date-time/) },
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

    // A changed row updates what describes the customer, once; its billing is history, left to
    // events: a different MRR in the file records no plan change at the import.
    writeFileSync(file, [lines[0], lines[1]!.replace(",1000,", ",5000,").replace("Company 0, Inc", "Company Zero")].join("\n"));
    expect(await importCustomersCsv(t.app.serviceContext, file)).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(await importCustomersCsv(t.app.serviceContext, file)).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect(await count("plan_changes", imported)).toBe(45);
    const zero = await customer(`${prefix}-0`);
    expect(zero).toMatchObject({ name: "Company Zero", mrrCents: 1000 });
  });

  it("refuses a malformed row on its own (quoting, invalid UTF-8, extra fields) and imports the rows after it", async () => {
    const p = unique("csvq");
    const file = join(dir, "malformed.csv");
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(`external_id,name,niche\n${p}-1,First,csvq\n`), // line 2
        Buffer.from(`${p}-2,Mid"quote"name,csvq\n`), // line 3: a quote inside an unquoted field
        Buffer.from(`${p}-3,"Closed"early,csvq\n`), // line 4: text after the closing quote
        Buffer.from(`${p}-4,Bad `), Buffer.from([0xff, 0xfe]), Buffer.from(` bytes,csvq\n`), // line 5: not UTF-8
        Buffer.from(`${p}-5,"Two, ""quoted""\nlines",csvq\n`), // lines 6-7: one record
        Buffer.from(`${p}-6,Extra,csvq,field\n`), // line 8
        Buffer.from(`\n${p}-7,Last \u00e9t\u00e9,csvq\r\n`), // line 10, CRLF
      ]),
    );
    const summary = await importCustomersCsv(t.app.serviceContext, file);
    expect(summary).toMatchObject({ rows: 7, created: 3, rejected: 4 });
    expect(summary.errors).toEqual([
      { line: 3, reason: expect.stringMatching(/^name: a quote inside an unquoted field/) },
      { line: 4, reason: expect.stringMatching(/^name: text after the closing quote/) },
      { line: 5, reason: "name: not valid UTF-8 (the file must be UTF-8)" },
      { line: 8, reason: expect.stringMatching(/^4 fields where the header names 3 columns/) },
    ]);
    expect(await customer(`${p}-1`)).toMatchObject({ name: "First" });
    expect(await customer(`${p}-4`)).toBeNull();
    expect(await customer(`${p}-5`)).toMatchObject({ name: 'Two, "quoted"\nlines' });
    expect(await customer(`${p}-7`)).toMatchObject({ name: "Last \u00e9t\u00e9" });
  });

  it("reads dates as RFC 3339 date-times with Z or an offset only, and names the column", async () => {
    const p = unique("csvd");
    const file = join(dir, "dates.csv");
    const rows = ["2026-01-31", "01/02/2025", "2025-01-31T12:00:00", "2025-02-30T12:00:00Z", "1738000000", "2025-01-31T12:00:00+02:00", "2025-01-31t10:00:00z"];
    writeFileSync(file, ["external_id,name,signed_up_at", ...rows.map((at, i) => `${p}-${i},Dated,${at}`)].join("\n"));
    const summary = await importCustomersCsv(t.app.serviceContext, file);
    expect(summary).toMatchObject({ rows: 7, created: 2, rejected: 5 });
    expect(summary.errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6]);
    for (const e of summary.errors) expect(e.reason).toBe("signed_up_at: must be an RFC 3339 date-time with Z or an offset, such as 2026-01-31T12:00:00Z");
    expect(await customer(`${p}-5`)).toMatchObject({ signedUpAt: "2025-01-31T10:00:00.000Z" });
    expect(await customer(`${p}-6`)).toMatchObject({ signedUpAt: "2025-01-31T10:00:00.000Z" });
  });

  it("imports a CHURNED customer with its churned_at, and refuses one without (no date is invented)", async () => {
    const p = unique("csvc");
    const file = join(dir, "churned.csv");
    const signup = daysAgo(400);
    const churn = daysAgo(370);
    writeFileSync(
      file,
      [
        "external_id,name,plan,mrr_cents,status,signed_up_at,churned_at",
        `${p}-1,Left,growth,30437,CHURNED,${signup},${churn}`,
        `${p}-2,No Date,growth,10000,churned,${signup},`,
        `${p}-3,Too Early,growth,10000,CHURNED,${signup},${daysAgo(401)}`,
        `${p}-4,Still Here,growth,10000,ACTIVE,${signup},${daysAgo(10)}`,
        `${p}-5,Unknown Signup,growth,10000,CHURNED,,${daysAgo(10)}`,
      ].join("\n"),
    );
    const summary = await importCustomersCsv(t.app.serviceContext, file);
    expect(summary).toMatchObject({ created: 1, rejected: 4 });
    expect(summary.errors).toEqual([
      { line: 3, reason: "churned_at: required with status CHURNED (the date the customer churned)" },
      { line: 4, reason: "churned_at: must not be before signed_up_at" },
      { line: 5, reason: "churned_at: only for a customer with status CHURNED" },
      { line: 6, reason: "signed_up_at: required with churned_at" },
    ]);
    const left = await customer(`${p}-1`);
    expect(left).toMatchObject({ status: "CHURNED", churnedAt: churn });
    // It paid from its signup to its churn, 30 days of 30,437 cents a month: not up to the import.
    expect(left.lifetimeValueCents).toBeGreaterThan(29_000);
    expect(left.lifetimeValueCents).toBeLessThan(31_000);
    expect(await customer(`${p}-2`)).toBeNull();
  });

  it("a re-import leaves plan, MRR and status where events moved them, and records no plan change", async () => {
    const p = unique("csvr");
    const csv = join(dir, "reimport.csv");
    writeFileSync(
      csv,
      [
        "external_id,name,plan,mrr_cents,status,signed_up_at",
        `${p}-up,Upgraded,starter,10000,ACTIVE,${daysAgo(100)}`,
        `${p}-gone,Churned Later,starter,10000,ACTIVE,${daysAgo(100)}`,
      ].join("\n"),
    );
    expect(await importCustomersCsv(t.app.serviceContext, csv)).toMatchObject({ created: 2, rejected: 0 });
    const events = join(dir, "reimport.ndjson");
    writeFileSync(
      events,
      [
        { id: `${p}-e1`, type: "plan_change", customerExternalId: `${p}-up`, at: daysAgo(10), plan: "growth", mrrCents: 20000 },
        { id: `${p}-e2`, type: "churn", customerExternalId: `${p}-gone`, at: daysAgo(5) },
      ].map((e) => JSON.stringify(e)).join("\n"),
    );
    expect(await importEventsNdjson(t.app.serviceContext, events)).toMatchObject({ created: 2, rejected: 0 });
    const billing = sql`customer_id in (select id from customers where external_id like ${p + "%"})`;
    expect(await count("plan_changes", billing)).toBe(3);

    expect(await importCustomersCsv(t.app.serviceContext, csv)).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(await count("plan_changes", billing)).toBe(3);
    expect(await customer(`${p}-up`)).toMatchObject({ plan: "growth", mrrCents: 20000, status: "ACTIVE", upsellCount: 1 });
    expect(await customer(`${p}-gone`)).toMatchObject({ status: "CHURNED", churnedAt: expect.any(String) });
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
