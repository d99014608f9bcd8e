import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows, type DatabaseHandle, type Executor } from "../../../src/db/client.js";
import { openTestDatabase, type TestDatabase } from "../../helpers/db.js";
import { postgresUrl } from "../../helpers/postgres.js";

// DB_PREPARE (default true) makes PostgreSQL plan each statement once per connection: drizzle used
// to send every statement unnamed whatever postgres.js's prepare option said, so the setting did
// nothing and every call was parsed and planned again. DB_PREPARE=false (a pooler in transaction
// mode) keeps them unnamed. Checked on the connection itself, in and out of transactions.

const MARKER = "advocate-prepared-marker";
const preparedOnConnection = async (ex: Executor) =>
  (await queryRows<{ n: number }>(ex, sql.raw(`select count(*)::int as n from pg_prepared_statements where statement like '%${MARKER}%' and statement not like '%pg_prepared_statements%'`)))[0]!.n;
const marked = (ex: Executor, value: number) => queryRows<{ v: number }>(ex, sql`select ${value}::int as v /* ${sql.raw(MARKER)} */`);

describe.skipIf(!postgresUrl())("prepared statements on PostgreSQL", () => {
  let t: TestDatabase;
  const handles: DatabaseHandle[] = [];
  const open = async (prepare: boolean) => {
    const handle = await openDatabase({ kind: "postgres", url: t.url!, poolMax: 1, prepare });
    handles.push(handle);
    return handle;
  };
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    for (const handle of handles) await handle.close();
    await t?.close();
  });

  it("prepares a statement with parameters once per connection by default, in transactions and savepoints too", async () => {
    const { db } = await open(true);
    expect((await marked(db, 1))[0]!.v).toBe(1);
    expect((await marked(db, 2))[0]!.v).toBe(2);
    expect(await preparedOnConnection(db)).toBe(1);
    await db.transaction(async (tx) => {
      await marked(tx, 3);
      await tx.transaction(async (savepoint) => {
        await queryRows(savepoint, sql`select ${4}::int as v /* ${sql.raw(MARKER)} nested */`);
      });
      expect(await preparedOnConnection(tx)).toBe(2);
    });
  });

  it("leaves unnamed a statement whose text grows with its values (an in list, rows of values), so a connection's statements stay few", async () => {
    const { db } = await open(true);
    for (const n of [2, 3, 4]) {
      const values = Array.from({ length: n }, (_, i) => sql`${i}::int`);
      await queryRows(db, sql`select 1 as v where 1 in (${sql.join(values, sql`, `)}) /* ${sql.raw(MARKER)} list */`);
      await queryRows(db, sql`select * from (values ${sql.join(values.map((value) => sql`(${value})`), sql`, `)}) as t(v) /* ${sql.raw(MARKER)} rows */`);
    }
    expect(await preparedOnConnection(db)).toBe(0);
  });

  it("keeps every statement unnamed with DB_PREPARE=false", async () => {
    const { db } = await open(false);
    await marked(db, 1);
    await db.transaction((tx) => marked(tx, 2));
    expect(await preparedOnConnection(db)).toBe(0);
  });
});
