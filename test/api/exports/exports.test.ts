import { parse } from "csv-parse/sync";
import express from "express";
import request from "supertest";
import { DEFAULT_SCORING } from "../../../src/config/config.js";
import { exportsRouter } from "../../../src/exports/exports.route.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, createCustomer, DAY_MS } from "../../helpers/factories.js";

// The CSV exports against the real app: what they say equals what GraphQL says for the same data,
// the customers export lists exactly what the customers query lists for the same filter, text
// is escaped (RFC 4180) and defused (no formula runs), and each export lands in the audit log.

let t: TestApp;
let niche: string;
let affiliate: { id: string; code: string };
const NASTY = ['=HYPERLINK("http://evil.example","x")', "+1 555", "-2+3", "@SUM(A1)", 'Quote "and", comma', "Line\nbreak"];

beforeAll(async () => {
  // A small batch size: the exports below span several batches.
  t = await startTestApp();
  niche = unique("niche").toLowerCase().slice(0, 40);
  affiliate = await createAffiliate(t);
  const at = new Date(Date.now() - 100 * DAY_MS).toISOString();
  for (let i = 0; i < 12; i++) {
    const c = await createCustomer(t, { name: NASTY[i % NASTY.length]!, niche: i % 3 === 0 ? niche : "other", mrrCents: 1_000 * (i + 1), signedUpAt: at });
    if (i % 2 === 0) await attribute(t, affiliate.code, c.id, at);
    if (i % 4 === 0) await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 2) { id } }`, { id: c.id });
  }
  await createAffiliate(t, { commissionType: "FLAT", commissionValue: 500 });
  const run = await t.admin(`mutation { runCommissionLedger { accrued } }`);
  expect(run.errors).toBeUndefined();
});
afterAll(async () => {
  await t?.close();
});

async function csv(path: string) {
  const res = await t.http.get(path).set("authorization", `Bearer ${ADMIN_KEY}`).buffer(true).parse((r, done) => {
    let body = "";
    r.setEncoding("utf8");
    r.on("data", (chunk: string) => (body += chunk));
    r.on("end", () => done(null, body));
  });
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
  expect(res.headers["content-disposition"]).toMatch(/^attachment; filename="[a-z]+\.csv"$/);
  return { text: res.body as string, rows: parse(res.body as string, { bom: true, columns: true, record_delimiter: "\r\n" }) as Record<string, string>[] };
}

const num = (value: string) => (value === "" ? null : Number(value));

async function allCustomers(filter: Record<string, unknown>) {
  const res = await t.admin(
    `query($f: CustomerFilter) { customers(first: 100, filter: $f) { edges { node { id externalId name niche mrrCents signedUpAt healthScore healthBand churnRisk advocacyScore successful lifetimeValueCents nps } } } }`,
    { f: filter },
  );
  expect(res.errors).toBeUndefined();
  return res.data!.customers.edges.map((e: any) => e.node);
}

describe("GET /exports/customers.csv", () => {
  it("lists every customer with the scores GraphQL gives, names intact once the formula guard is taken off", async () => {
    const { rows } = await csv("/exports/customers.csv");
    const expected = await allCustomers({});
    expect(rows.map((r) => r.id)).toEqual(expected.map((c: any) => c.id));
    for (const [i, c] of expected.entries()) {
      const r = rows[i]!;
      expect(r.externalId).toBe(c.externalId);
      expect(r.name.replace(/^'(?=[=+\-@\t\r])/, "")).toBe(c.name);
      expect(num(r.mrrCents)).toBe(c.mrrCents);
      expect(r.signedUpAt).toBe(c.signedUpAt);
      expect(num(r.healthScore)).toBe(c.healthScore);
      expect(r.healthBand).toBe(c.healthBand);
      expect(num(r.churnRisk)).toBeCloseTo(c.churnRisk, 12);
      expect(num(r.advocacyScore)).toBeCloseTo(c.advocacyScore, 12);
      expect(r.successful).toBe(String(c.successful));
      expect(num(r.lifetimeValueCents)).toBe(c.lifetimeValueCents);
      expect(num(r.nps)).toBe(c.nps);
    }
  });

  it("prefixes text that a spreadsheet would run as a formula with ', and quotes commas, quotes and newlines", async () => {
    const { text, rows } = await csv("/exports/customers.csv");
    const names = new Set(rows.map((r) => r.name));
    for (const formula of ['=HYPERLINK("http://evil.example","x")', "+1 555", "-2+3", "@SUM(A1)"]) {
      expect(names.has(`'${formula}`), formula).toBe(true);
      expect(names.has(formula), formula).toBe(false);
    }
    expect(names.has('Quote "and", comma')).toBe(true);
    expect(names.has("Line\nbreak")).toBe(true);
    expect(text).toContain('"Quote ""and"", comma"');
  });

  it.each([
    [{ niche: "NICHE" }],
    [{ healthBand: "RED" }, { healthBand: "GREEN" }],
    [{ minHealthScore: 30, maxHealthScore: 70 }],
    [{ minChurnRisk: 0.1, maxChurnRisk: 0.9, status: "ACTIVE" }],
  ])("honours the console's filter %j as the customers query does", async (...filters) => {
    for (const raw of filters) {
      const filter = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === "NICHE" ? niche : v]));
      const query = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)] as [string, string])).toString();
      const { rows } = await csv(`/exports/customers.csv?${query}`);
      expect(rows.map((r) => r.id)).toEqual((await allCustomers(filter)).map((c: any) => c.id));
    }
  });

  it("honours a segment filter, and the niche filter leaves some out", async () => {
    const seg = await t.admin(`mutation($n: String!) { createSegment(input: {name: $n, rules: [{field: MRR_CENTS, op: GT, values: ["6000"]}]}) { id } }`, { n: unique("seg") });
    const segmentId = seg.data!.createSegment.id;
    const { rows } = await csv(`/exports/customers.csv?segmentId=${segmentId}`);
    const expected = (await allCustomers({ segmentId })).map((c: any) => c.id);
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    expect((await csv(`/exports/customers.csv?niche=${niche}`)).rows.length).toBe(4);
  });

  it("refuses a bad filter with 400 and the reason, before any CSV", async () => {
    for (const [query, reason] of [
      ["minHealthScore=500", /minHealthScore: must be from 0 to 100/],
      ["healthBand=PURPLE", /healthBand: must be one of/],
      ["minChurnRisk=abc", /minChurnRisk: must be a number/],
      ["segmentId=00000000-0000-4000-8000-000000000000", /no segment with this id/],
      ["colour=red", /colour: unknown filter/],
    ] as const) {
      const res = await t.http.get(`/exports/customers.csv?${query}`).set("authorization", `Bearer ${ADMIN_KEY}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error).toMatch(reason);
    }
  });
});

describe("GET /exports/affiliates.csv and /exports/ledger.csv", () => {
  it("give each affiliate's stats as Affiliate.stats does", async () => {
    const { rows } = await csv("/exports/affiliates.csv");
    const res = await t.admin(`{ affiliates(first: 100) { edges { node { id code stats { visits referredCustomers activeCustomers churnedCustomers monthlyChurnRate revenueCents commissionsCents roi qualityScore averageLifetimeValueCents } } } } }`);
    const expected = res.data!.affiliates.edges.map((e: any) => e.node);
    expect(rows.map((r) => r.code)).toEqual(expected.map((a: any) => a.code));
    for (const [i, a] of expected.entries()) {
      const r = rows[i]!;
      for (const field of ["visits", "referredCustomers", "activeCustomers", "churnedCustomers", "revenueCents", "commissionsCents", "qualityScore", "averageLifetimeValueCents", "roi"]) {
        expect(num(r[field]!), `${a.code} ${field}`).toBe(a.stats[field]);
      }
      expect(num(r.monthlyChurnRate)).toBeCloseTo(a.stats.monthlyChurnRate, 12);
    }
    expect(rows.find((r) => r.code === affiliate.code)!.referredCustomers).toBe("6");
    expect(Number(rows.find((r) => r.code === affiliate.code)!.revenueCents)).toBeGreaterThan(0);
  });

  it("gives the ledger's entries as Affiliate.commissions does, all or one affiliate's", async () => {
    const { rows } = await csv(`/exports/ledger.csv?affiliateId=${affiliate.id}`);
    const res = await t.admin(`query($c: String!) { affiliate(code: $c) { commissions(limit: 500) { id period periodStart revenueCents amountCents kind status holdUntil } } }`, { c: affiliate.code });
    const expected = [...res.data!.affiliate.commissions].sort((a: any, b: any) => (a.id < b.id ? -1 : 1));
    expect(expected.length).toBeGreaterThanOrEqual(6);
    expect(rows.map((r) => r.id)).toEqual(expected.map((e: any) => e.id));
    for (const [i, e] of expected.entries()) {
      const r = rows[i]!;
      expect([num(r.period), r.periodStart, num(r.revenueCents), num(r.amountCents), r.kind, r.status, r.holdUntil, r.affiliateCode]).toEqual([
        e.period, e.periodStart, e.revenueCents, e.amountCents, e.kind, e.status, e.holdUntil, affiliate.code,
      ]);
    }
    expect((await csv("/exports/ledger.csv")).rows.length).toBeGreaterThanOrEqual(rows.length);
    const bad = await t.http.get("/exports/ledger.csv?affiliateId=nope").set("authorization", `Bearer ${ADMIN_KEY}`);
    expect([bad.status, bad.body.error]).toEqual([400, "affiliateId: is not a valid id"]);
  });

  it("costs a fixed number of SQL statements however many rows a batch holds (no query per customer or affiliate)", async () => {
    const statements = async (path: string) => {
      const before = t.database.queryCount();
      const { rows } = await csv(path);
      return { count: t.database.queryCount() - before, rows: rows.length };
    };
    const all = await statements("/exports/customers.csv");
    const few = await statements(`/exports/customers.csv?niche=${niche}`);
    expect(all.rows).toBeGreaterThan(few.rows);
    // One page, its scores, the audit row (the segment filter reads none here).
    expect(all.count).toBeLessThanOrEqual(3);
    expect(all.count).toBe(few.count);
    // One page, its aggregates and months, the audit row.
    expect((await statements("/exports/affiliates.csv")).count).toBeLessThanOrEqual(4);
    expect((await statements("/exports/ledger.csv")).count).toBeLessThanOrEqual(2);
  });

  it("pages in keyset batches: two statements a customers batch, one a ledger batch, the same rows as one batch", async () => {
    // The route on the same database with tiny batches (the app's are 2,000 rows), behind a stand-in for the admin check.
    const small = (batchSize: number) =>
      request(
        express()
          .use((_req, res, next) => ((res.locals.caller = { role: "ADMIN", credential: "test" }), next()))
          .use(exportsRouter({ db: t.database.db, scoring: DEFAULT_SCORING, clock: { now: () => new Date() } as never, adminOnly: (_req, _res, next) => next(), batchSize })),
      );
    const counted = async (batchSize: number, path: string) => {
      const before = t.database.queryCount();
      const res = await small(batchSize).get(path).buffer(true).parse((r, done) => {
        let body = "";
        r.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        r.on("end", () => done(null, body));
      });
      expect(res.status).toBe(200);
      return { statements: t.database.queryCount() - before, rows: parse(res.body as string, { bom: true, columns: true }) as Record<string, string>[] };
    };
    const one = await counted(1_000, "/exports/customers.csv");
    const many = await counted(5, "/exports/customers.csv");
    expect(many.rows).toEqual(one.rows);
    const batches = Math.floor(one.rows.length / 5) + 1;
    // Each batch: its page and its scores; then the audit row.
    expect(many.statements).toBeLessThanOrEqual(2 * batches + 1);
    expect(one.statements).toBeLessThanOrEqual(3);
    const ledger = await counted(4, "/exports/ledger.csv");
    expect(ledger.rows.length).toBeGreaterThan(4);
    expect(ledger.statements).toBeLessThanOrEqual(Math.floor(ledger.rows.length / 4) + 2);
    const affiliates = await counted(1, "/exports/affiliates.csv");
    expect(affiliates.statements).toBeLessThanOrEqual(3 * (affiliates.rows.length + 1) + 1);
  });

  it("ends a download only once its audit entry is written, however slow the write", async () => {
    // The route on the same database, its audit insert held back 300 ms: the file is not whole before the entry exists.
    const db = t.database.db;
    const slowAudit = new Proxy(db, {
      get: (target, key, receiver) =>
        key === "insert"
          ? (table: never) => ({ values: async (rows: never) => (await new Promise((r) => setTimeout(r, 300)), db.insert(table).values(rows)) })
          : Reflect.get(target, key, receiver),
    });
    const app = express()
      .use((_req, res, next) => ((res.locals.caller = { role: "ADMIN", credential: "slow-audit-test" }), next()))
      .use(exportsRouter({ db: slowAudit, scoring: DEFAULT_SCORING, clock: { now: () => new Date() } as never, adminOnly: (_req, _res, next) => next() }));
    const res = await request(app).get("/exports/ledger.csv").buffer(true);
    expect(res.status).toBe(200);
    const log = await t.admin(`{ adminAuditLog(first: 1) { edges { node { operation actor outcome } } } }`);
    expect(log.data!.adminAuditLog.edges[0].node).toEqual({ operation: "exportLedgerCsv", actor: "slow-audit-test", outcome: "OK" });
  });

  it("records every export in the admin audit log, with its filter and row count", async () => {
    await csv(`/exports/customers.csv?healthBand=GREEN&niche=${niche}`);
    const res = await t.admin(`{ adminAuditLog(first: 5) { edges { node { operation actor outcome arguments } } } }`);
    expect(res.errors).toBeUndefined();
    const entry = res.data!.adminAuditLog.edges[0].node;
    expect(entry).toMatchObject({ operation: "exportCustomersCsv", outcome: "OK" });
    expect(entry.actor).toMatch(/^admin-key:/);
    expect(JSON.parse(JSON.stringify(entry.arguments))).toMatchObject({ healthBand: "GREEN" });
    expect(JSON.stringify(entry.arguments)).not.toContain(niche);
  });
});
