import { pino } from "pino";
import { describeError } from "./describe-error.js";

export { describeError } from "./describe-error.js";

/**
 * Structured logs (pino): one JSON object per line on stderr, `{level, time, message, …fields}`.
 * Anything that could carry a secret is redacted by path wherever it appears in a record; errors
 * are logged through describeError, which keeps a failed query's SQL text and code but never its
 * parameters (personal data: stakeholders' emails, customers' names).
 */
type Fields = Record<string, unknown>;

export const REDACTED_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "adminApiKey",
  "*.adminApiKey",
  "apiKey",
  "*.apiKey",
  "key",
  "*.key",
  "password",
  "*.password",
  "secret",
  "*.secret",
  "smtpUrl",
  "*.smtpUrl",
  "databaseUrl",
  "*.databaseUrl",
  // The values of a failed statement (drizzle's `params`, postgres.js's `parameters`), should
  // an error object ever be logged as it is.
  "params",
  "*.params",
  "parameters",
  "*.parameters",
];

/** An Error logged as a field (`{ error }`, `{ err }`) is described, never dumped with its properties. */
const errorSerializer = (value: unknown) => (value instanceof Error ? describeError(value) : value);

const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: undefined,
    messageKey: "message",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: errorSerializer, error: errorSerializer, cause: errorSerializer },
  },
  // Through process.stderr (not fd 2 directly), so a test can watch what is logged.
  { write: (line: string) => void process.stderr.write(line) },
);

export const log = {
  info: (message: string, fields?: Fields) => logger.info(fields ?? {}, message),
  warn: (message: string, fields?: Fields) => logger.warn(fields ?? {}, message),
  error: (message: string, fields?: Fields) => logger.error(fields ?? {}, message),
  debug: (message: string, fields?: Fields) => logger.debug(fields ?? {}, message),
};

/** Changes the level at run time (tests that read info lines; an operator's LOG_LEVEL is read at start). */
export function setLogLevel(level: "debug" | "info" | "warn" | "error"): void {
  logger.level = level;
}
