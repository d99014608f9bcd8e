import { AFFILIATE_BRAND_WORDS, COMPANY_CORES, COMPANY_PREFIXES, FIRST_NAMES, LAST_NAMES, NICHES } from "./catalog.js";
import type { AffiliateRow } from "./dataset.js";
import { liveCustomer } from "./customer-life.js";
import type { AffiliateDraft, AffiliateKind, CustomerLife, Population } from "./population.types.js";
import { Random } from "./random.js";
import { DAY_MS, HISTORY_SPAN_MS, slugify } from "./time.js";

/**
 * Who is who: the affiliates and the customers with their billing lives (signup, plan changes,
 * churn). Everything else (usage, surveys, tickets, visits, content) is drawn from these.
 *
 * Each customer carries a latent success propensity (a logit) built from its niche, channel,
 * plan, its affiliate's quality and noise. It drives churn and upsells (customer-life.ts), and
 * usage, surveys and tickets in history.ts, so successful customers look successful in every
 * table.
 */

/** A customer becomes an affiliate only after being a customer this long. */
const CUSTOMER_AGE_BEFORE_AFFILIATE_MS = 90 * DAY_MS;
/** Customers at least this propensity are the successful ones that become affiliates. */
const AFFILIATE_CANDIDATE_PROPENSITY = 0.9;

export function affiliateCountFor(customerCount: number): number {
  return Math.max(5, Math.round(customerCount / 100));
}

export function buildPopulation(seed: string, customerCount: number, now: number): Population {
  const affiliates = draftAffiliates(seed, affiliateCountFor(customerCount), now);
  const byCreation = [...affiliates].sort((a, b) => a.createdAt - b.createdAt || a.index - b.index);
  const cumulativeReach: number[] = [];
  let reach = 0;
  for (const affiliate of byCreation) cumulativeReach.push((reach += affiliate.reach));

  const pickReferrer = (rng: Random, signedUpAt: number): AffiliateDraft | undefined => {
    const eligible = upperBound(byCreation, signedUpAt, (a) => a.createdAt);
    if (eligible === 0) return undefined;
    const target = rng.next() * cumulativeReach[eligible - 1]!;
    return byCreation[Math.min(eligible - 1, upperBound(cumulativeReach, target, (r) => r))];
  };

  const lives: CustomerLife[] = [];
  for (let index = 0; index < customerCount; index++) {
    const life = liveCustomer(seed, index, now, pickReferrer);
    life.referrer?.referred.push(life);
    lives.push(life);
  }
  linkAffiliatesToCustomers(seed, affiliates, lives);
  return { affiliates, lives };
}

function draftAffiliates(seed: string, count: number, now: number): AffiliateDraft[] {
  const rng = new Random(`${seed}:affiliates`);
  const start = now - HISTORY_SPAN_MS;
  const drafts: AffiliateDraft[] = [];
  for (let index = 0; index < count; index++) {
    const kind = rng.weighted<AffiliateKind>([
      ["customer", 0.3],
      ["publisher", 0.3],
      ["agency", 0.2],
      ["consultant", 0.2],
    ]);
    // Customers who promote the product send customers like themselves; the others range
    // from excellent to affiliates whose customers churn within months.
    const quality = kind === "customer" ? rng.normal(0.7, 0.35) : rng.chance(0.15) ? rng.normal(-1.6, 0.3) : rng.normal(0, 0.6);
    const createdAt =
      kind === "customer"
        ? start + CUSTOMER_AGE_BEFORE_AFFILIATE_MS + rng.next() * (HISTORY_SPAN_MS - CUSTOMER_AGE_BEFORE_AFFILIATE_MS - 30 * DAY_MS)
        : start + rng.next() ** 2 * HISTORY_SPAN_MS * 0.9;
    const percent = rng.chance(kind === "customer" ? 0.75 : 0.5);
    const person = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    const focusNiche = rng.weighted(NICHES.map((n) => [n, n.weight] as const));
    const ownName =
      kind === "publisher"
        ? `${rng.pick(COMPANY_PREFIXES)} ${rng.pick(AFFILIATE_BRAND_WORDS)}`
        : kind === "agency"
          ? `${rng.pick(COMPANY_PREFIXES)}${rng.pick(COMPANY_CORES)} Partners`
          : person;
    drafts.push({
      index,
      id: rng.uuid(),
      kind,
      quality,
      // Heavy-tailed: a few affiliates bring most referred customers, as in real programs.
      reach: Math.exp(rng.normal(0, 1)),
      focusNiche,
      createdAt: Math.round(createdAt),
      commissionType: percent ? "PERCENT" : "FLAT",
      commissionValue: percent ? rng.pick([10, 15, 20, 25, 30]) : rng.pick([5_000, 10_000, 15_000, 25_000, 50_000]),
      ownName,
      linkedCustomer: undefined,
      referred: [],
    });
  }
  return drafts;
}

