import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { RateLimiter, type RateDecision } from "../common/rate-limit.js";
import { ErrorCode } from "../common/errors.js";
import { parseAuthorization } from "../auth/api-keys.js";
import type { RequestRateLimitOptions } from "../config/config.js";

export interface RequestRateLimit {
  /** The middleware in front of /graphql. */
  handler: (req: Request, res: Response, next: NextFunction) => void;
  /** Charges the address with a refused Authorization header (the context reports them). */
  authenticationFailed(clientIp: string | undefined): void;
}

const addressOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

function answer(decision: RateDecision, refusal: string, res: Response, next: NextFunction): void {
  if (decision.allowed) return next();
  res
    .status(429)
    .set("retry-after", String(decision.retryAfterSeconds))
    .json({
      errors: [
        {
          message: `${refusal}: retry in ${decision.retryAfterSeconds} s`,
          extensions: { code: ErrorCode.TOO_MANY_REQUESTS, retryAfterSeconds: decision.retryAfterSeconds },
        },
      ],
    });
}

/**
 * Token buckets for POST/GET /graphql: per API key when the request carries one (by a hash of
 * the parsed key, so `Bearer`, `bearer` and extra spaces are one key; the key itself is never
 * kept), else per client address (IPv6 per /64). Keys that fail to authenticate charge a third
 * bucket, per address: once it is empty, requests with a key from that address are refused
 * before the key is looked up, so random keys cost no database lookups. A refused request gets
 * 429 with Retry-After and a GraphQL error TOO_MANY_REQUESTS. Anonymous landing pages are
 * answered before this (the fast path: cached, and behind a CDN), and trackReferralVisit keeps
 * its own, stricter limit. Per process, like the visit limit.
 */
export function requestRateLimit(options: RequestRateLimitOptions): RequestRateLimit {
  const byKey = new RateLimiter({ perMinute: options.perKeyPerMinute, maxAddresses: 100_000 });
  const byAddress = new RateLimiter({ perMinute: options.perAddressPerMinute, maxAddresses: 100_000 });
  const failures = new RateLimiter({ perMinute: options.perAddressPerMinute, maxAddresses: 100_000 });
  const keyOf = (token: string) => `key:${createHash("sha256").update(token).digest("base64url").slice(0, 22)}`;
  return {
    handler(req, res, next) {
      const credential = parseAuthorization(req.headers.authorization);
      const address = addressOf(req);
      if (credential.kind !== "bearer") return answer(byAddress.take(address), "too many requests", res, next);
      const blocked = failures.peek(address);
      if (!blocked.allowed) return answer(blocked, "too many failed authentications from this address", res, next);
      answer(byKey.take(keyOf(credential.token)), "too many requests", res, next);
    },
    authenticationFailed(clientIp) {
      failures.take(clientIp ?? "unknown");
    },
  };
}
