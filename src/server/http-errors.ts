import type { NextFunction, Request, Response } from "express";

/** The 4xx status an HTTP-level error (body-parser's, the fast path's) carries, if any. */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

function bodyErrorMessage(status: number): string {
  if (status === 413) return "the request body is too large";
  if (status === 415) return "the request body must be JSON in UTF-8";
  return "the request body is not valid JSON";
}

/**
 * Express error middleware: a body Express could not read (malformed JSON, too large, bad
 * charset) is answered as a GraphQL error, never as Express's HTML page with its stack trace.
 */
export function bodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const status = httpStatusOf(error);
  if (res.headersSent || status === undefined) return next(error);
  res.status(status).json({ errors: [{ message: bodyErrorMessage(status), extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" } }] });
}
