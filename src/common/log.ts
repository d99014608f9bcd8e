import { pino } from "pino";

/**
 * Structured logs (pino): one JSON object per line on stderr, `{level, time, message, …fields}`.
 * Anything that could carry a secret is redacted by path wherever it appears in a record.
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
];

const logger = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: undefined,
    messageKey: "message",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
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

export function describeError(error: unknown): Fields {
  // Messages of failed queries carry the whole statement and its parameters: keep the start.
  if (error instanceof Error) {
    return { error: error.message.slice(0, 300), stack: error.stack?.split("\n").slice(1, 6).join("\n"), cause: String(error.cause ?? "") || undefined };
  }
  return { error: String(error) };
}
