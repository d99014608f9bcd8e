import { getTableColumns, getTableName, is, sql, type SQL } from "drizzle-orm";
import { PgTable, type PgColumn } from "drizzle-orm/pg-core";
import { queryRows, type Database, type Executor } from "../db/client.js";
import * as schema from "../db/schema/index.js";
import { SEED_TABLE_NAMES, zeroCounts, type DatasetBatch, type RowCounts, type SeedTableName } from "./dataset.js";
import { generateDatasetBatches, type GenerateOptions } from "./generator.js";

export interface LoadOptions extends GenerateOptions {
  /** Empty every table first. Without it, loading into a database that has data is refused. */
  reset?: boolean;
  /** Rows per INSERT statement. */
  rowsPerStatement?: number;
  onProgress?: (table: SeedTableName, rowsLoaded: number) => void;
}

export class DatabaseNotEmptyError extends Error {
  constructor(readonly tables: string[]) {
    super(`The database already holds data (in ${tables.join(", ")}); seed an empty database, or use the reset option (seed --reset) to empty it first.`);
    this.name = "DatabaseNotEmptyError";
  }
}

/** From 2,000 rows up, the statement size made no difference on PostgreSQL (BENCHMARKS.md). */
const DEFAULT_ROWS_PER_STATEMENT = 10_000;

const SEED_TABLES: Record<SeedTableName, PgTable> = {
  customers: schema.customers,
  affiliates: schema.affiliates,
  referrals: schema.referrals,
  referralVisits: schema.referralVisits,
  planChanges: schema.planChanges,
  stakeholders: schema.stakeholders,
  usageSnapshots: schema.usageSnapshots,
  npsResponses: schema.npsResponses,
  csatResponses: schema.csatResponses,
  supportTickets: schema.supportTickets,
  contentAssets: schema.contentAssets,
  segments: schema.segments,
};

/** Every table of the schema, seeded or not (API keys too), for the emptiness check and reset. */
const ALL_TABLES: PgTable[] = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable));

/**
 * Generates the dataset and inserts it in one transaction: all of it or, on any error, none.
 * Works through the one drizzle Database, so PGlite and PostgreSQL run the same statements.
 * Returns the rows inserted per table.
 */
export async function loadDataset(db: Database, options: LoadOptions): Promise<RowCounts> {
  const rowsPerStatement = options.rowsPerStatement ?? DEFAULT_ROWS_PER_STATEMENT;
  if (!Number.isInteger(rowsPerStatement) || rowsPerStatement < 1) {
    throw new RangeError(`rowsPerStatement must be a positive integer, got ${rowsPerStatement}`);
  }
  const batches = generateDatasetBatches(options);
  const counts = await db.transaction(async (tx) => {
    // Taken before looking, so two loads started together run one after the other, and the
    // second finds the first one's rows instead of deadlocking on the dropped indexes.
    await tx.execute(sql`lock table ${sql.join(ALL_TABLES, sql`, `)} in access exclusive mode`);
    if (options.reset) {
      await tx.execute(sql`truncate table ${sql.join(ALL_TABLES, sql`, `)} restart identity cascade`);
    } else {
      const nonEmpty = await nonEmptyTables(tx);
      if (nonEmpty.length > 0) throw new DatabaseNotEmptyError(nonEmpty);
    }
    const rebuild = await dropIndexesAndKeys(tx);
    const counts = await insertBatches(tx, batches, rowsPerStatement, options.onProgress);
    await rebuild();
    return counts;
  });
  // Planner statistics for the new rows now, not whenever autovacuum gets to them: queries
  // and benchmarks that run right after seeding would otherwise plan on empty tables.
  await db.execute(sql`analyze ${sql.join(Object.values(SEED_TABLES), sql`, `)}`);
  return counts;
}

interface IndexOrKey {
  kind: "p" | "f" | "index";
  dropSql: string;
  createSql: string;
}

/**
 * Drops the primary keys, foreign keys and indexes of every table, and returns the function
 * that puts them back, exactly as the database had them (its own definitions, read from the
 * catalog, so they stay in step with the migrations). Building an index once over loaded rows
 * is much cheaper than updating it row by row, and one foreign-key check over a whole table
 * replaces a lookup and a lock per row: on PostgreSQL this halves the time of a 100,000-
 * customer load (BENCHMARKS.md). The rebuild validates everything, and it all happens in the
 * load's transaction, so a failure anywhere leaves the schema as it was.
 */
