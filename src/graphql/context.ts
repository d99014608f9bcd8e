import type { Database } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import type { AttributionModelName, ProgramSettings, ScoringConfig } from "../config/config.js";
import type { Caller } from "../auth/roles.js";
import type { LandingCache } from "../landing/landing.cache.js";
import type { RateLimiter } from "../common/rate-limit.js";
import { createCustomerLoaders } from "../customers/customer.loaders.js";
import { createAffiliateLoaders } from "../affiliates/affiliate.loaders.js";
import { createReferralLoaders } from "../referrals/referral.loaders.js";
import { createScoreLoaders } from "../intelligence/scores.loaders.js";
import { createSegmentLoaders } from "../segments/segment.loaders.js";
import { createContentLoaders } from "../content/content.loaders.js";
import { createCommissionLoaders } from "../commissions/commission.loaders.js";
import { createMilestoneLoaders } from "../milestones/milestones.loaders.js";
import { createJourneyLoaders } from "../journeys/journey.loaders.js";
import { createPaymentLoaders } from "../payments/payment.loaders.js";
import { createStripeLoaders } from "../stripe/stripe.loaders.js";

// What every resolver receives. Here, between the domains and server/, so resolvers import it
// without reaching into the server (which imports them): server/context.ts builds it per request.

/** Built fresh for every request: loaders must never outlive it (they cache rows). */
export function createLoaders(db: Database, now: Date, scoring: ScoringConfig) {
  return {
    ...createCustomerLoaders(db, now),
    ...createScoreLoaders(db, now, scoring),
    ...createSegmentLoaders(db),
    ...createContentLoaders(db),
    ...createAffiliateLoaders(db, now),
    ...createReferralLoaders(db),
    ...createCommissionLoaders(db),
    ...createMilestoneLoaders(db, now, scoring),
    ...createJourneyLoaders(db),
    ...createPaymentLoaders(db),
    ...createStripeLoaders(db),
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
  visitLimiter: RateLimiter;
  attributionWindowDays: number;
  attributionModel: AttributionModelName;
  program: ProgramSettings;
}
