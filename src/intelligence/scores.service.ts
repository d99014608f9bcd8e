import { and, asc, gt, isNull, sql } from "drizzle-orm";
import { syncLandingSubjects } from "../landing/landing.repository.js";
import type { Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { customerScores, customers } from "../db/schema/index.js";
import { computeAdvocacy, isSuccessful } from "./advocacy.js";
import { churnRisk, modelChurnRisk, type LogisticModel } from "./churn-model.js";
import { eventNamesOf, loadModelFeatures, readsContract } from "./model-features.js";
import { DAY_MS } from "./features.js";
import { loadFeatures } from "./features.repository.js";
import { computeHealth, round1, type ChurnOutlook, type HealthInput } from "./health.js";
import { activityKey, loadActivityUsage } from "./activity-usage.js";
import type { ScoringConfig } from "../config/config.js";
import { findActiveChurnModel, upsertScores, type ChurnModelRow, type ScoreRow } from "./scores.repository.js";

export const TREND_DAYS = 30;

export function toLogisticModel(row: ChurnModelRow): LogisticModel {
  // Weights are stored by name: the model reads the features it names, whatever the version.
  const f = row.features;
  return { names: f.map((x) => x.name), intercept: row.intercept, weights: f.map((x) => x.weight), means: f.map((x) => x.mean), stds: f.map((x) => x.std || 1) };
}

export type ModelInUse = { version: number; model: LogisticModel; averageRisk: number } | null;

/** What health reads of the model for a customer at a moment: nothing without a model, or once churned. */
function outlookOf(f: HealthInput, model: ModelInUse, modelFeatures: ReadonlyMap<string, number> | undefined): ChurnOutlook | null {
  if (!model || f.status === "CHURNED") return null;
  // Rounded as churnRisk stores it, so the factor and its detail agree with the customer's churnRisk.
  const risk = Math.round(modelChurnRisk(f, model.model, modelFeatures) * 10_000) / 10_000;
  return { risk, averageRisk: model.averageRisk, modelVersion: model.version };
}

/**
 * Scores of one customer from its features now and 30 days ago: pure, for services and
 * benchmarks. `modelFeatures` are the model's features beyond the CS ones now, `pastModelFeatures`
 * 30 days ago (the trend compares health with the model's outlook at both moments).
 */
export function scoreCustomer(
  now: HealthInput,
  before: HealthInput | undefined,
  model: ModelInUse,
  config: ScoringConfig,
  computedAt: Date,
  modelFeatures?: ReadonlyMap<string, number>,
  pastModelFeatures?: ReadonlyMap<string, number>,
): ScoreRow {
  const outlook = outlookOf(now, model, modelFeatures);
  const health = computeHealth({ ...now, outlook }, config);
  const healthBefore = before && before.tenureDays > 0 ? computeHealth({ ...before, outlook: outlookOf(before, model, pastModelFeatures) }, config) : null;
  return {
    customerId: now.customerId,
    computedAt,
    healthScore: health.score,
    healthBand: health.band,
    healthBreakdown: health.breakdown,
    healthTrend: healthBefore ? round1(health.score - healthBefore.score) : null,
    advocacyScore: computeAdvocacy(now, health),
    churnRisk: churnRisk(now, health, outlook?.risk ?? null),
    churnModelVersion: outlook ? outlook.modelVersion : null,
    successful: isSuccessful(now, health, config),
    usageRatio: now.usageRatio,
    nps: now.nps,
    csat: now.csat,
    csatRecent: now.csatRecent,
    supportTickets90d: now.tickets90d,
    upsellCount: now.upsellCount,
    lifetimeValueCents: now.lifetimeValueCents,
    tenureDays: now.tenureDays,
    activityEvents28d: now.activityUsage?.events ?? null,
  };
}

export async function activeModel(ex: Executor): Promise<ModelInUse> {
  const row = await findActiveChurnModel(ex);
  return row ? { version: row.version, model: toLogisticModel(row), averageRisk: row.examples > 0 ? row.positives / row.examples : 0.5 } : null;
}

/**
 * Computes the scores of these customers as of `now`, without storing them: four statements
 * whatever the number of customers (model, features now and 30 days back, product activity for
 * the usage factor), a fifth for the behavioural features when the model reads some and one for
 * the contract terms when it reads them.
 */
export async function computeScores(ex: Executor, customerIds: readonly string[], now: Date, scoring: ScoringConfig, model?: ModelInUse): Promise<ScoreRow[]> {
  if (customerIds.length === 0) return [];
  const inUse = model === undefined ? await activeModel(ex) : model;
  const before = new Date(now.getTime() - TREND_DAYS * DAY_MS);
  const requests = [...customerIds.map((customerId) => ({ customerId, asOf: now })), ...customerIds.map((customerId) => ({ customerId, asOf: before }))];
  const activity = await loadActivityUsage(ex, requests, now);
  const features = (await loadFeatures(ex, requests)).map((f) => ({ ...f, activityUsage: activity.get(activityKey(f.customerId, f.asOf)) ?? null }));
  const past = new Map(features.filter((f) => f.asOf.getTime() === before.getTime()).map((f) => [f.customerId, f]));
  const eventNames = inUse ? eventNamesOf(inUse.model.names) : [];
  const current = features.filter((f) => f.asOf.getTime() === now.getTime());
  const readsExtra = eventNames.length > 0 || (inUse !== null && readsContract(inUse.model.names));
  // Now and 30 days back, in the requests' order, as the trend reads both.
  const extra = readsExtra ? await loadModelFeatures(ex, requests, eventNames) : [];
  const extraAt = new Map(requests.map((r, i) => [`${r.customerId}@${r.asOf.getTime()}`, extra[i]]));
  const at = (customerId: string, asOf: Date) => extraAt.get(`${customerId}@${asOf.getTime()}`);
  return current.map((f) => scoreCustomer(f, past.get(f.customerId), inUse, scoring, now, at(f.customerId, now), at(f.customerId, before)));
}

/**
 * Recomputes and stores these customers' scores. Called inside the transaction of every write
 * that changes a customer's history, so reads never see stale scores.
 */
export async function refreshScores(ex: Executor, customerIds: readonly string[], now: Date, scoring: ScoringConfig, model?: ModelInUse): Promise<void> {
  await upsertScores(ex, await computeScores(ex, customerIds, now, scoring, model));
  await syncLandingSubjects(ex, customerIds);
}

export interface RecomputeOptions {
  batchSize?: number;
  /** Only customers that have no scores yet (after a bulk import, or at start-up). */
  onlyMissing?: boolean;
  onProgress?: (done: number) => void;
}

/** Recomputes every customer's scores in batches (set-based: a few statements per batch). */
export async function recomputeAllScores({ db, changes, scoring }: ServiceContext, now = new Date(), options: RecomputeOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 2_000;
  const model = await activeModel(db);
  let afterId: string | null = null;
  let done = 0;
  for (;;) {
    const conditions = [afterId ? gt(customers.id, afterId) : undefined];
    if (options.onlyMissing) conditions.push(isNull(customerScores.customerId));
    const page: { id: string }[] = await db
      .select({ id: customers.id })
      .from(customers)
      .leftJoin(customerScores, sql`${customerScores.customerId} = ${customers.id}`)
      .where(and(...conditions))
      .orderBy(asc(customers.id))
      .limit(batchSize);
    if (page.length === 0) {
      if (done > 0) changes.publish({ kind: "landing", scope: "all" });
      return done;
    }
    await db.transaction((tx) => refreshScores(tx, page.map((r) => r.id), now, scoring, model));
    done += page.length;
    afterId = page.at(-1)!.id;
    options.onProgress?.(done);
  }
}
