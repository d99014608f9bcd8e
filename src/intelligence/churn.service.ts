import { sql } from "drizzle-orm";
import type { ServiceContext } from "../common/service-context.js";
import { churnModels } from "../db/schema/index.js";
import { queryRows } from "../db/client.js";
import { AppError, ErrorCode } from "../common/errors.js";
import { ACTIVITY_FEATURES, behaviourFeatures, EVENT_METRICS, eventFeatureName, type BehaviourMetrics } from "./behaviour.js";
import { loadBehaviour } from "./behaviour.repository.js";
import { areaUnderRoc, csFeatures, FEATURE_NAMES, predict, trainLogistic, vectorFor, type LogisticModel } from "./churn-model.js";
import { loadFeatures } from "./features.repository.js";
import { CONTRACT_FEATURES, contractFeatures, eventNamesByCustomers } from "./model-features.js";
import { loadContractTerms } from "../customers/contract-terms.js";
import { forwardSplit, frequentNames, isHeldOut, observationDates, prunedNames, trainingExamples, type Example } from "./churn.training.js";
import { recomputeAllScores } from "./scores.service.js";
import type { ChurnModelRow } from "./scores.repository.js";

// The learner stays the hand-written logistic regression (churn-model.ts): Newton's method finds
// the exact optimum of the penalized log-loss, which is all a library's logistic regression
// could find too (BENCHMARKS.md measures it against other learners on bench/world), and its
// weights are the report: one named weight per feature, readable in churnModel.

/** Fewer churned (or retained) examples than this and the heuristic stays in use. */
export const MIN_EXAMPLES_PER_CLASS = 20;
/** An AUC is reported only on a set with this many examples of each class. */
const MIN_EVAL_PER_CLASS = 5;
const FEATURE_BATCH = 5_000;

const count = (ys: readonly number[]) => ys.filter((y) => y === 1).length;

function aucOf(model: LogisticModel, xs: readonly number[][], ys: readonly number[]): number | null {
  const positives = count(ys);
  if (positives < MIN_EVAL_PER_CLASS || ys.length - positives < MIN_EVAL_PER_CLASS) return null;
  return areaUnderRoc(xs.map((x) => predict(model, x)), ys);
}

interface Described {
  cs: Map<string, number>;
  behaviour: BehaviourMetrics;
  contract: Map<string, number>;
}

/** Every example's CS features and the behaviour of the candidate event names, in batches. */
async function describe({ db }: ServiceContext, examples: readonly Example[], eventNames: readonly string[]): Promise<Described[]> {
  const out: Described[] = [];
  for (let i = 0; i < examples.length; i += FEATURE_BATCH) {
    const requests = examples.slice(i, i + FEATURE_BATCH).map((e) => ({ customerId: e.customerId, asOf: e.asOf }));
    const [cs, behaviour, terms] = await Promise.all([loadFeatures(db, requests), loadBehaviour(db, requests, eventNames), loadContractTerms(db, requests)]);
    const byKey = new Map(cs.map((f) => [`${f.customerId}|${f.asOf.getTime()}`, f]));
    requests.forEach((r, j) =>
      out.push({ cs: csFeatures(byKey.get(`${r.customerId}|${r.asOf.getTime()}`)!), behaviour: behaviour[j]!, contract: contractFeatures(terms[j]) }),
    );
  }
  return out;
}

interface Forward {
  auc: number | null;
  note: string | null;
  cutoff: Date | null;
}

