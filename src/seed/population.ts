import {
  AFFILIATE_BRAND_WORDS,
  AFFILIATE_CHANNEL,
  CHANNELS,
  CHURN_REASONS_LOW_ADOPTION,
  CHURN_REASONS_OTHER,
  COMPANY_CORES,
  COMPANY_PREFIXES,
  FIRST_NAMES,
  LAST_NAMES,
  NICHES,
  PLANS,
  type NicheSpec,
  type PlanSpec,
} from "./catalog.js";
import type { AffiliateRow, CustomerRow, PlanChangeRow, ReferralRow } from "./dataset.js";
import { Random } from "./random.js";
import { DAY_MS, MONTH_MS, slugify } from "./time.js";

/**
 * Who is who: the affiliates and the customers with their billing lives (signup, plan changes,
 * churn). Everything else (usage, surveys, tickets, visits, content) is drawn from these.
 *
 * Each customer carries a latent success propensity (a logit) built from its niche, channel,
 * plan, its affiliate's quality and noise. It drives churn and upsells here, and usage,
 * surveys and tickets in history.ts, so successful customers look successful in every table.
 */

/** How far back signups go. */
export const HISTORY_SPAN_MS = 3 * 365 * DAY_MS;
/** Signups per day grow over the span; the last day sees this many times the first day's. */
const SIGNUP_GROWTH = 3;
/** Recent signups may still be trials; older ones have converted. */
const TRIAL_WINDOW_MS = 21 * DAY_MS;
const TRIAL_SHARE_IN_WINDOW = 0.6;
/** Monthly churn hazard at propensity 0, and how strongly propensity lowers it. */
const BASE_MONTHLY_CHURN = 0.012;
const CHURN_PROPENSITY_SLOPE = 1.1;
const BASE_MONTHLY_UPSELL = 0.025;
const BASE_MONTHLY_DOWNGRADE = 0.006;
/** A customer becomes an affiliate only after being a customer this long. */
const CUSTOMER_AGE_BEFORE_AFFILIATE_MS = 90 * DAY_MS;
/** Customers at least this propensity are the successful ones that become affiliates. */
const AFFILIATE_CANDIDATE_PROPENSITY = 0.9;

export type AffiliateKind = "customer" | "publisher" | "agency" | "consultant";

export interface AffiliateDraft {
  index: number;
  id: string;
  kind: AffiliateKind;
  /** Added to the propensity of every customer it refers: good affiliates send good customers. */
  quality: number;
  /** Relative share of the affiliate channel's customers it brings. */
  reach: number;
  focusNiche: NicheSpec;
  createdAt: number;
  commissionType: "PERCENT" | "FLAT";
  commissionValue: number;
  /** The name used when it is not linked to a customer. */
  ownName: string;
  linkedCustomer: CustomerLife | undefined;
  referred: CustomerLife[];
}

export interface CustomerLife {
  index: number;
  row: CustomerRow;
  niche: NicheSpec;
  /** The plan at signup (a trial's intended plan). */
  initialPlan: PlanSpec;
  propensity: number;
  /**
   * When the customer churns or would churn. It may lie after `now`: such a customer's usage
   * and answers already decline, which is what a churn model has to pick up.
   */
  latentChurnAt: number;
  /** Licensed seats over time, from signup; the first entry is at signup. */
  seats: { at: number; seats: number }[];
  planChanges: PlanChangeRow[];
  referrer: AffiliateDraft | undefined;
  referral: ReferralRow | undefined;
  /** Where the history stops: the churn date, or now. */
  endAt: number;
}

export interface Population {
  affiliates: AffiliateDraft[];
  lives: CustomerLife[];
}

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

function signupTime(rng: Random, now: number): number {
  // Inverse CDF of an exponentially growing signup rate over the span.
  const fraction = Math.log(1 + rng.next() * (SIGNUP_GROWTH - 1)) / Math.log(SIGNUP_GROWTH);
  return Math.min(now - 3_600_000, Math.round(now - HISTORY_SPAN_MS + fraction * HISTORY_SPAN_MS));
}

function companyName(rng: Random, niche: NicheSpec): string {
  return `${rng.pick(COMPANY_PREFIXES)}${rng.pick(COMPANY_CORES)} ${rng.pick(niche.companyWord)}`;
}

function mrrOf(plan: PlanSpec, seats: number): number {
  return plan.seatPriceCents * seats;
}

