import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { Database } from "../db/client.js";
import type { ChangePublisher } from "../common/changes.js";
import type { ServiceContext } from "../common/service-context.js";
import type { LandingCache } from "../landing/landing.cache.js";
import { Role, type Caller } from "../auth/roles.js";
import { bearerToken, hashApiKey, looksLikeAffiliateKey, sameSecret } from "../auth/api-keys.js";
import { findAffiliateIdByKeyHash } from "../affiliates/affiliate.repository.js";
import { createCustomerLoaders } from "../customers/customer.loaders.js";
import { createAffiliateLoaders } from "../affiliates/affiliate.loaders.js";
import { createReferralLoaders } from "../referrals/referral.loaders.js";
import { createScoreLoaders } from "../intelligence/scores.loaders.js";
import { createSegmentLoaders } from "../segments/segment.loaders.js";
import { createContentLoaders } from "../content/content.loaders.js";
import { createCommissionLoaders } from "../commissions/commission.loaders.js";
import { createMilestoneLoaders } from "../milestones/milestones.loaders.js";
import { createJourneyLoaders } from "../journeys/journey.loaders.js";
import type { ProgramSettings, ScoringConfig } from "../config/config.js";
import type { VisitRateLimiter } from "../referrals/visit-rate-limit.js";

/** Built fresh for every request: loaders must never outlive it (they cache rows). */
export function createLoaders(db: Database, now: Date, scoring: ScoringConfig) {
  return {
    ...createCustomerLoaders(db),
    ...createScoreLoaders(db, now, scoring),
    ...createSegmentLoaders(db),
    ...createContentLoaders(db),
    ...createAffiliateLoaders(db, now),
    ...createReferralLoaders(db),
    ...createCommissionLoaders(db),
    ...createMilestoneLoaders(db, now, scoring),
    ...createJourneyLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** A resolver's view of a request; services take it as their ServiceContext (db, changes, scoring). */
export interface Context extends ServiceContext {
  landing: LandingCache;
  caller: Caller;
  loaders: Loaders;
  /** One clock per request, so every field of an answer is computed as of the same moment. */
  now: Date;
  requestId: string;
  /**
   * The client's address: express's req.ip, the socket's peer unless "trust proxy" names the
   * proxies allowed to report it in X-Forwarded-For (TRUST_PROXY).
   */
  clientIp: string;
  visitLimiter: VisitRateLimiter;
  attributionWindowDays: number;
  program: ProgramSettings;
}

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
  visitLimiter: VisitRateLimiter;
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
