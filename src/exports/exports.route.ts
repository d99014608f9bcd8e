import { Router, type RequestHandler, type Response } from "express";
import { insertAuditRows } from "../audit/audit.repository.js";
import type { Caller } from "../auth/roles.js";
import { AppError, badInput } from "../common/errors.js";
import { describeError, log } from "../common/log.js";
import * as v from "../common/validate.js";
import type { ScoringConfig } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Clock } from "../jobs/job.runner.js";
import { customerListFilter } from "../customers/customer.filter.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import type { CustomerFilter } from "../customers/customer.inputs.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";
import { AFFILIATE_COLUMNS, CUSTOMER_COLUMNS, LEDGER_COLUMNS } from "./export.columns.js";
import { affiliateBatches, customerBatches, ledgerBatches } from "./export.batches.js";
import { EXPORT_BATCH_SIZE, streamCsv, type CsvColumn } from "./csv-stream.js";

export interface ExportsRouteOptions {
  db: Database;
  scoring: ScoringConfig;
  clock: Clock;
  /** Admits admins only (key or console session) and puts the caller in res.locals.caller. */
  adminOnly: RequestHandler;
  /** Rows per statement; default EXPORT_BATCH_SIZE. */
  batchSize?: number;
}

type Query = Record<string, unknown>;

function text(query: Query, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== "string") throw badInput(name, "give it once, as text");
  return value.trim() || null;
}

function number(query: Query, name: string): number | null {
  const value = text(query, name);
  if (value === null) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badInput(name, "must be a number");
  return n;
}

function oneOf<E extends string>(query: Query, name: string, values: Record<string, E>): E | null {
  const value = text(query, name);
  if (value !== null && !Object.values(values).includes(value as E)) throw badInput(name, `must be one of ${Object.values(values).join(", ")}`);
  return value as E | null;
}

function onlyKnown(query: Query, known: readonly string[]) {
  const unknown = Object.keys(query).find((key) => !known.includes(key));
  if (unknown) throw badInput(unknown, `unknown filter; known: ${known.join(", ") || "none"}`);
}

const CUSTOMER_FILTERS = ["segmentId", "niche", "status", "healthBand", "minHealthScore", "maxHealthScore", "minChurnRisk", "maxChurnRisk", "referredByAffiliateCode"] as const;

/** The query string of /exports/customers.csv as the GraphQL CustomerFilter it means. */
function customerFilterOf(query: Query): CustomerFilter {
  onlyKnown(query, CUSTOMER_FILTERS);
  return {
    segmentId: text(query, "segmentId"),
    niche: text(query, "niche"),
    status: oneOf(query, "status", CustomerStatus),
    healthBand: oneOf(query, "healthBand", HealthBand),
    minHealthScore: number(query, "minHealthScore"),
    maxHealthScore: number(query, "maxHealthScore"),
    minChurnRisk: number(query, "minChurnRisk"),
    maxChurnRisk: number(query, "maxChurnRisk"),
    referredByAffiliateCode: text(query, "referredByAffiliateCode"),
  };
}

/** What the audit log keeps of a filter: ids, numbers and enum values, never free text. */
const auditable = (filter: object) =>
  Object.fromEntries(Object.entries(filter).filter(([key, value]) => value != null && key !== "niche" && key !== "referredByAffiliateCode"));

/**
 * GET /exports/customers.csv, /exports/affiliates.csv and /exports/ledger.csv: streamed CSV
 * downloads for admins. Each export is recorded in the admin audit log (operation
 * export<Name>Csv, its filter and row count, OK or ABORTED) before the
 * download ends: it hands out personal data.
 */
export function exportsRouter(options: ExportsRouteOptions): Router {
  const { db, scoring, clock, adminOnly, batchSize = EXPORT_BATCH_SIZE } = options;
  const router = Router();

  async function send<T>(res: Response, operation: string, filename: string, columns: readonly CsvColumn<T>[], filter: object, batches: () => AsyncIterable<T[]>) {
    const caller = res.locals.caller as Caller;
    let rows = 0;
    let outcome = "OK";
    try {
      rows = await streamCsv(res, filename, columns, batches());
    } catch (error) {
      outcome = res.destroyed && !res.writableFinished ? "ABORTED" : "ERROR";
      if (outcome === "ERROR") log.error("a CSV export failed", { operation, ...describeError(error) });
      res.destroy();
    }
    await insertAuditRows(db, [{ actor: caller.credential ?? "admin", operation, arguments: { ...auditable(filter), rows }, outcome }]).catch((error: unknown) =>
      log.error("the admin audit log could not be written", { operation, ...describeError(error) }),
    );
    // Ended only once the export is in the audit log: whoever has the whole file can see its entry.
    if (outcome === "OK") res.end();
  }

  const route = (path: string, handle: (query: Query, res: Response) => Promise<void>): void => {
    router.get(path, adminOnly, (req, res, next) => {
      handle(req.query as Query, res).catch((error: unknown) => {
        if (error instanceof AppError && !res.headersSent) return res.status(400).json({ error: error.message });
        next(error);
      });
    });
  };

  route("/exports/customers.csv", async (query, res) => {
    const graphqlFilter = customerFilterOf(query);
    const filter = await customerListFilter(db, graphqlFilter);
    const now = clock.now();
    await send(res, "exportCustomersCsv", "customers.csv", CUSTOMER_COLUMNS, graphqlFilter, () => customerBatches(db, filter, now, scoring, batchSize));
  });

  route("/exports/affiliates.csv", async (query, res) => {
    onlyKnown(query, []);
    const now = clock.now();
    await send(res, "exportAffiliatesCsv", "affiliates.csv", AFFILIATE_COLUMNS, {}, () => affiliateBatches(db, now, batchSize));
  });

  route("/exports/ledger.csv", async (query, res) => {
    onlyKnown(query, ["affiliateId"]);
    const raw = text(query, "affiliateId");
    const affiliateId = raw === null ? null : v.id("affiliateId", raw);
    await send(res, "exportLedgerCsv", "ledger.csv", LEDGER_COLUMNS, { affiliateId }, () => ledgerBatches(db, affiliateId, batchSize));
  });
  return router;
}
