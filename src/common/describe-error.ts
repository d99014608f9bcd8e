/**
 * What of an error may be logged (and kept as a job's last error): its message, code and stack
 * frames, never the values a failed statement carried. drizzle's DrizzleQueryError says
 * `Failed query: <sql>\nparams: <values>`, postgres.js and PGlite errors carry `parameters` /
 * `params` and a `detail` with the row ("Key (email)=(…)"), and PostgreSQL quotes the offending
 * value in a data exception's message (`invalid input syntax for type uuid: "ana@acme.io"`):
 * stakeholders' emails and customers' names would end up in the log. So a failed query is logged
 * as its SQL text (values are always parameters), its SQLSTATE and the database's message with
 * quoted values replaced by "?", and every message has email addresses replaced.
 */
type Fields = Record<string, unknown>;

interface ErrorLike {
  message?: unknown;
  code?: unknown;
  query?: unknown;
  params?: unknown;
  cause?: unknown;
  stack?: unknown;
}

const MAX_MESSAGE = 300;
const MAX_QUERY = 200;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const EMAIL_LIKE = /[^\s"'<>()[\],;:@]+@[^\s"'<>()[\],;:@]+/g;
const QUOTED = /"(?:[^"]|"")*"/g;
const IDENTIFIER = /^"[A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)*"$/;

const sqlstateOf = (e: ErrorLike) => (typeof e.code === "string" && SQLSTATE.test(e.code) ? e.code : undefined);
const isFailedQuery = (e: ErrorLike) => typeof e.query === "string" && "params" in e;

function scrub(text: string, sqlstate?: string): string {
  let clean = text.replace(EMAIL_LIKE, "[email]");
  // The database quotes names and values alike: a data exception (class 22) quotes the value it
  // refused; other messages name relations, columns and constraints, which stay.
  if (sqlstate) clean = clean.replace(QUOTED, (quoted) => (!sqlstate.startsWith("22") && IDENTIFIER.test(quoted) ? quoted : '"?"'));
  return clean.slice(0, MAX_MESSAGE);
}

/** Only the "at …" lines: a stack's first lines repeat the message, parameters included. */
function framesOf(stack: unknown): string | undefined {
  if (typeof stack !== "string") return undefined;
  const frames = stack.split("\n").filter((line) => /^\s+at /.test(line));
  return frames.length ? frames.slice(0, 5).join("\n") : undefined;
}

/** The SQL text of a failed statement, on one line: its values are parameters, so it has none. */
const queryShape = (query: string) => scrub(query.replace(/\s+/g, " ").trim()).slice(0, MAX_QUERY);

export function describeError(error: unknown): Fields {
  if (!(error instanceof Error)) return { error: scrub(String(error)) };
  const chain: ErrorLike[] = [];
  for (let e: unknown = error; e instanceof Object && chain.length < 5; e = (e as ErrorLike).cause) chain.push(e as ErrorLike);
  const failed = chain.find(isFailedQuery);
  const driver = (failed ? failed.cause : chain.find(sqlstateOf)) as ErrorLike | undefined;
  const stack = framesOf(error.stack);
  if (!failed && !driver) {
    const code = (error as ErrorLike).code;
    return {
      error: scrub(error.message),
      code: typeof code === "string" ? code : undefined,
      stack,
      cause: error.cause === undefined ? undefined : scrub(String(error.cause)),
    };
  }
  const code = typeof driver?.code === "string" ? driver.code : undefined;
  const query = [failed?.query, driver?.query].find((q): q is string => typeof q === "string");
  return {
    error: typeof driver?.message === "string" ? scrub(driver.message, sqlstateOf(driver)) : "query failed",
    code,
    query: query === undefined ? undefined : queryShape(query),
    stack,
  };
}
