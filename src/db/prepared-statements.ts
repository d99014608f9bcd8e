import type { Sql } from "postgres";

type Callback = (sql: Sql) => unknown;

/** A text whose length follows its values: an `in` list of two parameters or more, or a second row of values. */
const VARIABLE_LENGTH = /\bin \(\$\d+(?:::\w+)?, \$\d+|\), \((?:\$\d+|default)\b/;

/**
 * The postgres.js client as drizzle should see it: every statement with parameters is a named
 * prepared statement, parsed and planned once per connection.
 *
 * drizzle hands each statement to postgres.js as `unsafe(text, params, { prepare: false })`
 * unless it was built with `.prepare(name)`, whatever the client's own `prepare` option says, so
 * PostgreSQL parsed and planned every statement on every call: on the Stripe webhook's path
 * planning cost as much as executing (pg_stat_statements, BENCHMARKS.md). postgres.js keeps a
 * connection's statements by their text (it never forgets one) and re-prepares one that a schema
 * change invalidated; a connection goes after 30 s idle or 30–60 min of age. So only texts that
 * are fixed are prepared, which bounds the cache: values are parameters and the `sql.raw` pieces
 * constants, but an `in ($1, $2, …)` list or a multi-row `values (…), (…)` is a new text for
 * every length, and stays unnamed (as every statement was before). Statements without parameters
 * (the migrations' multi-statement scripts) keep the simple protocol.
 */
export function preparedStatements(client: Sql): Sql {
  return new Proxy(client, {
    get(target, key, receiver) {
      switch (key) {
        case "unsafe":
          return (text: string, args?: unknown[], options?: Record<string, unknown>) =>
            Array.isArray(args) && args.length > 0 && !VARIABLE_LENGTH.test(text)
              ? target.unsafe(text, args as never, { ...options, prepare: true })
              : target.unsafe(text, args as never, options as never);
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
