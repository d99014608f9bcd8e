import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { Database } from "../db/client.js";
import type { ChangePublisher } from "../common/changes.js";
import type { LandingCache } from "../landing/landing.cache.js";
import { createLoaders, type Context } from "../graphql/context.js";
import { Role, type Caller } from "../auth/roles.js";
import { bearerToken, hashApiKey, looksLikeAffiliateKey, sameSecret } from "../auth/api-keys.js";
import { findAffiliateIdByKeyHash } from "../affiliates/affiliate.repository.js";
import type { ProgramSettings, ScoringConfig } from "../config/config.js";
import type { RateLimiter } from "../common/rate-limit.js";

function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/**
 * Who is calling. No header: the public. A header that is not a live admin or affiliate key is
 * refused outright, even for public operations, so a broken key is noticed at once.
 */
export async function resolveCaller(db: Database, authorization: string | undefined, adminApiKey: string | undefined): Promise<Caller> {
  if (authorization === undefined || authorization.trim() === "") return { role: Role.PUBLIC };
  const token = bearerToken(authorization);
  if (!token) throw unauthenticatedRequest("the Authorization header must be 'Bearer <key>'");
  if (adminApiKey !== undefined && sameSecret(token, adminApiKey)) return { role: Role.ADMIN };
  if (looksLikeAffiliateKey(token)) {
    const affiliateId = await findAffiliateIdByKeyHash(db, hashApiKey(token));
    if (affiliateId) return { role: Role.AFFILIATE, affiliateId };
  }
  throw unauthenticatedRequest("unknown or revoked API key");
}

export interface ContextOptions {
  db: Database;
  changes: ChangePublisher;
  scoring: ScoringConfig;
  landing: LandingCache;
  adminApiKey: string | undefined;
  visitLimiter: RateLimiter;
  attributionWindowDays: number;
  program: ProgramSettings;
}

/** What a request brings to its context. */
export interface RequestInfo {
  authorization: string | undefined;
  clientIp: string | undefined;
  requestId?: string;
}

export async function createContext(
  { db, changes, scoring, landing, adminApiKey, visitLimiter, attributionWindowDays, program }: ContextOptions,
  { authorization, clientIp, requestId = randomUUID() }: RequestInfo,
): Promise<Context> {
  const now = new Date();
  return {
    db,
    changes,
    scoring,
    landing,
    caller: await resolveCaller(db, authorization, adminApiKey),
    loaders: createLoaders(db, now, scoring),
    now,
    requestId,
    clientIp: clientIp ?? "unknown",
    visitLimiter,
    attributionWindowDays,
    program,
  };
}
