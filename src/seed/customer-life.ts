import {
  AFFILIATE_CHANNEL,
  CHANNELS,
  CHURN_REASONS_LOW_ADOPTION,
  CHURN_REASONS_OTHER,
  COMPANY_CORES,
  COMPANY_PREFIXES,
  NICHES,
  PLANS,
  type NicheSpec,
  type PlanSpec,
} from "./catalog.js";
import type { CustomerRow, PlanChangeRow, ReferralRow } from "./dataset.js";
import type { AffiliateDraft, CustomerLife } from "./population.types.js";
import { Random } from "./random.js";
import { DAY_MS, HISTORY_SPAN_MS, MONTH_MS } from "./time.js";

// One customer's billing life: signup, plan changes (upsells, downgrades), churn, all driven by
// its latent success propensity (see population.ts).

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

export function liveCustomer(
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
    planChanges.push({ id: rng.uuid(), customerId: id, at: new Date(signedUpAt), plan: plan.name, mrrCents: mrrOf(plan, seats), previousMrrCents: null, termMonths: null });
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
      planChanges.push({ id: rng.uuid(), customerId: id, at: new Date(at), plan: plan.name, mrrCents: mrrOf(plan, seats), previousMrrCents: previousMrr, termMonths: null });
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
    billingStatus: null,
    trialEndsAt: null,
    erasedAt: null,
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
