import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { behaviourFeatures } from "./behaviour.js";
import { loadBehaviour } from "./behaviour.repository.js";
import type { FeatureRequest } from "./features.repository.js";

// The churn model's features beyond the CS ones, for many (customer, moment) pairs at once:
// one loader for training (the past) and scoring (now), so both read the same numbers.

const EVENT_FEATURE = /^event:(.+):[a-zA-Z0-9]+$/;

/** The event names a model's features read (event:<name>:<metric>). */
export function eventNamesOf(featureNames: readonly string[]): string[] {
  const names = new Set<string>();
  for (const f of featureNames) {
    const match = EVENT_FEATURE.exec(f);
    if (match) names.add(match[1]!);
  }
  return [...names];
}

/** Behavioural features (behaviour.ts) of each request, in the requests' order: one statement. */
export async function loadModelFeatures(ex: Executor, requests: readonly FeatureRequest[], eventNames: readonly string[]): Promise<Map<string, number>[]> {
  const metrics = await loadBehaviour(ex, requests, eventNames);
  return metrics.map((m) => behaviourFeatures(m, eventNames));
}

/**
 * Event names by how many customers sent them before `before`, most first (ties by name, so the
 * choice is deterministic): the frequency step of the feature selection (churn.training.ts).
 */
export async function eventNamesByCustomers(ex: Executor, before: Date): Promise<{ name: string; customers: number }[]> {
  const rows = await queryRows<{ name: string; customers: number | string }>(
    ex,
    sql`select name, count(distinct customer_id) as customers from product_activity_daily
         where day < (${before.toISOString()}::timestamptz at time zone 'UTC')::date
         group by name order by customers desc, name limit 200`,
  );
  return rows.map((r) => ({ name: r.name, customers: Number(r.customers) }));
}
