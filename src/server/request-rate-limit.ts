import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { RateLimiter } from "../common/rate-limit.js";
import { ErrorCode } from "../common/errors.js";
import type { RequestRateLimitOptions } from "../config/config.js";

/**
 * Token buckets for POST/GET /graphql: per API key when the request carries one (by a hash of
 * it: the key itself is never kept), else per client address (IPv6 per /64). A refused request
 * gets 429 with Retry-After and a GraphQL error TOO_MANY_REQUESTS. Anonymous landing pages are
 * answered before this (the fast path: cached, and behind a CDN), and trackReferralVisit keeps
 * its own, stricter limit. Per process, like the visit limit.
 */
export function requestRateLimit(options: RequestRateLimitOptions) {
  const byKey = new RateLimiter({ perMinute: options.perKeyPerMinute, maxAddresses: 100_000 });
  const byAddress = new RateLimiter({ perMinute: options.perAddressPerMinute, maxAddresses: 100_000 });
  return (req: Request, res: Response, next: NextFunction) => {
    const authorization = req.headers.authorization?.trim();
    const decision = authorization
      ? byKey.take(`key:${createHash("sha256").update(authorization).digest("base64url").slice(0, 22)}`)
      : byAddress.take(req.ip ?? req.socket.remoteAddress ?? "unknown");
    if (decision.allowed) return next();
    res
      .status(429)
      .set("retry-after", String(decision.retryAfterSeconds))
      .json({
        errors: [
          {
            message: `too many requests: retry in ${decision.retryAfterSeconds} s`,
            extensions: { code: ErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds: decision.retryAfterSeconds },
          },
        ],
      });
  };
}