async function dropIndexesAndKeys(ex: Executor): Promise<() => Promise<void>> {
  const tables = sql`(${sql.join(
    ALL_TABLES.map((table) => sql`${getTableName(table)}::regclass`),
    sql`, `,
  )})`;
  const items = await queryRows<IndexOrKey>(
    ex,
    sql`
    select contype::text as kind,
           format('alter table %s drop constraint %I', conrelid::regclass, conname) as "dropSql",
           format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as "createSql"
      from pg_constraint
     where conrelid in ${tables} and contype in ('p', 'f')
    union all
    select 'index', format('drop index %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
      from pg_index i
     where i.indrelid in ${tables}
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid and c.conrelid = i.indrelid)`,
  );
  // Foreign keys go first and come back last: they need the keys they point at.
  const dropOrder: IndexOrKey["kind"][] = ["f", "p", "index"];
  const byKind = (kind: IndexOrKey["kind"]) => items.filter((item) => item.kind === kind);
  for (const kind of dropOrder) for (const item of byKind(kind)) await ex.execute(sql.raw(item.dropSql));
  return async () => {
    for (const kind of [...dropOrder].reverse()) for (const item of byKind(kind)) await ex.execute(sql.raw(item.createSql));
  };
}

async function nonEmptyTables(ex: Executor): Promise<string[]> {
  const probes = ALL_TABLES.map((table) => sql`select ${getTableName(table)} as name where exists (select 1 from ${table})`);
  const rows = await queryRows<{ name: string }>(ex, sql.join(probes, sql` union all `));
  return rows.map((row) => row.name);
}

async function insertBatches(
  ex: Executor,
  batches: Iterable<DatasetBatch>,
  rowsPerStatement: number,
  onProgress: LoadOptions["onProgress"],
): Promise<RowCounts> {
  const counts = zeroCounts();
  // One statement in flight while the next is generated and serialized: the database and
  // this process work at the same time.
  let inFlight: Promise<unknown> = Promise.resolve();
  for (const batch of batches) {
    const table = SEED_TABLES[batch.table];
    const rows = batch.rows as readonly Record<string, unknown>[];
    const columns = Object.entries(getTableColumns(table)) as [string, PgColumn][];
    if (columns.some(([, column]) => !unnestable(column))) {
      await inFlight;
      // Few rows (content, segments): one parameter per value stays far below the limit.
      for (let start = 0; start < rows.length; start += VALUES_ROWS_PER_STATEMENT) {
        await ex.insert(table).values(rows.slice(start, start + VALUES_ROWS_PER_STATEMENT));
      }
    } else {
      for (let start = 0; start < rows.length; start += rowsPerStatement) {
        const statement = unnestInsert(table, columns, rows.slice(start, start + rowsPerStatement));
        await inFlight;
        // then() starts the query now: drizzle's query promises are lazy, and awaiting one
        // twice would run it twice.
        inFlight = ex.execute(statement).then(() => undefined);
      }
    }
    counts[batch.table] += rows.length;
    onProgress?.(batch.table, counts[batch.table]);
  }
  await inFlight;
  return counts;
}

const VALUES_ROWS_PER_STATEMENT = 1_000;

/** unnest() of a two-dimensional array would flatten it, and JSON has no array-literal form here. */
function unnestable(column: PgColumn): boolean {
  const type = column.getSQLType();
  return !type.endsWith("]") && type !== "json" && type !== "jsonb";
}

/**
 * INSERT … SELECT FROM unnest(one array parameter per column): a statement has as many
 * parameters as the table has columns, whatever the number of rows, so statements can be
 * large, and the server parses one array per column instead of a VALUES list. The arrays go
 * as Postgres array literals in text, which both drivers pass through unchanged.
 */
function unnestInsert(table: PgTable, columns: readonly [string, PgColumn][], rows: readonly Record<string, unknown>[]): SQL {
  const names = columns.map(([, column]) => sql.identifier(column.name));
  const arrays = columns.map(([key, column]) => sql`${arrayLiteral(rows, key)}::${sql.raw(column.getSQLType())}[]`);
  return sql`insert into ${table} (${sql.join(names, sql`, `)}) select * from unnest(${sql.join(arrays, sql`, `)})`;
}

const NEEDS_ESCAPE = /["\\]/;

/** A one-dimensional Postgres array literal of one column of the rows ('{"a",NULL,"b"}'). */
function arrayLiteral(rows: readonly Record<string, unknown>[], key: string): string {
  const elements = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = rows[i]![key];
    if (value === null || value === undefined) elements[i] = "NULL";
    else if (value instanceof Date) elements[i] = value.toISOString();
    else if (typeof value === "number") elements[i] = String(value);
    else if (typeof value === "boolean") elements[i] = value ? "t" : "f";
    else if (typeof value === "string") elements[i] = NEEDS_ESCAPE.test(value) ? `"${value.replace(/["\\]/g, "\\$&")}"` : `"${value}"`;
    else throw new TypeError(`cannot put a ${typeof value} into a Postgres array literal (column ${key})`);
  }
  return `{${elements.join(",")}}`;
}

/** Rows per table now in the database, for reports and tests. */
export async function countSeedRows(ex: Executor): Promise<RowCounts> {
  const counts = zeroCounts();
  for (const name of SEED_TABLE_NAMES) {
    const [row] = await queryRows<{ count: number | string }>(ex, sql`select count(*) as count from ${SEED_TABLES[name]}`);
    counts[name] = Number(row?.count ?? 0);
  }
  return counts;
}
