import type { Sql } from "postgres";

type Callback = (sql: Sql) => unknown;

/**
 * The postgres.js client as drizzle should see it: every statement with parameters is a named
 * prepared statement, parsed and planned once per connection.
 *
 * drizzle hands each statement to postgres.js as `unsafe(text, params, { prepare: false })`
 * unless it was built with `.prepare(name)`, whatever the client's own `prepare` option says, so
 * PostgreSQL parsed and planned every statement on every call: on the Stripe webhook's path
 * planning cost as much as executing (pg_stat_statements, BENCHMARKS.md). postgres.js keeps a
 * connection's statements by their text, re-prepares one that a schema change invalidated, and
 * drops them with the connection (idle 30 s, or 30–60 min of age), which bounds the cache: the
 * app's SQL texts are fixed (values are parameters; the `sql.raw` pieces are constants), only
 * `in (…)` lists vary with their length. Statements without parameters (the migrations'
 * multi-statement scripts) keep the simple protocol.
 */
export function preparedStatements(client: Sql): Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      switch (key) {
        case "unsafe":
          return (text: string, args?: unknown[], options?: Record<string, unknown>) =>
            Array.isArray(args) && args.length > 0 ? target.unsafe(text, args as never, { ...options, prepare: true }) : target.unsafe(text, args as never, options as never);
        // A transaction's and a savepoint's scoped client: the same view of it.
        case "begin":
        case "savepoint":
          return (first: string | Callback, second?: Callback) => {
            const scoped = (fn: Callback) => (sql: Sql) => fn(preparedStatements(sql));
            const run = (target as unknown as Record<string, (a: unknown, b?: unknown) => unknown>)[key]!;
            return typeof first === "function" ? run(scoped(first)) : run(first, scoped(second!));
          };
        default:
          return Reflect.get(target, key, receiver);
      }
    },
  });
}
