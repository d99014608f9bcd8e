/** One JSON object per line on stderr; structured logging proper (pino) comes with observability. */
type Fields = Record<string, unknown>;

function write(level: string, message: string, fields?: Fields) {
  process.stderr.write(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }) + "\n");
}

export const log = {
  info: (message: string, fields?: Fields) => write("info", message, fields),
  warn: (message: string, fields?: Fields) => write("warn", message, fields),
  error: (message: string, fields?: Fields) => write("error", message, fields),
};

export function describeError(error: unknown): Fields {
  // Messages of failed queries carry the whole statement and its parameters: keep the start.
  if (error instanceof Error) {
    return { error: error.message.slice(0, 300), stack: error.stack?.split("\n").slice(1, 6).join("\n"), cause: String(error.cause ?? "") || undefined };
  }
  return { error: String(error) };
}
