import { PGlite } from "@electric-sql/pglite";
import type { Logger, SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import type { DatabaseConfig } from "../config/config.js";
import { lockDataDirectory } from "./data-dir-lock.js";
import { preparedStatements } from "./prepared-statements.js";

/**
 * The one database type the code uses, whichever driver is behind it. Built without the schema:
 * the code writes its queries with the query builder and `sql`, never drizzle's relational
 * queries (`db.query.…`), whose builders drizzle would otherwise construct for every table on every
 * transaction and savepoint (a per-event cost on the Stripe webhook's path).
 */
export type Database = PgDatabase<PgQueryResultHKT>;
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;
/** Functions that read or write take either, so they compose inside a caller's transaction. */
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseConfig["kind"];
  /** Statements issued through drizzle since the handle was opened (tests bound N+1 with it). */
  queryCount(): number;
  ping(): Promise<void>;
  /**
   * Subscribes to a NOTIFY channel (PostgreSQL: a dedicated connection that reconnects by
   * itself; `onReconnect` runs after each reconnection, since notifications sent meanwhile are
   * lost). Returns the unsubscribe function. Notifications are sent with plain SQL
   * (`select pg_notify(…)`) through any executor.
   */
  listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void): Promise<() => Promise<void>>;
  migrate(): Promise<void>;
  /** PGlite only: the data directory as a tarball (loadDataDir opens a copy of it). */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("../../migrations", import.meta.url));

class CountingLogger implements Logger {
  count = 0;
  logQuery(query: string): void {
    this.count++;
    if (process.env.DEBUG_SQL) process.stderr.write(`[sql ${this.count}] ${query.replace(/\s+/g, " ").slice(0, 160)}\n`);
  }
}

export async function openDatabase(config: DatabaseConfig): Promise<DatabaseHandle> {
  const logger = new CountingLogger();
  if (config.kind === "pglite") {
    // One process at a time on a data directory (data-dir-lock.ts); in memory, nothing to share.
    const unlock = config.dataDir === undefined ? () => {} : lockDataDirectory(config.dataDir);
    const client = config.dataDir === undefined ? new PGlite({ loadDataDir: config.loadDataDir }) : new PGlite(config.dataDir);
    await client.waitReady.catch((error: unknown) => {
      unlock();
      throw error;
    });
    const db = drizzlePglite({ client, logger });
    return {
      db: db as unknown as Database,
      kind: "pglite",
      queryCount: () => logger.count,
      ping: async () => void (await client.query("select 1")),
      // One in-process database: there is never a reconnection to report.
      listen: async (channel, onPayload) => {
        const unlisten = await client.listen(channel, onPayload);
        return () => unlisten();
      },
      migrate: () => migratePglite(db, { migrationsFolder }),
      dumpDataDir: async () => client.dumpDataDir("none"),
      close: () => client.close().finally(unlock),
    };
  }
  const client = postgres(config.url, {
    max: config.poolMax,
    prepare: config.prepare ?? true,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
    // No JIT compilation. The ledger's and the scores' statements are long, and generate_series
    // and the correlated subqueries make the planner's cost estimates high even on a few rows, so
    // PostgreSQL's default (jit=on) spent ~3 s compiling each ledger run to execute it in
    // milliseconds. The API's statements are short; JIT never pays back here.
    connection: { application_name: "advocate", jit: "off" },
  });
  // DB_PREPARE=false (a pooler in transaction mode) keeps every statement unnamed.
  const db = drizzlePostgres({ client: config.prepare === false ? client : preparedStatements(client), logger });
  return {
    db: db as unknown as Database,
    kind: "postgres",
    queryCount: () => logger.count,
    ping: async () => void (await client`select 1`),
    listen: async (channel, onPayload, onReconnect) => {
      let connected = false;
      const { unlisten } = await client.listen(channel, onPayload, () => {
        if (connected) onReconnect?.();
        connected = true;
      });
      return unlisten;
    },
    migrate: () => migratePostgres(db, { migrationsFolder }),
    close: () => client.end({ timeout: 5 }),
  };
}

/** Runs raw SQL and returns its rows, hiding the drivers' different result shapes. */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
