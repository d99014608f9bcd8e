import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { Database } from "../db/client.js";
import type { ChangePublisher } from "../common/changes.js";
import type { LandingCache } from "../landing/landing.cache.js";
import { createLoaders, type Context } from "../graphql/context.js";
import { Role, type Caller } from "../auth/roles.js";
import { hashApiKey, looksLikeAffiliateKey, looksLikeServerKey, parseAuthorization, sameSecret } from "../auth/api-keys.js";
import { findAffiliateByKeyHash } from "../affiliates/affiliate.repository.js";
import { findLiveServerKeyByHash } from "../server-keys/server-key.repository.js";
import type { AttributionModelName, ProgramSettings, ScoringConfig } from "../config/config.js";
import type { Clock } from "../jobs/job.runner.js";
import type { RateLimiter } from "../common/rate-limit.js";
import { cookieValue, findSession, SESSION_COOKIE } from "../auth/sessions.js";

function unauthenticatedRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** The audit log's name for the admin key (a hash prefix, never the key): made once per key, not per request. */
let adminLabel: { key: string; label: string } | undefined;
function adminCredential(key: string): string {
  if (adminLabel?.key !== key) adminLabel = { key, label: `admin-key:${hashApiKey(key).slice(0, 8)}` };
  return adminLabel.label;
}

/**
 * Who is calling. No header: the public. A header that is not a live admin, affiliate or server
 * key is refused outright, even for public operations, so a broken key is noticed at once.
 */
export async function resolveCaller(db: Database, authorization: string | undefined, adminApiKey: string | undefined, now = new Date()): Promise<Caller> {
  const credential = parseAuthorization(authorization);
  if (credential.kind === "none") return { role: Role.PUBLIC };
  if (credential.kind === "malformed") throw unauthenticatedRequest("the Authorization header must be 'Bearer <key>'");
  const { token } = credential;
  if (adminApiKey !== undefined && sameSecret(token, adminApiKey)) return { role: Role.ADMIN, credential: adminCredential(adminApiKey) };
  if (looksLikeAffiliateKey(token)) {
    const affiliate = await findAffiliateByKeyHash(db, hashApiKey(token));
    if (affiliate?.suspended) {
      throw new GraphQLError("this affiliate is suspended: its keys are refused until it is re-activated", { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
    }
    if (affiliate) return { role: Role.AFFILIATE, affiliateId: affiliate.affiliateId };
  }
  if (looksLikeServerKey(token)) {
    const key = await findLiveServerKeyByHash(db, hashApiKey(token), now);
    if (key) return { role: Role.SERVER, serverKeyId: key.id, scopes: key.scopes };
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
  attributionModel: AttributionModelName;
  program: ProgramSettings;
  /** Told of each request refused for its Authorization header (the rate limiter counts them per address). */
  onAuthenticationFailure?: (clientIp: string | undefined) => void;
  /** The app's clock: a request's `now` (tests move it to close commission periods). Default: the system clock. */
  clock?: Clock;
}

/**
 * Without an Authorization header, a console or portal session cookie names the caller, provided
 * the request carries the session's CSRF token in X-CSRF-Token; an unknown or expired session is
 * the public (the console then asks to sign in again).
 */
async function resolveSessionCaller(db: Database, cookie: string | undefined, csrfToken: string | undefined, now: Date): Promise<Caller | undefined> {
  const token = cookieValue(cookie, SESSION_COOKIE);
  if (!token) return undefined;
  const session = await findSession(db, token, now);
  if (!session) return undefined;
  if (!csrfToken || !sameSecret(csrfToken, session.csrfToken)) {
    throw new GraphQLError("a session request must carry its CSRF token in the X-CSRF-Token header", { extensions: { code: "FORBIDDEN", http: { status: 403 } } });
  }
  return session.caller;
}

/** What a request brings to its context. */
export interface RequestInfo {
  authorization: string | undefined;
  /** The Cookie header and X-CSRF-Token: a browser session's credentials. */
  cookie?: string;
  csrfToken?: string;
  clientIp: string | undefined;
  requestId?: string;
}

export async function createContext(
  { db, changes, scoring, landing, adminApiKey, visitLimiter, attributionWindowDays, attributionModel, program, onAuthenticationFailure, clock }: ContextOptions,
  { authorization, cookie, csrfToken, clientIp, requestId = randomUUID() }: RequestInfo,
): Promise<Context> {
  const now = clock?.now() ?? new Date();
  const fromSession = parseAuthorization(authorization).kind === "none" ? await resolveSessionCaller(db, cookie, csrfToken, now) : undefined;
  const caller = fromSession ?? await resolveCaller(db, authorization, adminApiKey, now).catch((error: unknown) => {
    // Only a refused header: a lookup the database failed says nothing about the key.
    if (error instanceof GraphQLError && error.extensions.code === "UNAUTHENTICATED") onAuthenticationFailure?.(clientIp);
    throw error;
  });
  return {
    db,
    changes,
    scoring,
    landing,
    caller,
    loaders: createLoaders(db, now, scoring),
    now,
    requestId,
    clientIp: clientIp ?? "unknown",
    visitLimiter,
    attributionWindowDays,
    attributionModel,
    program,
    programCurrency: program.currency,
  };
}
