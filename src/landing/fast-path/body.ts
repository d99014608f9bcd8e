import type { IncomingMessage, ServerResponse } from "node:http";

// Reading a POST body in front of Express: only small plain-JSON bodies, and whatever is read is
// handed on to Express exactly as express.json() would have left it (or failed it).

/** A larger POST body is no landing query: Express reads it, with its own limit. */
const MAX_FAST_BODY_BYTES = 16 * 1024;

/** What express.json() would have raised for a body this handler read: Express answers it the same way. */
const PREREAD_BODY_ERROR = Symbol("advocate.prereadBodyError");

export type PrereadRequest = IncomingMessage & { body?: unknown; [PREREAD_BODY_ERROR]?: Error };

/** `application/json`, with no charset or utf-8: what express.json() parses without complaint. */
function isPlainJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...parameters] = contentType.toLowerCase().split(";");
  if (type!.trim() !== "application/json") return false;
  return parameters.every((p) => {
    const [name, value] = p.split("=").map((s) => s.trim());
    return name !== "charset" || value === "utf-8" || value === '"utf-8"';
  });
}

/** The length of a body this handler may read (small, plain JSON, not encoded); undefined: leave it to Express. */
export function fastBodyLength(req: IncomingMessage): number | undefined {
  const length = Number(req.headers["content-length"]);
  const encoding = req.headers["content-encoding"];
  if (!(length > 0 && length <= MAX_FAST_BODY_BYTES) || (encoding && encoding !== "identity") || !isPlainJson(req.headers["content-type"])) return undefined;
  return length;
}

export function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.once("end", () => (received === length ? resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) : reject(new Error("request size did not match content length"))));
    req.once("error", reject);
  });
}

/** express.json()'s strict mode: only an object or an array is a JSON body. */
export function parseStrictJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") {
    throw Object.assign(new SyntaxError(`Unexpected token ${first ?? "end"} in JSON: a body must be an object or an array`), { status: 400, statusCode: 400, expose: true, type: "entity.parse.failed" });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(error as Error, { status: 400, statusCode: 400, expose: true, type: "entity.parse.failed", body: text });
  }
}

/** Records what reading the body found wrong, for prereadBodyErrors to raise in Express. */
export function failBody(req: IncomingMessage, error: Error): void {
  (req as PrereadRequest)[PREREAD_BODY_ERROR] = error;
}

/** The body could not be read whole: express.json() would have answered 400. */
export function failBodyRead(req: IncomingMessage, error: Error): void {
  failBody(req, Object.assign(error, { status: 400, statusCode: 400, expose: true, type: "request.size.invalid" }));
}

/** Hands a POST to Express with the body read here, as express.json() would have left it. */
export function handOn(req: PrereadRequest, text: string, next: () => void): void {
  try {
    req.body = parseStrictJson(text);
  } catch (error) {
    failBody(req, error as Error);
  }
  next();
}

/** Express middleware: raises what reading the body in front of Express found wrong, as express.json() would. */
export function prereadBodyErrors(req: IncomingMessage, _res: ServerResponse, next: (error?: unknown) => void): void {
  next((req as PrereadRequest)[PREREAD_BODY_ERROR]);
}
