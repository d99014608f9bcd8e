import { and, eq, isNotNull, lte, ne } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { churnModels, customers } from "../db/schema/index.js";
import { AppError, ErrorCode } from "../common/errors.js";
import { areaUnderRoc, FEATURE_NAMES, featureVector, predict, trainLogistic } from "./churn-model.js";
import { DAY_MS } from "./features.js";
import { loadFeatures, type FeatureRequest } from "./features.repository.js";
import { recomputeAllScores } from "./scores.service.js";
import type { ChurnModelRow } from "./scores.repository.js";

/** Fewer churned (or retained) customers than this and the heuristic stays in use. */
export const MIN_EXAMPLES_PER_CLASS = 20;
/** Held-out AUC is reported only when the held-out fifth has this many of each class. */
const MIN_HELD_OUT_PER_CLASS = 5;
const HORIZON_DAYS = 90;
/** A churned customer is described as it was this long before it left. */
const LEAD_DAYS = 30;
const FEATURE_BATCH = 5_000;

/** One fifth of customers, always the same ones (by id), is held out to measure the model. */
export const isHeldOut = (customerId: string) => parseInt(customerId.replace(/-/g, "").slice(-6), 16) % 5 === 0;

/**
 * Training examples from the company's own history: every churned customer, described 30 days
 * before it churned (label 1), and every active customer that signed up at least 90 days ago,
 * described 90 days ago (label 0: it did not churn in the 90 days that followed).
 */
async function trainingRequests(db: Database, now: Date): Promise<{ request: FeatureRequest; label: number }[]> {
  const horizonStart = new Date(now.getTime() - HORIZON_DAYS * DAY_MS);
  const churned = await db
    .select({ id: customers.id, signedUpAt: customers.signedUpAt, churnedAt: customers.churnedAt })
    .from(customers)
    .where(and(eq(customers.status, "CHURNED"), isNotNull(customers.churnedAt)));
  const retained = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(ne(customers.status, "CHURNED"), ne(customers.status, "TRIAL"), lte(customers.signedUpAt, horizonStart)));
  return [
    ...churned.map((c) => ({
      request: { customerId: c.id, asOf: new Date(Math.max(c.signedUpAt.getTime() + DAY_MS, c.churnedAt!.getTime() - LEAD_DAYS * DAY_MS)) },
      label: 1,
    })),
    ...retained.map((c) => ({ request: { customerId: c.id, asOf: horizonStart }, label: 0 })),
  ];
}

/** Trains a churn model on the history stored now, stores it as the next version and rescores everyone. */
export async function trainChurnModel(context: ServiceContext, now = new Date()): Promise<ChurnModelRow> {
  const { db } = context;
  const examples = await trainingRequests(db, now);
  const positives = examples.filter((e) => e.label === 1).length;
  const negatives = examples.length - positives;
  if (positives < MIN_EXAMPLES_PER_CLASS || negatives < MIN_EXAMPLES_PER_CLASS) {
    throw new AppError(
      ErrorCode.FAILED_PRECONDITION,
      `too little history to train: ${positives} churned and ${negatives} retained customers, at least ${MIN_EXAMPLES_PER_CLASS} of each are needed; churn risk uses the heuristic until then`,
    );
  }
  const labels = new Map(examples.map((e) => [e.request.customerId, e.label]));
  const xs: number[][] = [];
  const ys: number[] = [];
  const heldOutX: number[][] = [];
  const heldOutY: number[] = [];
  for (let i = 0; i < examples.length; i += FEATURE_BATCH) {
    for (const f of await loadFeatures(db, examples.slice(i, i + FEATURE_BATCH).map((e) => e.request))) {
      const label = labels.get(f.customerId)!;
      (isHeldOut(f.customerId) ? heldOutX : xs).push(featureVector(f));
      (isHeldOut(f.customerId) ? heldOutY : ys).push(label);
    }
  }
  const model = trainLogistic(xs, ys);
  const heldOutPositives = heldOutY.filter((y) => y === 1).length;
  const auc =
    heldOutPositives >= MIN_HELD_OUT_PER_CLASS && heldOutY.length - heldOutPositives >= MIN_HELD_OUT_PER_CLASS
      ? areaUnderRoc(
          heldOutX.map((x) => predict(model, x)),
          heldOutY,
        )
      : null;
  const [row] = await db
    .insert(churnModels)
    .values({
      trainedAt: now,
      examples: examples.length,
      positives,
      auc,
      intercept: model.intercept,
      features: FEATURE_NAMES.map((name, j) => ({ name, weight: model.weights[j]!, mean: model.means[j]!, std: model.stds[j]! })),
    })
    .returning();
  await recomputeAllScores(context, now);
  return row!;
}
