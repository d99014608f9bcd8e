import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { importCustomersCsv, importEventsNdjson } from "../../../src/ingestion/import.service.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";

// The events file of npm run import: judged in time order across the whole file (never per
// batch), strict about each line, and the command's error lines name the file and the column.

let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp();
  dir = mkdtempSync(join(tmpdir(), "advocate-import-events-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function customer(externalId: string) {
  const [row] = await queryRows<{ id: string }>(t.database.db, sql`select id from customers where external_id = ${externalId}`);
  const res = await t.admin(`query ($id: ID!) { customer(id: $id) { plan mrrCents status nps } }`, { id: row!.id });
  expect(res.errors).toBeUndefined();
  return res.data!.customer;
}

async function importCustomers(p: string, ids: string[]) {
  const csv = join(dir, `${p}.csv`);
  writeFileSync(csv, ["external_id,name,plan,mrr_cents,signed_up_at", ...ids.map((id) => `${p}-${id},Customer ${id},starter,10000,${daysAgo(100)}`)].join("\n"));
  expect(await importCustomersCsv(t.app.serviceContext, csv)).toMatchObject({ created: ids.length, rejected: 0 });
}

const ndjson = (name: string, lines: (object | string | Buffer)[]) => {
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat(lines.map((l) => Buffer.concat([Buffer.isBuffer(l) ? l : Buffer.from(typeof l === "string" ? l : JSON.stringify(l)), Buffer.from("\n")]))));
  return file;
};
const sortDirs = () => readdirSync(tmpdir()).filter((d) => d.startsWith("advocate-import-sort-"));

describe("npm run import: events", () => {
  it("judges events in time order across the whole file, whatever the batches (a plan change dated before a churn later in the file)", async () => {
    const p = unique("evo");
    await importCustomers(p, ["a", "b"]);
    const file = ndjson("order.ndjson", [
      { id: `${p}-1`, type: "churn", customerExternalId: `${p}-a`, at: daysAgo(5) },
      { id: `${p}-2`, type: "nps", customerExternalId: `${p}-b`, at: daysAgo(3), score: 9 },
      { id: `${p}-3`, type: "nps", customerExternalId: `${p}-a`, at: daysAgo(30), score: 4 },
      { id: `${p}-4`, type: "plan_change", customerExternalId: `${p}-a`, at: daysAgo(10), plan: "growth", mrrCents: 20000 },
      { id: `${p}-5`, type: "churn", customerExternalId: `${p}-b`, at: daysAgo(2) },
      { id: `${p}-6`, type: "plan_change", customerExternalId: `${p}-b`, at: daysAgo(1), plan: "growth", mrrCents: 20000 },
    ]);
    const before = sortDirs();
    // One event a batch, and a sort that spills runs of two lines to disk and merges them.
    const summary = await importEventsNdjson(t.app.serviceContext, file, { batchSize: 1, sortRunLines: 2 });
    expect(summary).toMatchObject({ rows: 6, created: 5, unchanged: 0, rejected: 1 });
    // The one refusal is the plan change dated after b's churn, wherever it sits in the file.
    expect(summary.errors).toEqual([{ line: 6, reason: expect.stringMatching(/^customerExternalId: the customer has churned .*needs a re-activation first$/) }]);
    expect(await customer(`${p}-a`)).toMatchObject({ status: "CHURNED", plan: "growth", mrrCents: 20000, nps: 4 });
    expect(await customer(`${p}-b`)).toMatchObject({ status: "CHURNED", plan: "starter", nps: 9 });
    expect(sortDirs()).toEqual(before); // the sort's temporary files are gone

    expect(await importEventsNdjson(t.app.serviceContext, file)).toMatchObject({ created: 0, unchanged: 5, rejected: 1 });
  });

  it("refuses a line that is not UTF-8 or not JSON on its own, replacing nothing", async () => {
    const p = unique("evs");
    await importCustomers(p, ["a"]);
    const file = ndjson("strict.ndjson", [
      { id: `${p}-1`, type: "nps", customerExternalId: `${p}-a`, at: daysAgo(2), score: 10 },
      Buffer.concat([Buffer.from(`{"id":"${p}-2","type":"churn","customerExternalId":"${p}-a","at":"${daysAgo(1)}","reason":"price `), Buffer.from([0xff]), Buffer.from(`"}`)]),
      `{"id":"${p}-3",`,
      "",
      { id: `${p}-4`, type: "usage", customerExternalId: `${p}-a`, at: daysAgo(1), activeUsers: 3, licensedSeats: 5 },
    ]);
    const summary = await importEventsNdjson(t.app.serviceContext, file);
    expect(summary).toMatchObject({ rows: 4, created: 2, rejected: 2 });
    expect(summary.errors).toEqual([
      { line: 2, reason: "not valid UTF-8 (the file must be UTF-8)" },
      { line: 3, reason: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect(await customer(`${p}-a`)).toMatchObject({ status: "ACTIVE", nps: 10 });
  });

  it("the command's error lines are FILE:LINE: column: reason, in line order per file", async () => {
    const p = unique("evc");
    const csv = join(dir, "cli.csv");
    writeFileSync(csv, ["external_id,name,signed_up_at", `${p}-a,Fine,${daysAgo(50)}`, `${p}-b,Dated,2026-01-31`, `,No Id,`].join("\n"));
    const events = ndjson("cli.ndjson", [
      { id: `${p}-1`, type: "nps", customerExternalId: `${p}-a`, at: daysAgo(1), score: 9 },
      { id: `${p}-2`, type: "nps", customerExternalId: "nobody", at: daysAgo(1), score: 9 },
      "{ not json",
      { id: `${p}-3`, type: "nps", customerExternalId: `${p}-a`, at: daysAgo(2), score: 11 },
    ]);
    const report = join(dir, "errors.txt");
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "src/ingestion/import.cli.ts", "--customers", csv, "--events", events, ...args], {
        env: { ...process.env, DATABASE_URL: t.database.url ?? "memory://" },
      }).catch((error) => error);
    const expected = [
      `${csv}:3: signed_up_at: must be an RFC 3339 date-time with Z or an offset, such as 2026-01-31T12:00:00Z`,
      `${csv}:4: external_id: must not be empty`,
      `${events}:2: customerExternalId: no customer with this external id`,
      expect.stringMatching(new RegExp(`^${events.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: not valid JSON`)),
      `${events}:4: score: must be an integer from 0 to 10`,
    ];

    const withReport = await run(["--errors", report]);
    expect(withReport.code, withReport.stderr).toBe(1);
    expect(readFileSync(report, "utf8").trimEnd().split("\n")).toEqual(expected);

    const onStderr = await run([]);
    expect(onStderr.code).toBe(1);
    expect(onStderr.stderr.split("\n").filter((l: string) => l.startsWith("  ")).map((l: string) => l.slice(2))).toEqual(expected);
  }, 120_000);
});
