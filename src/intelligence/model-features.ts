import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { behaviourFeatures } from "./behaviour.js";
import { loadBehaviour } from "./behaviour.repository.js";
import type { FeatureRequest } from "./features.repository.js";
import { loadContractTerms, type ContractTerm } from "../customers/contract-terms.js";

// The churn model's features beyond the CS ones (behaviour, contract), for many (customer,
// moment) pairs at once: one loader for training (the past) and scoring (now), so both read the
// same numbers.

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

/**
 * The contract's features (README, "Contract terms"): whether a term is in force, its length,
 * and when it renews. A customer can leave at a renewal, so "renews in the next 90 days" (the
 * churn label's horizon) says when an annual customer can churn at all, which tenure alone does
 * not: its renewals fall on dates a logistic regression on log tenure cannot find.
 */
export const CONTRACT_FEATURES = ["contract:termMissing", "contract:logTermMonths", "contract:renewsWithin90d", "contract:yearsToRenewal"] as const;

export function contractFeatures(term: ContractTerm | undefined): Map<string, number> {
  const months = term?.termMonths ?? null;
  const days = months !== null && term?.renewsAt ? (term.renewsAt.getTime() - term.asOf.getTime()) / 86_400_000 : NaN;
  return new Map([
    ["contract:termMissing", months === null ? 1 : 0],
    ["contract:logTermMonths", months === null ? NaN : Math.log(months)],
    ["contract:renewsWithin90d", Number.isNaN(days) ? NaN : days <= 90 ? 1 : 0],
    ["contract:yearsToRenewal", days / 365.25],
  ]);
}

/** Whether a model's features read the contract. */
export const readsContract = (featureNames: readonly string[]) => featureNames.some((f) => f.startsWith("contract:"));

/**
 * The model's features beyond the CS ones for each request, in the requests' order: behaviour
 * (behaviour.ts) of `eventNames` (one statement, none without names) and the contract (one).
 */
export async function loadModelFeatures(ex: Executor, requests: readonly FeatureRequest[], eventNames: readonly string[]): Promise<Map<string, number>[]> {
  const metrics = eventNames.length > 0 ? await loadBehaviour(ex, requests, eventNames) : [];
  const terms = await loadContractTerms(ex, requests);
  return requests.map((_, i) => new Map([...(metrics[i] ? behaviourFeatures(metrics[i], eventNames) : []), ...contractFeatures(terms[i])]));
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