/**
 * Turns some successful customers into affiliates (the "customer" kind), each a customer for
 * a while before it joined the program. Such an affiliate joined after its customer signed up,
 * and only customers who signed up after an affiliate joined can be its referrals, so no
 * affiliate ever refers the customer it is.
 */
function linkAffiliatesToCustomers(seed: string, affiliates: AffiliateDraft[], lives: CustomerLife[]): void {
  const rng = new Random(`${seed}:links`);
  const candidates = lives
    .filter((life) => life.row.status === "ACTIVE" && life.propensity >= AFFILIATE_CANDIDATE_PROPENSITY)
    .sort((a, b) => a.row.signedUpAt.getTime() - b.row.signedUpAt.getTime() || a.index - b.index);
  const candidatesByNiche = new Map<string, CustomerLife[]>();
  for (const life of candidates) {
    const list = candidatesByNiche.get(life.niche.name) ?? [];
    list.push(life);
    candidatesByNiche.set(life.niche.name, list);
  }
  const linked = new Set<CustomerLife>();
  const pickFrom = (list: CustomerLife[], latestSignup: number): CustomerLife | undefined => {
    const eligible = upperBound(list, latestSignup, (life) => life.row.signedUpAt.getTime());
    for (let attempt = 0; attempt < 8 && eligible > 0; attempt++) {
      const life = list[rng.int(0, eligible - 1)]!;
      if (!linked.has(life)) return life;
    }
    return list.slice(0, eligible).find((life) => !linked.has(life));
  };
  for (const affiliate of affiliates) {
    if (affiliate.kind !== "customer") continue;
    const latestSignup = affiliate.createdAt - CUSTOMER_AGE_BEFORE_AFFILIATE_MS;
    const life = pickFrom(candidatesByNiche.get(affiliate.focusNiche.name) ?? [], latestSignup) ?? pickFrom(candidates, latestSignup);
    if (!life) continue;
    linked.add(life);
    affiliate.linkedCustomer = life;
  }
}

/** Affiliate rows, with codes made unique in affiliate order. */
export function affiliateRows(affiliates: readonly AffiliateDraft[]): AffiliateRow[] {
  const usedCodes = new Set<string>();
  return affiliates.map((draft) => {
    const name = draft.linkedCustomer?.row.name ?? draft.ownName;
    const base = slugify(name).slice(0, 40);
    let code = base;
    for (let n = 2; usedCodes.has(code); n++) code = `${base}-${n}`;
    usedCodes.add(code);
    return {
      id: draft.id,
      code,
      name,
      customerId: draft.linkedCustomer?.row.id ?? null,
      contactStakeholderId: null,
      commissionType: draft.commissionType,
      commissionValue: draft.commissionValue,
      commissionMonths: null,
      commissionTiers: [],
      suspendedAt: null,
      suspensionReason: null,
      createdAt: new Date(draft.createdAt),
      updatedAt: new Date(draft.createdAt),
    };
  });
}

/** How many items have key ≤ value, in a list sorted by key. */
function upperBound<T>(sorted: readonly T[], value: number, key: (item: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (key(sorted[mid]!) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
