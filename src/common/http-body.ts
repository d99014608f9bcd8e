import type { IncomingMessage } from "node:http";

/** Why a body could not be read: the HTTP status to answer and a reason. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The raw bytes of a request body, at most `limit` of them, for a handler in front of Express
 * that verifies a signature on the bytes as sent. Refused: a declared or actual length past the
 * limit (413, without keeping the rest), a compressed body (415: senders of signed events do not
 * compress), a body cut short (400).
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const refuse = (error: BodyError) => {
      req.removeAllListeners("data");
      req.resume(); // the rest is read and dropped, so the connection stays usable
      reject(error);
    };
    const encoding = req.headers["content-encoding"];
    if (encoding && encoding !== "identity") return refuse(new BodyError(415, `a ${encoding} body is not accepted: send it uncompressed`));
    const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
    if (declared !== undefined && declared > limit) return refuse(new BodyError(413, "too large"));
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return refuse(new BodyError(413, "too large"));
      chunks.push(chunk);
    });
    req.once("end", () => {
      if (received > limit) return;
      if (declared !== undefined && received !== declared) return reject(new BodyError(400, "the body is shorter than its content-length"));
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.once("aborted", () => reject(new BodyError(400, "the request was aborted")));
    req.once("error", () => reject(new BodyError(400, "the request body could not be read")));
  });
}