/** Trains on the dates before the cut-off and scores the dates after it; or says why it cannot. */
function forwardAuc(dates: readonly Date[], examples: readonly Example[], xs: readonly number[][], names: readonly string[]): Forward {
  const split = forwardSplit(dates);
  const trainIdx = split ? examples.flatMap((e, i) => (split.train.has(e.asOf.getTime()) ? [i] : [])) : [];
  const evalIdx = split ? examples.flatMap((e, i) => (split.evaluate.has(e.asOf.getTime()) ? [i] : [])) : [];
  const trainY = trainIdx.map((i) => examples[i]!.label);
  const evalY = evalIdx.map((i) => examples[i]!.label);
  const cutoff = split?.cutoff ?? null;
  if (count(trainY) < MIN_EXAMPLES_PER_CLASS || trainY.length - count(trainY) < MIN_EXAMPLES_PER_CLASS) {
    return { auc: null, cutoff, note: `not measurable yet: ${count(trainY)} churned of ${trainY.length} examples at observation dates whose 90 days ended before the cut-off${cutoff ? ` (${cutoff.toISOString().slice(0, 10)})` : ""}, at least ${MIN_EXAMPLES_PER_CLASS} of each are needed; it needs about ${90 + 60 + 30 * 3} days of history with churn in them` };
  }
  if (count(evalY) < MIN_EVAL_PER_CLASS || evalY.length - count(evalY) < MIN_EVAL_PER_CLASS) {
    return { auc: null, cutoff, note: `not measurable yet: ${count(evalY)} churned of ${evalY.length} examples after the cut-off, at least ${MIN_EVAL_PER_CLASS} of each are needed` };
  }
  const model = trainLogistic(trainIdx.map((i) => xs[i]!), trainY, {}, names);
  return { auc: aucOf(model, evalIdx.map((i) => xs[i]!), evalY), cutoff, note: null };
}

/** Trains a churn model on the history stored now, stores it as the next version and rescores everyone. */
export async function trainChurnModel(context: ServiceContext, now = new Date()): Promise<ChurnModelRow> {
  const { db } = context;
  const dates = await observationDates(db, now);
  const examples = await trainingExamples(db, dates);
  const positives = count(examples.map((e) => e.label));
  const negatives = examples.length - positives;
  if (positives < MIN_EXAMPLES_PER_CLASS || negatives < MIN_EXAMPLES_PER_CLASS) {
    throw new AppError(
      ErrorCode.FAILED_PRECONDITION,
      `too little history to train: ${positives} examples of customers that churned within 90 days and ${negatives} of customers that stayed (at observation dates at least 90 days back), at least ${MIN_EXAMPLES_PER_CLASS} of each are needed; churn risk uses the heuristic until then`,
    );
  }
  const [{ total } = { total: 0 }] = await queryRows<{ total: number }>(db, sql`select count(*)::int as total from customers`);
  const candidates = frequentNames(await eventNamesByCustomers(db, now), Number(total));
  const described = await describe(context, examples, candidates);
  const inSample = examples.flatMap((e, i) => (isHeldOut(e.externalId) ? [] : [i]));
  const eventNames = prunedNames(candidates, inSample.map((i) => behaviourFeatures(described[i]!.behaviour, candidates)));
  const names = [...FEATURE_NAMES, ...CONTRACT_FEATURES, ...ACTIVITY_FEATURES, ...eventNames.flatMap((n) => EVENT_METRICS.map((m) => eventFeatureName(n, m)))];
  const xs = described.map((d) => vectorFor(names, new Map([...d.cs, ...d.contract, ...behaviourFeatures(d.behaviour, eventNames)])));
  const ys = examples.map((e) => e.label);
  const model = trainLogistic(inSample.map((i) => xs[i]!), inSample.map((i) => ys[i]!), {}, names);
  const heldOut = examples.flatMap((e, i) => (isHeldOut(e.externalId) ? [i] : []));
  const forward = forwardAuc(dates, examples, xs, names);
  const [row] = await db
    .insert(churnModels)
    .values({
      trainedAt: now,
      examples: examples.length,
      positives,
      auc: aucOf(model, heldOut.map((i) => xs[i]!), heldOut.map((i) => ys[i]!)),
      forwardAuc: forward.auc,
      forwardAucNote: forward.note,
      forwardCutoff: forward.cutoff,
      observationDates: dates.length,
      intercept: model.intercept,
      features: names.map((name, j) => ({ name, weight: model.weights[j]!, mean: model.means[j]!, std: model.stds[j]! })),
    })
    .returning();
  await recomputeAllScores(context, now);
  return row!;
}