function liveCustomer(
  seed: string,
  index: number,
  now: number,
  pickReferrer: (rng: Random, signedUpAt: number) => AffiliateDraft | undefined,
): CustomerLife {
  const rng = new Random(`${seed}:customer:${index}`);
  const id = rng.uuid();
  const signedUpAt = signupTime(rng, now);

  let channel = rng.weighted(CHANNELS.map((c) => [c, c.weight] as const));
  const referrer = channel.name === AFFILIATE_CHANNEL ? pickReferrer(rng, signedUpAt) : undefined;
  if (channel.name === AFFILIATE_CHANNEL && referrer === undefined) {
    channel = rng.weighted(CHANNELS.filter((c) => c.name !== AFFILIATE_CHANNEL).map((c) => [c, c.weight] as const));
  }
  const niche =
    referrer && rng.chance(0.7) ? referrer.focusNiche : rng.weighted(NICHES.map((n) => [n, n.weight] as const));
  const initialPlan = rng.weighted(PLANS.map((p) => [p, p.weight] as const));
  const propensity =
    niche.effect + (referrer ? referrer.quality : channel.effect) + initialPlan.effect + rng.normal(0, 0.9);

  const isTrial = now - signedUpAt < TRIAL_WINDOW_MS && rng.chance(TRIAL_SHARE_IN_WINDOW);
  const monthlyChurn = BASE_MONTHLY_CHURN * Math.exp(-CHURN_PROPENSITY_SLOPE * propensity);
  const latentChurnAt = isTrial
    ? Number.POSITIVE_INFINITY
    : signedUpAt + Math.round(Math.max(14 * DAY_MS, rng.exponential(monthlyChurn) * MONTH_MS));
  const churned = latentChurnAt <= now;
  const endAt = churned ? latentChurnAt : now;

  let plan = initialPlan;
  let seats = rng.int(initialPlan.minSeats, initialPlan.maxSeats);
  const seatHistory = [{ at: signedUpAt, seats }];
  const planChanges: PlanChangeRow[] = [];
  if (!isTrial) {
    planChanges.push({ id: rng.uuid(), customerId: id, at: new Date(signedUpAt), plan: plan.name, mrrCents: mrrOf(plan, seats), previousMrrCents: null });
    const upsellChance = Math.min(0.3, BASE_MONTHLY_UPSELL * Math.exp(0.9 * propensity));
    const downgradeChance = Math.min(0.2, BASE_MONTHLY_DOWNGRADE * Math.exp(-0.8 * propensity));
    for (let month = 1; ; month++) {
      const at = Math.round(signedUpAt + (month + rng.float(-0.3, 0.3)) * MONTH_MS);
      if (at >= endAt) break;
      const previousMrr = mrrOf(plan, seats);
      let next: { plan: PlanSpec; seats: number } | undefined;
      if (rng.chance(upsellChance)) next = upsell(rng, plan, seats);
      else if (rng.chance(downgradeChance)) next = downgrade(rng, plan, seats);
      if (!next) continue;
      plan = next.plan;
      seats = next.seats;
      seatHistory.push({ at, seats });
      planChanges.push({ id: rng.uuid(), customerId: id, at: new Date(at), plan: plan.name, mrrCents: mrrOf(plan, seats), previousMrrCents: previousMrr });
    }
  }

  const lowAdoption = propensity < -0.8 && rng.chance(0.7);
  const churnReason = churned ? rng.pick(lowAdoption ? CHURN_REASONS_LOW_ADOPTION : CHURN_REASONS_OTHER) : null;
  const retentionCostCents = Math.round(
    initialPlan.retentionCostCents * (isTrial ? 0.5 : 1) * Math.exp(rng.normal(0, 0.25)) * (1 + 0.3 * Math.max(0, -propensity)),
  );
  const lastBillingAt = planChanges.at(-1)?.at.getTime() ?? signedUpAt;
  const row: CustomerRow = {
    id,
    externalId: `crm-${String(index + 1).padStart(6, "0")}`,
    name: companyName(rng, niche),
    niche: niche.name,
    plan: isTrial ? null : plan.name,
    mrrCents: isTrial ? 0 : mrrOf(plan, seats),
    acquisitionChannel: channel.name,
    status: isTrial ? "TRIAL" : churned ? "CHURNED" : "ACTIVE",
    signedUpAt: new Date(signedUpAt),
    churnedAt: churned ? new Date(latentChurnAt) : null,
    churnReason,
    retentionCostCents,
    createdAt: new Date(signedUpAt),
    updatedAt: new Date(Math.max(lastBillingAt, churned ? latentChurnAt : signedUpAt)),
  };
  const referral: ReferralRow | undefined = referrer
    ? { id: rng.uuid(), affiliateId: referrer.id, customerId: id, referredAt: new Date(signedUpAt), createdAt: new Date(signedUpAt), visitorId: null }
    : undefined;
  return { index, row, niche, initialPlan, propensity, latentChurnAt, seats: seatHistory, planChanges, referrer, referral, endAt };
}

function upsell(rng: Random, plan: PlanSpec, seats: number): { plan: PlanSpec; seats: number } | undefined {
  const previousMrr = mrrOf(plan, seats);
  const planIndex = PLANS.indexOf(plan);
  const nextPlan = PLANS[planIndex + 1];
  if (nextPlan && (seats * 1.4 > plan.maxSeats || rng.chance(0.3))) {
    // A bigger plan has a lower seat price: buy enough seats that the bill still goes up.
    const wanted = Math.max(nextPlan.minSeats, Math.ceil(seats * 1.3), Math.floor(previousMrr / nextPlan.seatPriceCents) + 1);
    return { plan: nextPlan, seats: wanted };
  }
  const more = Math.min(plan.maxSeats, seats + Math.max(1, Math.round(seats * rng.float(0.15, 0.6))));
  return more > seats ? { plan, seats: more } : undefined;
}

function downgrade(rng: Random, plan: PlanSpec, seats: number): { plan: PlanSpec; seats: number } | undefined {
  const fewer = Math.max(plan.minSeats, Math.round(seats * rng.float(0.6, 0.85)));
  if (fewer < seats) return { plan, seats: fewer };
  const smallerPlan = PLANS[PLANS.indexOf(plan) - 1];
  if (!smallerPlan) return undefined;
  const smallerSeats = Math.min(smallerPlan.maxSeats, seats);
  return mrrOf(smallerPlan, smallerSeats) < mrrOf(plan, seats) ? { plan: smallerPlan, seats: smallerSeats } : undefined;
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
