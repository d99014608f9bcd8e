import { Router, type Request, type Response } from "express";
import type { LandingCache } from "./landing.cache.js";
import { normalizeLandingInput } from "./landing.service.js";

export interface LandingRouteOptions {
  /** Origins allowed to call /landing from a browser; ["*"] for any. */
  corsOrigins: string[];
}

const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
/** A fallback answer should not sit in a CDN for long: the real one is due back soon. */
const FALLBACK_CACHE_CONTROL = "public, max-age=5";

const firstString = (value: unknown): string | undefined => (Array.isArray(value) ? firstString(value[0]) : typeof value === "string" ? value : undefined);

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

function applyCors(req: Request, res: Response, origins: string[]): void {
  const origin = req.headers.origin;
  res.vary("Origin");
  if (!origin) return;
  if (origins.includes("*")) res.setHeader("Access-Control-Allow-Origin", "*");
  else if (origins.includes(origin)) res.setHeader("Access-Control-Allow-Origin", origin);
  else return;
  res.setHeader("Access-Control-Expose-Headers", "ETag, X-Advocate-Fallback");
}

/**
 * GET /landing?affiliate=CODE&niche=NICHE[&limit=N]: the landingPage answer as JSON for
 * marketing sites and CDNs: strong ETag, 304 on If-None-Match, cacheable, CORS for the
 * configured origins. It always answers 200 with a page: stale or default content when the
 * database fails, said by the X-Advocate-Fallback header.
 */
export function landingRouter(cache: LandingCache, options: LandingRouteOptions): Router {
  const router = Router();
  router.options("/landing", (req, res) => {
    applyCors(req, res, options.corsOrigins);
    res.setHeader("Access-Control-Allow-Methods", "GET, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "If-None-Match");
    res.setHeader("Access-Control-Max-Age", "86400");
    res.status(204).end();
  });
  router.get("/landing", async (req, res) => {
    const input = normalizeLandingInput({
      affiliateCode: firstString(req.query.affiliate),
      niche: firstString(req.query.niche),
      limit: firstString(req.query.limit),
    });
    const { entry, source } = await cache.get(input);
    applyCors(req, res, options.corsOrigins);
    res.setHeader("ETag", entry.etag);
    const fallback = source === "stale" || source === "default";
    res.setHeader("Cache-Control", fallback ? FALLBACK_CACHE_CONTROL : CACHE_CONTROL);
    if (fallback) res.setHeader("X-Advocate-Fallback", source);
    if (matchesEtag(req.headers["if-none-match"], entry.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(entry.body);
  });
  return router;
}
