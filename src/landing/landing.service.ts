import type { Executor } from "../db/client.js";
import { normalizeCode, normalizeNiche } from "../common/normalize.js";
import { LIMITS, textProblem } from "../common/validate.js";
import { findAffiliateByCode } from "../affiliates/affiliate.repository.js";
import { findLandingCandidates, type LandingCandidate, type Level } from "./landing.repository.js";
import type { LandingMatch } from "./landing.enums.js";

export const DEFAULT_LIMIT = 3;
export const MAX_LIMIT = 10;

/** Every input after normalization: this is also the cache key. */
export interface LandingInput {
  affiliateCode: string | null;
  niche: string | null;
  limit: number;
}

export type LandingMatchName = `${LandingMatch}`;

export interface LandingItem {
  id: string;
  kind: LandingCandidate["kind"];
  title: string;
  body: string;
  url: string | null;
  customerName: string | null;
}

/** The answer, in the shape of the GraphQL LandingPage type (and the JSON of GET /landing). */
export interface LandingPageData {
  affiliate: { code: string; name: string } | null;
  niche: string | null;
  matchedOn: LandingMatchName;
  caseStudies: LandingItem[];
  useCases: LandingItem[];
  painPoints: LandingItem[];
}

const LEVEL_NAMES: Record<Level, LandingMatchName> = { 1: "AFFILIATE_AND_NICHE", 2: "NICHE", 3: "AFFILIATE", 4: "DEFAULT" };

/**
 * Public input is never an error: a malformed code is no code, an over-long niche is no niche,
 * and the limit is brought into 1..10 (a marketing page must render whatever the URL says). A
 * niche no row can hold (a NUL byte, which PostgreSQL refuses in text, or a lone surrogate)
 * matches nothing and never reaches the database; codes are limited to [a-z0-9_-] already.
 */
export function normalizeLandingInput(raw: { affiliateCode?: string | null; niche?: string | null; limit?: number | string | null }): LandingInput {
  const code = raw.affiliateCode ? normalizeCode(raw.affiliateCode) : "";
  const niche = raw.niche ? normalizeNiche(raw.niche) : "";
  const limit = Math.trunc(Number(raw.limit ?? DEFAULT_LIMIT));
  return {
    affiliateCode: /^[a-z0-9_-]{2,64}$/.test(code) ? code : null,
    niche: niche !== "" && niche.length <= LIMITS.niche && textProblem(niche) === null ? niche : null,
    limit: Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(1, limit)) : DEFAULT_LIMIT,
  };
}

/** Fills each kind from the most specific level down, so a page is never empty when content exists. */
export function assembleLandingPage(
  input: LandingInput,
  affiliate: LandingPageData["affiliate"],
  candidates: readonly LandingCandidate[],
): LandingPageData {
  const pick = (kind: LandingCandidate["kind"]) =>
    candidates
      .filter((c) => c.kind === kind)
      .sort((a, b) => a.level - b.level)
      .slice(0, input.limit);
  const chosen = { caseStudies: pick("CASE_STUDY"), useCases: pick("USE_CASE"), painPoints: pick("PAIN_POINT") };
  const all = [...chosen.caseStudies, ...chosen.useCases, ...chosen.painPoints];
  const best = Math.min(4, ...all.map((c) => c.level)) as Level;
  const strip = (items: LandingCandidate[]): LandingItem[] =>
    items.map(({ id, kind, title, body, url, customerName }) => ({ id, kind, title, body, url, customerName }));
  return {
    affiliate,
    niche: all.some((c) => c.level <= 2) ? input.niche : null,
    matchedOn: LEVEL_NAMES[best],
    caseStudies: strip(chosen.caseStudies),
    useCases: strip(chosen.useCases),
    painPoints: strip(chosen.painPoints),
  };
}

/** Computes a landing page from the database: at most two statements. */
export async function computeLandingPage(ex: Executor, input: LandingInput): Promise<LandingPageData> {
  const affiliate = input.affiliateCode ? await findAffiliateByCode(ex, input.affiliateCode) : undefined;
  const candidates = await findLandingCandidates(ex, affiliate?.id ?? null, input.niche, input.limit);
  return assembleLandingPage(input, affiliate ? { code: affiliate.code, name: affiliate.name } : null, candidates);
}

/** What a page shows when the database cannot answer and nothing is cached: never an error. */
export function defaultLandingPage(): LandingPageData {
  return { affiliate: null, niche: null, matchedOn: "DEFAULT", caseStudies: [], useCases: [], painPoints: [] };
}
