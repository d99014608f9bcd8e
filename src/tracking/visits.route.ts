import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { answerPreflight, corsHeaders } from "../common/cors.js";
import { describeError, log } from "../common/log.js";
import type { RateLimiter } from "../common/rate-limit.js";
import type { Database } from "../db/client.js";
import type { LandingCache } from "../landing/landing.cache.js";
import { normalizeLandingInput } from "../landing/landing.service.js";
import { trackReferralVisit } from "../referrals/referral.service.js";

export interface VisitsRouteDeps {
  db: Database;
  landing: LandingCache;
  /** The limiter trackReferralVisit uses: one allowance per address, whichever way visits come. */
  visitLimiter: RateLimiter;
  /** PUBLIC_CORS_ORIGINS. */
  corsOrigins: string[];
}

/** What the snippet sends. */
interface VisitRequest {
  affiliate: string | null;
  visitorId: string;
  niche: string | null;
  content: string | null;
  slots: boolean;
}

/** The snippet's visitor ids: url-safe, and short enough for Stripe's client_reference_id (200) with "adv_". */
const VISITOR_ID = /^[A-Za-z0-9_-]{8,128}$/;
const MAX_BODY = "4kb";

const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

/** The request, or the reason it is malformed. */
function parseVisit(text: unknown): VisitRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(typeof text === "string" ? text : "");
  } catch {
    return "the body must be JSON: {affiliate, visitorId, niche?, content?, slots?}";
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return "the body must be a JSON object: {affiliate, visitorId, niche?, content?, slots?}";
  const { affiliate = null, visitorId, niche = null, content = null, slots = false } = body as Record<string, unknown>;
  if (typeof visitorId !== "string" || !VISITOR_ID.test(visitorId)) return "visitorId must be 8 to 128 characters among A-Z, a-z, 0-9, - and _";
  for (const [name, value] of Object.entries({ affiliate, niche, content })) {
    if (value !== null && typeof value !== "string") return `${name} must be a string or null`;
  }
  if (typeof slots !== "boolean") return "slots must be true or false";
  return { affiliate, visitorId, niche, content, slots } as VisitRequest;
}

/**
 * POST /visits: the tracking snippet's one request per page view. The body is JSON sent as
 * text/plain (sendBeacon, or fetch with keepalive), so a browser sends it without a preflight
 * (Apollo's CSRF prevention refuses such requests on /graphql, rightly: they need no CORS).
 * Records the visit as trackReferralVisit does (same rules, same per-address limit); with
 * `slots: true` the answer also carries the landing content for the affiliate and niche (GET
 * /landing's JSON), so a page with slots still makes one request.
 */
export function visitsRouter({ db, landing, visitLimiter, corsOrigins }: VisitsRouteDeps): Router {
  const router = express.Router();
  router.options("/visits", (req: Request, res: Response) => answerPreflight(res, corsOrigins, req.headers));
  router.post(
    "/visits",
    // CORS first, so a page can read even a refusal of its body (413, 400).
    (req: Request, res: Response, next: NextFunction) => {
      res.set({ ...corsHeaders(corsOrigins, req.headers), "Cache-Control": "no-store" });
      next();
    },
    express.text({ type: () => true, limit: MAX_BODY }),
    async (req: Request, res: Response) => {
      // Before any database work, as trackReferralVisit: the limit protects the database.
      const decision = visitLimiter.take(req.ip ?? "unknown");
      if (!decision.allowed) {
        res.set("Retry-After", String(decision.retryAfterSeconds));
        return void fail(res, 429, "TOO_MANY_REQUESTS", `too many visits from this address; retry in ${decision.retryAfterSeconds} s`);
      }
      const visit = parseVisit(req.body);
      if (typeof visit === "string") return void fail(res, 400, "BAD_REQUEST", visit);
      try {
        const recorded = visit.affiliate === null ? false : await trackReferralVisit(db, visit.affiliate, visit.visitorId, { niche: visit.niche, contentId: visit.content });
        if (!visit.slots) return void res.status(200).json({ recorded });
        const { entry } = await landing.get(normalizeLandingInput({ affiliateCode: visit.affiliate, niche: visit.niche }));
        // The page's JSON bytes as cached, not parsed and written again.
        res.status(200).type("application/json").send(Buffer.concat([Buffer.from(`{"recorded":${recorded},"page":`), entry.body, Buffer.from("}")]));
      } catch (error) {
        log.error("visit could not be recorded", describeError(error));
        fail(res, 503, "UNAVAILABLE", "the visit could not be recorded; nothing was stored");
      }
    },
  );
  return router;
}
