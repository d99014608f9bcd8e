import type { IncomingMessage, ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";
import { landingCacheKey, type LandingCache, type LandingEntry, type LandingSource } from "./landing.cache.js";
import { answerPreflight, corsHeaders } from "../common/cors.js";
import { normalizeLandingInput, type LandingInput } from "./landing.service.js";

export interface LandingRouteOptions {
  /** PUBLIC_CORS_ORIGINS: origins allowed to call /landing from a browser; ["*"] for any. */
  corsOrigins: string[];
}

const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
/** A fallback answer should not sit in a CDN for long: the real one is due back soon. */
const FALLBACK_CACHE_CONTROL = "public, max-age=5";

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function landingCorsHeaders(req: IncomingMessage, origins: string[]): Record<string, string> {
  const headers = corsHeaders(origins, req.headers);
  if (headers["Access-Control-Allow-Origin"]) headers["Access-Control-Expose-Headers"] = "ETag, X-Advocate-Fallback";
  return headers;
}

/** `/landing` or `/landing?…`, for GET, HEAD and the CORS preflight. */
export function isLandingRequest(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return (url === "/landing" || url.startsWith("/landing?")) && (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS");
}

/**
 * GET /landing?affiliate=CODE&niche=NICHE[&limit=N]: the landingPage answer as JSON for
 * marketing sites and CDNs: strong ETag, 304 on If-None-Match, cacheable, CORS for the
 * configured origins. It always answers 200 with a page: stale or default content when the
 * database fails, said by the X-Advocate-Fallback header.
 *
 * A plain node:http handler, placed in front of Express: this is the hot path of every page
 * view, and Express's routing and response helpers cost more than the cached answer itself.
 */
export function createLandingHandler(cache: LandingCache, options: LandingRouteOptions) {
  // Marketing sites send the same few query strings again and again: what each one means (its
  // normalized input and cache key) is remembered, bounded by entries and bytes.
  const requests = new LRUCache<string, { input: LandingInput; key: string }>({
    max: 10_000,
    maxSize: 8 * 1024 * 1024,
    sizeCalculation: (_value, raw) => raw.length * 2 + 200,
  });

  function understand(raw: string): { input: LandingInput; key: string } {
    let known = requests.get(raw);
    if (!known) {
      const query = new URLSearchParams(raw);
      const input = normalizeLandingInput({ affiliateCode: query.get("affiliate"), niche: query.get("niche"), limit: query.get("limit") });
      known = { input, key: landingCacheKey(input) };
      requests.set(raw, known);
    }
    return known;
  }

  function send(req: IncomingMessage, res: ServerResponse, entry: LandingEntry, source: LandingSource): void {
    const origin = req.headers.origin;
    const fallback = source === "stale" || source === "default";
    const notModified = matchesEtag(req.headers["if-none-match"], entry.etag);
    if (!origin && !fallback && !notModified) {
      // Every page view without CORS: the headers are the entry's own, built once.
      entry.restHeaders ??= [
        "Vary", "Origin",
        "ETag", entry.etag,
        "Cache-Control", CACHE_CONTROL,
        "Content-Type", "application/json; charset=utf-8",
        "Content-Length", String(entry.body.length),
      ];
      res.writeHead(200, entry.restHeaders);
      res.end(req.method === "HEAD" ? undefined : entry.body);
      return;
    }
    const headers: Record<string, string> = {
      ...landingCorsHeaders(req, options.corsOrigins),
      ETag: entry.etag,
      "Cache-Control": fallback ? FALLBACK_CACHE_CONTROL : CACHE_CONTROL,
    };
    if (fallback) headers["X-Advocate-Fallback"] = source;
    if (notModified) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    headers["Content-Type"] = "application/json; charset=utf-8";
    headers["Content-Length"] = String(entry.body.length);
    res.writeHead(200, headers);
    res.end(req.method === "HEAD" ? undefined : entry.body);
  }

  return function landingHandler(req: IncomingMessage, res: ServerResponse): Promise<void> | void {
    if (req.method === "OPTIONS") return answerPreflight(res, options.corsOrigins, req.headers);
    const url = req.url ?? "";
    const { input, key } = understand(url.length > "/landing?".length ? url.slice("/landing?".length) : "");
    const hit = cache.getCached(input, key);
    if (hit) return send(req, res, hit, "cached");
    const got = cache.miss(input, key);
    if (!(got instanceof Promise)) return send(req, res, got.entry, got.source);
    return got.then(({ entry, source }) => send(req, res, entry, source));
  };
}
