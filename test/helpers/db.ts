import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows, type DatabaseHandle } from "../../src/db/client.js";
import { adminConnection, postgresUrl, TEMPLATE_DATABASE, withDatabase } from "./postgres.js";
import { pgliteTemplate } from "./pglite-template.js";

export interface TestDatabase extends DatabaseHandle {
  /** The connection string, on PostgreSQL: a second server instance can open the same database. */
  url: string | undefined;
  /** A fingerprint of every table's contents, to prove a refused write changed nothing. */
  fingerprint(): Promise<Record<string, string>>;
}

const TABLES = [
  "customers",
  "usage_snapshots",
  "nps_responses",
  "csat_responses",
  "support_tickets",
  "plan_changes",
  "stakeholders",
  "affiliates",
  "affiliate_api_keys",
  "referral_visits",
  "referrals",
  "server_keys",
  "content_assets",
  "segments",
  "customer_scores",
  "churn_models",
  "journeys",
  "journey_enrollments",
  "enrollment_steps",
  "email_deliveries",
  "email_preferences",
  "jobs",
];

/** A fresh, migrated database of the kind under test (DATABASE_URL), dropped on close. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const url = postgresUrl();
  let handle: DatabaseHandle;
  let drop = async () => {};
  let databaseUrl: string | undefined;
  if (url) {
    const name = `advocate_test_${randomBytes(6).toString("hex")}`;
    databaseUrl = withDatabase(url, name);
    const admin = adminConnection(url);
    await admin.unsafe(`create database ${name} template ${TEMPLATE_DATABASE}`);
    await admin.end();
    handle = await openDatabase({ kind: "postgres", url: databaseUrl, poolMax: 5 });
    drop = async () => {
      const conn = adminConnection(url);
      await conn.unsafe(`drop database if exists ${name} with (force)`);
      await conn.end();
    };
  } else {
    // From the migrated dump (global-setup.ts): migrate() then finds nothing to do.
    handle = await openDatabase({ kind: "pglite", dataDir: undefined, loadDataDir: pgliteTemplate() });
    await handle.migrate();
  }
  return {
    ...handle,
    url: databaseUrl,
    async close() {
      await handle.close();
      await drop();
    },
    async fingerprint() {
      const result: Record<string, string> = {};
      for (const table of TABLES) {
        const [row] = await queryRows<{ digest: string | null; n: number }>(
          handle.db,
          sql.raw(`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest, count(*)::int as n from ${table} t`),
        );
        result[table] = `${row?.n}:${row?.digest}`;
      }
      return result;
    },
  };
}
