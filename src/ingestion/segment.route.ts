import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { ServiceContext } from "../common/service-context.js";
import type { SegmentOptions } from "../config/config.js";
import { describeError, log } from "../common/log.js";
import { parseRfc3339 } from "../common/dates.js";
import { hashApiKey, looksLikeServerKey } from "../auth/api-keys.js";
import { ServerKeyScope } from "../auth/auth.enums.js";
import type { Clock } from "../jobs/job.runner.js";
import { findLiveServerKeyByHash } from "../server-keys/server-key.repository.js";
import { largestNestedSpan, MAX_BATCH_BYTES, MAX_EVENT_BYTES, SEGMENT_TYPES, type SegmentType } from "./segment.events.js";
import { ingestSegmentCalls, type CallOutcome } from "./segment.service.js";

const fail = (res: Response, status: number, code: string, message: string, reason?: string) => res.status(status).json({ error: { code, message, ...(reason ? { reason } : {}) } });

/** The user name of an HTTP Basic header (Segment's write key, here a server key's secret); null when there is none. */
export function basicUser(header: string | undefined): string | null {
  const match = /^\s*Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const user = decoded.includes(":") ? decoded.slice(0, decoded.indexOf(":")) : decoded;
  return user === "" ? null : user;
}

/**
 * POST /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page, /v1/screen: Segment's HTTP
 * tracking API (RudderStack's has the same shape). HTTP Basic with a server key's secret as the
 * user name: none or an unknown or revoked key is 401, a key without the INGESTION scope 403,
 * both before the body is read. Past Segment's limits (500 KB a batch, 32 KB a call) the request
 * is 400 and nothing is stored. `onCalls` counts each call's outcome (/metrics).
 */
export function segmentRouter(context: ServiceContext, options: SegmentOptions, clock: Clock, onCalls: (outcomes: CallOutcome[]) => void): Router {
  const router = express.Router();
  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const secret = basicUser(req.headers.authorization);
      const key = secret !== null && looksLikeServerKey(secret) ? await findLiveServerKeyByHash(context.db, hashApiKey(secret), clock.now()) : undefined;
      if (!key) {
        res.set("www-authenticate", 'Basic realm="advocate"');
        return void fail(res, 401, "UNAUTHENTICATED", "HTTP Basic with a live server key's secret as the user name is required", secret === null ? "missing_key" : "unknown_key");
      }
      if (!key.scopes.includes(ServerKeyScope.INGESTION)) return void fail(res, 403, "FORBIDDEN", "this server key may not send events", "the key lacks the INGESTION scope");
      next();
    } catch (error) {
      next(error);
    }
  };
  const handle = (routeType: SegmentType | null) => async (req: Request, res: Response) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return void fail(res, 400, "BAD_REQUEST", "the body is not valid JSON");
    }
    const envelope = (parsed ?? {}) as { batch?: unknown; sentAt?: unknown };
    const calls = routeType === null ? envelope.batch : [parsed];
    if (!Array.isArray(calls)) return void fail(res, 400, "BAD_REQUEST", 'the body must be {"batch": [...]}');
    // Each call at most 32 KB as sent; which one is too large is found only when one is.
    if (routeType === null && largestNestedSpan(body) > MAX_EVENT_BYTES) {
      const tooLarge = calls.findIndex((call) => Buffer.byteLength(JSON.stringify(call) ?? "") > MAX_EVENT_BYTES);
      if (tooLarge !== -1) return void fail(res, 400, "BAD_REQUEST", `call ${tooLarge} of the batch is larger than 32 KB (Segment's limit); nothing was stored`, "event_too_large");
    }
    const sentAt = typeof envelope.sentAt === "string" ? parseRfc3339(envelope.sentAt) : null;
    try {
      const { result, outcomes } = await ingestSegmentCalls(context, options, calls, routeType, routeType === null ? sentAt : null, clock.now());
      onCalls(outcomes);
      res.json(result);
    } catch (error) {
      log.error("segment ingestion failed", describeError(error));
      fail(res, 500, "INTERNAL_SERVER_ERROR", "the calls could not be stored; retry the request");
    }
  };
  const raw = (limit: number) => express.raw({ type: () => true, limit });
  router.post("/v1/batch", authenticate, raw(MAX_BATCH_BYTES), handle(null));
  for (const type of SEGMENT_TYPES) router.post(`/v1/${type}`, authenticate, raw(MAX_EVENT_BYTES), handle(type));
  // Past the limit, Segment answers 400, not 413: its clients do not retry a 400.
  router.use("/v1", (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string } | null)?.type !== "entity.too.large" || res.headersSent) return next(error);
    fail(res, 400, "BAD_REQUEST", `the request is larger than Segment's limit (500 KB a batch, 32 KB a call); nothing was stored`, "request_too_large");
  });
  return router;
}
