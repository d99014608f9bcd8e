import type { IncomingHttpHeaders, ServerResponse } from "node:http";

// CORS for the public surface (GET /landing, POST /visits, the public GraphQL operations): the
// origins of PUBLIC_CORS_ORIGINS, or any with "*". Nothing keyed is ever approved: a preflight
// asking for Authorization, or a request carrying one, gets no Access-Control-Allow-Origin, and
// credentials (cookies) are never allowed, so a page elsewhere cannot read an admin's answer.

export const CORS_METHODS = "GET, POST, OPTIONS";
/** The one request header a public call needs: a JSON body is not a CORS-safelisted content type. */
export const CORS_HEADERS = ["content-type"] as const;
const PREFLIGHT_MAX_AGE = "86400";

/** The Access-Control-Allow-Origin value for this Origin, or undefined when it is not approved. */
export function allowedOrigin(origins: readonly string[], origin: string | undefined): string | undefined {
  if (!origin) return undefined;
  if (origins.includes("*")) return "*";
  return origins.includes(origin) ? origin : undefined;
}

/**
 * The CORS headers of an answer to a public request: always `Vary: Origin` (the answer depends on
 * it), and the allowed origin unless the request is keyed.
 */
export function corsHeaders(origins: readonly string[], headers: IncomingHttpHeaders): Record<string, string> {
  const allowed = headers.authorization === undefined ? allowedOrigin(origins, headers.origin) : undefined;
  return allowed ? { Vary: "Origin", "Access-Control-Allow-Origin": allowed } : { Vary: "Origin" };
}

/** The request headers a preflight asks for, lower-case. */
function requestedHeaders(headers: IncomingHttpHeaders): string[] {
  const raw = headers["access-control-request-headers"];
  return (raw ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The headers answering a preflight (OPTIONS): approved only for an allowed origin asking for
 * GET or POST with no request header beyond `allowHeaders`, so never for `authorization`.
 */
export function preflightHeaders(origins: readonly string[], headers: IncomingHttpHeaders, allowHeaders: readonly string[] = CORS_HEADERS): Record<string, string> {
  const base = { Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers" };
  const allowed = allowedOrigin(origins, headers.origin);
  const method = String(headers["access-control-request-method"] ?? "").toUpperCase();
  const asked = requestedHeaders(headers);
  if (!allowed || !["GET", "POST"].includes(method) || !asked.every((name) => allowHeaders.includes(name))) return base;
  return {
    ...base,
    "Access-Control-Allow-Origin": allowed,
    "Access-Control-Allow-Methods": CORS_METHODS,
    "Access-Control-Allow-Headers": allowHeaders.join(", "),
    "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
  };
}

/** Answers a preflight: 204, approved or not (without approval the browser refuses the call). */
export function answerPreflight(res: ServerResponse, origins: readonly string[], headers: IncomingHttpHeaders, allowHeaders?: readonly string[]): void {
  res.writeHead(204, { ...preflightHeaders(origins, headers, allowHeaders), "Content-Length": "0" });
  res.end();
}
