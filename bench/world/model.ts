import { Random } from "../../src/seed/random.js";

// The simulated B2B SaaS world's rules, shared by the simulation (simulate.ts) and the true
// churn probability (truth.ts). One latent quantity per customer, the value it gets from the
// product (`v`, about N(0, 1) across customers), drives everything a company can observe:
// how much its users do the key actions, how many seats are active, NPS, tickets, seat changes,
// and whether it leaves at a renewal. Nothing else is hidden: a model that reads the product
// events well can approach the ceiling of the true probability.

export const DAY_MS = 86_400_000;
export const MONTH_DAYS = 30.4375;

/**
 * Product events: `rate` per active user per weekday (weekends a fifth of it), `beta` how strongly
 * the customer's value moves it (count × e^(beta·v)). Rates are set so that 3,000 customers over
 * two years make about 50 million events. Key actions rise with value, help and
 * exports rise as it falls, the rest is noise; `sso_configured` is too rare to become a feature.
 */
export const EVENTS = [
  { name: "login", rate: 0.48, beta: 0.15 },
  { name: "page_viewed", rate: 2.4, beta: 0.05 },
  { name: "report_created", rate: 0.1, beta: 0.9 },
  { name: "dashboard_shared", rate: 0.016, beta: 1.2 },
  { name: "integration_synced", rate: 0.2, beta: 0.6 },
  { name: "invited_teammate", rate: 0.002, beta: 0.8 },
  { name: "data_exported", rate: 0.012, beta: -0.7 },
  { name: "help_article_viewed", rate: 0.024, beta: -0.5 },
  { name: "settings_changed", rate: 0.012, beta: 0 },
  { name: "sso_configured", rate: 0.0002, beta: 0.3 },
] as const;

export const PLANS = [
  { name: "starter", minSeats: 2, maxSeats: 10, seatCents: 2_000, share: 0.5, terms: [[1, 0.8], [12, 0.2]] },
  { name: "growth", minSeats: 11, maxSeats: 50, seatCents: 3_500, share: 0.35, terms: [[1, 0.4], [12, 0.6]] },
  { name: "enterprise", minSeats: 51, maxSeats: 250, seatCents: 5_000, share: 0.15, terms: [[6, 0.15], [12, 0.7], [24, 0.15]] },
] as const;

export const planForSeats = (seats: number) => PLANS.find((p) => seats <= p.maxSeats) ?? PLANS[PLANS.length - 1]!;

/** Day-to-day persistence of value: half-life about 69 days. */
const RHO = 0.99;
const SIGMA = 0.75 * Math.sqrt(1 - RHO * RHO);
/** Chance a day that the champion leaves (value drops by 1.5, then recovers toward the mean). */
const SHOCK = 0.0015;

export interface Account {
  index: number;
  externalId: string;
  signupDay: number;
  /** The customer's long-run value. */
  mu: number;
  termMonths: number;
  seats: number;
  /** Value today. */
  v: number;
  churnDay: number | null;
  /** The next renewal (day index): a churn decision, a chance to change seats. */
  renewalDay: number;
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export interface ChurnParameters {
  /** Added to every renewal's churn log-odds (higher: more churn). */
  churnShift: number;
  /** How strongly value protects against churn at a renewal. */
  valueEffect: number;
}

export const DEFAULT_CHURN: ChurnParameters = { churnShift: 0, valueEffect: 1.6 };

/** The chance a customer leaves at a renewal, from its term and its value that day. */
export function renewalChurnProbability(termMonths: number, v: number, p: ChurnParameters): number {
  // Base log-odds per renewal: a month-to-month customer ~3% a month, an annual one ~22% a year.
  const base = termMonths === 1 ? -3.0 : termMonths < 12 ? -1.8 : -0.9;
  return sigmoid(base + p.churnShift - p.valueEffect * v);
}

/** Between renewals a few leave anyway (a failed payment, a bankrupt account): a small daily hazard. */
export const midTermChurnProbability = (v: number, p: ChurnParameters) => 0.0003 * Math.exp(p.churnShift - 0.8 * v);

/** One day of value: AR(1) toward the customer's mean, with rare champion departures. */
export function stepValue(account: Pick<Account, "v" | "mu">, rng: Random): number {
  let v = account.mu + RHO * (account.v - account.mu) + SIGMA * rng.normal();
  if (rng.chance(SHOCK)) v -= 1.5;
  return v;
}

export function nextRenewal(signupDay: number, termMonths: number, afterDay: number): number {
  const period = termMonths * MONTH_DAYS;
  const k = Math.floor((afterDay - signupDay) / period) + 1;
  return signupDay + Math.round(k * period);
}

/** Share of seats active on a weekday. */
export const activeShare = (v: number) => sigmoid(-0.2 + 1.0 * v);

/** A Poisson deviate, normal-approximated for large means (Knuth's loop is linear in the mean). */
export function poisson(rng: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  return rng.poisson(mean);
}

/** A binomial deviate, normal-approximated past small n. */
export function binomial(rng: Random, n: number, p: number): number {
  if (n <= 20) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng.next() < p) k++;
    return k;
  }
  return Math.min(n, Math.max(0, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * rng.normal())));
}

/** A new customer: plan, seats and term drawn from the plan mix, value from N(0, 0.8²). */
export function newAccount(seed: string, index: number, signupDay: number, forcedTerm?: number): Account {
  const rng = new Random(`${seed}:account:${index}`);
  const plan = rng.weighted(PLANS.map((p) => [p, p.share] as const));
  const seats = rng.int(plan.minSeats, plan.maxSeats);
  const drawn = rng.weighted(plan.terms.map(([t, w]) => [t as number, w as number] as const));
  const termMonths = forcedTerm ?? drawn;
  const mu = rng.normal(0, 0.8);
  // New customers start below their long-run value (onboarding) and converge.
  const v = mu - 0.4 + rng.normal(0, 0.3);
  return { index, externalId: `acct-${String(index + 1).padStart(5, "0")}`, signupDay, mu, termMonths, seats, v, churnDay: null, renewalDay: nextRenewal(signupDay, termMonths, signupDay) };
}
