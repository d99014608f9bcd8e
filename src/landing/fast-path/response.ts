import { hash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { execute as executeDocument, type DocumentNode, type GraphQLSchema } from "graphql";
import { Role } from "../../auth/roles.js";
import { corsHeaders } from "../../common/cors.js";
import type { LandingEntry, LandingSource } from "../landing.cache.js";
import type { Analysis } from "./analysis.js";

/** An answer's bytes, and the ETag a GET gets. */
export interface RenderedResponse {
  body: Buffer;
  /** Made on first use: only a GET sends it. */
  etag?: string;
  /** The headers of a POST answer, made on first use. */
  headers?: string[];
}

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
const CDN_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
const FALLBACK_CACHE_CONTROL = "public, max-age=5";

function rendered(data: unknown): RenderedResponse {
  return { body: Buffer.from(JSON.stringify({ data }) + "\n") };
}

/**
 * graphql-js's answer for this document, variables and page, as bytes; undefined when it reports
 * an error. Read off the page by the document's projection when it has one (the same bytes),
 * else executed.
 */
export function render(
  schema: GraphQLSchema,
  analysis: Pick<Analysis, "document" | "project">,
  variables: Record<string, unknown>,
  entry: LandingEntry,
  source: LandingSource,
): RenderedResponse | Promise<RenderedResponse | undefined> {
  const projected = analysis.project?.(entry.page);
  if (projected !== undefined) return { body: Buffer.from(`{"data":${projected}}\n`) };
  return execute(schema, analysis.document, variables, entry, source);
}

/** The answer by execute(): the resolver sees the page this handler already fetched, so it is read (and its impressions counted) once per request. */
async function execute(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  entry: LandingEntry,
  source: LandingSource,
): Promise<RenderedResponse | undefined> {
  const context = { caller: { role: Role.PUBLIC }, landing: { get: async () => ({ entry, source }) } };
  const result = await executeDocument({ schema, document, variableValues: variables, contextValue: context });
  return result.errors ? undefined : rendered(result.data);
}

/**
 * Writes the answer: a POST's with headers made once; a GET's with its ETag (304 when it matches)
 * and CDN caching. A cross-origin request gets CORS for `corsOrigins` (landingPage is public).
 */
export function send(req: IncomingMessage, res: ServerResponse, response: RenderedResponse, source: LandingSource, corsOrigins: readonly string[]): void {
  const fallback = source === "stale" || source === "default";
  const origin = req.headers.origin;
  if (req.method !== "GET" && !fallback && !origin) {
    res.writeHead(200, (response.headers ??= ["Content-Type", JSON_CONTENT_TYPE, "X-Advocate-Fast-Path", "1", "Content-Length", String(response.body.length)]));
    res.end(response.body);
    return;
  }
  // Vary: Origin on every GET too: a CDN must not give one origin's answer to another.
  const headers: Record<string, string | number> = { "Content-Type": JSON_CONTENT_TYPE, "X-Advocate-Fast-Path": "1", ...corsHeaders(corsOrigins, req.headers) };
  if (fallback) headers["X-Advocate-Fallback"] = source;
  if (req.method === "GET") {
    // A GET with a persisted-query hash is a URL a CDN can cache.
    const etag = (response.etag ??= `"${hash("sha1", response.body, "base64url")}"`);
    headers.ETag = etag;
    headers["Cache-Control"] = fallback ? FALLBACK_CACHE_CONTROL : CDN_CACHE_CONTROL;
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  headers["Content-Length"] = response.body.length;
  res.writeHead(200, headers);
  res.end(response.body);
}
