import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { eventFeatureName } from "./behaviour.js";
import { DAY_MS } from "./features.js";

// How the churn model's training examples are drawn, and which product events become features.
//
// Examples: customers as they were at observation dates spread over the stored history, every
// 30 days back from 90 days before now (the latest date whose next 90 days are all known), each
// labelled 1 when the customer churned within the 90 days after that date. Every customer active
// at a date (signed up, not churned yet, not on trial now) is an example there, so churners and
// stayers are described at the same moments, and at every point of their lives.

export const HORIZON_DAYS = 90;
export const OBSERVATION_STEP_DAYS = 30;
/** Observation dates at most (the most recent ones): 3 years of monthly snapshots. */
export const MAX_OBSERVATION_DATES = 36;
/** Forward evaluation: the observation dates of the last 60 days of the labelled span... */
export const FORWARD_EVAL_DAYS = 60;

export interface Example {
  customerId: string;
  externalId: string;
  asOf: Date;
  label: number;
}

const startOfUtcDay = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;

/** The observation dates, oldest first: 30 days apart, the last 90 days before `now`, none before the first signup. */
export async function observationDates(ex: Executor, now: Date): Promise<Date[]> {
  const [first] = await queryRows<{ at: string | Date | null }>(ex, sql`select min(signed_up_at) as at from customers`);
  if (!first?.at) return [];
  const earliest = new Date(first.at).getTime();
  const dates: Date[] = [];
  for (let t = startOfUtcDay(now.getTime()) - HORIZON_DAYS * DAY_MS; t > earliest && dates.length < MAX_OBSERVATION_DATES; t -= OBSERVATION_STEP_DAYS * DAY_MS) dates.push(new Date(t));
  return dates.reverse();
}

/** Every customer active at each date, labelled; ordered by date and external id, so two loads of the same data give the same list. */
export async function trainingExamples(ex: Executor, dates: readonly Date[]): Promise<Example[]> {
  if (dates.length === 0) return [];
  const rows = await queryRows<{ id: string; external_id: string; as_of: string | Date; label: boolean }>(
    ex,
    sql`select c.id, c.external_id, d.as_of,
          (c.churned_at is not null and c.churned_at <= d.as_of + make_interval(days => ${HORIZON_DAYS})) as label
        from unnest(${pgArrayLiteral(dates)}::timestamptz[]) as d(as_of)
        join customers c on c.signed_up_at <= d.as_of and (c.churned_at is null or c.churned_at > d.as_of)
       where c.status <> 'TRIAL' and (c.status <> 'CHURNED' or c.churned_at is not null)
       order by d.as_of, c.external_id`,
  );
  return rows.map((r) => ({ customerId: r.id, externalId: r.external_id, asOf: new Date(r.as_of), label: r.label ? 1 : 0 }));
}

/** 32-bit FNV-1a of the text. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export const HOLD_OUT_SEED = "advocate-churn-holdout-v1";

/**
 * One fifth of customers is held out to measure the model, chosen by a seeded hash of the
 * external id (not the database id, which a second load of the same data would draw anew): the
 * same customers, and so the same model, on every load of the same history.
 */
export const isHeldOut = (externalId: string) => fnv1a(`${HOLD_OUT_SEED}:${externalId}`) % 5 === 0;

/**
 * The forward split: evaluate on the observation dates of the last 60 days of the labelled span,
 * train on the dates whose 90-day labels were all known at the first of those (date + 90 days ≤
 * cut-off). The model is judged on what happened after it could have been trained.
 */
export function forwardSplit(dates: readonly Date[]): { cutoff: Date; train: Set<number>; evaluate: Set<number> } | null {
  if (dates.length === 0) return null;
  const last = dates[dates.length - 1]!.getTime();
  const evaluate = dates.filter((d) => d.getTime() > last - FORWARD_EVAL_DAYS * DAY_MS - 1);
  const cutoff = evaluate[0]!;
  const train = dates.filter((d) => d.getTime() + HORIZON_DAYS * DAY_MS <= cutoff.getTime());
  return { cutoff, train: new Set(train.map((d) => d.getTime())), evaluate: new Set(evaluate.map((d) => d.getTime())) };
}

/** Event names become features when at least this share of customers (and 3) sent them... */
export const MIN_EVENT_SHARE = 0.05;
/** ...taking at most this many candidates, most widespread first... */
export const MAX_EVENT_CANDIDATES = 20;
/** ...dropping one whose per-active-user rate correlates beyond this with one kept before it... */
export const MAX_EVENT_CORRELATION = 0.9;
/** ...and keeping at most this many. */
export const MAX_EVENT_NAMES = 12;

export function frequentNames(byCustomers: readonly { name: string; customers: number }[], totalCustomers: number): string[] {
  const min = Math.max(3, Math.ceil(MIN_EVENT_SHARE * totalCustomers));
  return byCustomers.filter((n) => n.customers >= min).slice(0, MAX_EVENT_CANDIDATES).map((n) => n.name);
}

function correlation(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 1 : sab / Math.sqrt(saa * sbb);
}

/**
 * Correlation pruning over the training examples: candidates in frequency order, each kept unless
 * its per-active-user rate (the size-free measure of use) correlates beyond MAX_EVENT_CORRELATION
 * with a name kept before it, or never varies; at most MAX_EVENT_NAMES.
 */
export function prunedNames(candidates: readonly string[], features: readonly ReadonlyMap<string, number>[]): string[] {
  const kept: { name: string; values: number[] }[] = [];
  for (const name of candidates) {
    if (kept.length >= MAX_EVENT_NAMES) break;
    const values = features.map((f) => f.get(eventFeatureName(name, "perUser28d")) ?? 0);
    if (values.every((v) => v === values[0])) continue;
    if (kept.every((k) => Math.abs(correlation(values, k.values)) <= MAX_EVENT_CORRELATION)) kept.push({ name, values });
  }
  return kept.map((k) => k.name);
}
