/**
 * The churn model on a simulated B2B SaaS world (bench/world), loaded as a company would load
 * it: the bulk import of its files (customers CSV, events NDJSON with daily counted actions,
 * monthly usage snapshots, NPS, tickets, plan changes, churns), then trainChurnModel. The world
 * goes on 90 days past the import; the figure that matters is the ROC AUC of the churn risk the
 * model gives every customer active at the import on who churned in those 90 days (forward),
 * next to baselines measured on the same data and the same examples:
 *   - a logistic regression on Advocate's former feature set (the CS features alone),
 *   - gradient boosting (bench/world/boosting.ts) on the model's own features,
 *   - the world's true churn probability (the ceiling).
 *
 *   DATABASE_URL=postgres://… npx tsx bench/churn-world.bench.ts [--customers 1000] [--days 730] [--seed bench-world]
 *
 * It empties the database it runs on.
 */
import "reflect-metadata";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { parseDatabaseUrl } from "../src/config/env.js";
import { DEFAULT_SCORING, type HealthFactorName } from "../src/config/config.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { serviceContextWithoutServer } from "../src/db/change-bridge.js";
import { importCustomersCsv, importEventsNdjson } from "../src/ingestion/import.service.js";
import { trainChurnModel } from "../src/intelligence/churn.service.js";
import { areaUnderRoc, csFeatures, FEATURE_NAMES, predict, trainLogistic, vectorFor } from "../src/intelligence/churn-model.js";
import { isHeldOut, observationDates, trainingExamples } from "../src/intelligence/churn.training.js";
import { loadFeatures, type FeatureRequest } from "../src/intelligence/features.repository.js";
import { eventNamesOf, loadModelFeatures } from "../src/intelligence/model-features.js";
import { Random } from "../src/seed/random.js";
import { trainBoosting } from "./world/boosting.js";
import { writeWorld } from "./world/write.js";

const { values } = parseArgs({ options: { customers: { type: "string", default: "1000" }, days: { type: "string", default: "730" }, seed: { type: "string", default: "bench-world" } } });
const url = process.env.DATABASE_URL;
if (!url?.startsWith("postgres")) throw new Error("Set DATABASE_URL=postgres://… (the benchmark empties it)");

const seconds = (since: number) => Math.round((performance.now() - since) / 100) / 10;
const handle = await openDatabase(parseDatabaseUrl(url));
await handle.migrate();
await handle.db.execute(sql`do $$ declare r record; begin
  for r in select tablename from pg_tables where schemaname = 'public' loop execute 'truncate table ' || quote_ident(r.tablename) || ' restart identity cascade'; end loop; end $$`);
const context = serviceContextWithoutServer(handle.db, DEFAULT_SCORING);
const until = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
const dir = mkdtempSync(join(tmpdir(), "advocate-world-"));
try {
  let t = performance.now();
  const world = await writeWorld(dir, { seed: values.seed!, customers: Number(values.customers), days: Number(values.days), until });
  const generate = seconds(t);
  t = performance.now();
  const customers = await importCustomersCsv(context, world.customers, { now: until });
  const events = await importEventsNdjson(context, world.events, { now: until });
  const load = seconds(t);
  if (customers.rejected + events.rejected > 0) throw new Error(`refused rows: ${JSON.stringify([...customers.errors, ...events.errors].slice(0, 5))}`);
  t = performance.now();
  const model = await trainChurnModel(context, until);
  const train = seconds(t);

  // The answer key: customers active at `until`, and who churned in the 90 days after it.
  const truth = readFileSync(world.truth, "utf8").trim().split("\n").slice(1).map((line) => line.split(","));
  const ids = new Map((await queryRows<{ id: string; external_id: string }>(handle.db, sql`select id, external_id from customers`)).map((r) => [r.external_id, r.id]));
  const scores = await queryRows<{ external_id: string; churn_risk: number; health_score: number; health_breakdown: { name: HealthFactorName; score: number }[] }>(
    handle.db,
    sql`select c.external_id, s.churn_risk, s.health_score, s.health_breakdown from customers c join customer_scores s on s.customer_id = c.id`,
  );
  const risk = new Map(scores.map((r) => [r.external_id, Number(r.churn_risk)]));
  // The health score must rank the churners worse: the AUC of 100 - health (issue 15, "Quality").
  const unhealth = new Map(scores.map((r) => [r.external_id, 100 - Number(r.health_score)]));
  const labels = truth.map((r) => Number(r[2]));
  const forward = (scores: number[]) => Math.round(areaUnderRoc(scores, labels)! * 1000) / 1000;
  // The same health with another weight of the model's factor (predictedRetention), from the stored factor scores.
  const breakdowns = new Map(scores.map((r) => [r.external_id, r.health_breakdown]));
  const reweighted = (weight: number) => (externalId: string) => {
    const weights: Record<HealthFactorName, number> = { ...DEFAULT_SCORING.healthWeights, predictedRetention: weight };
    const factors = breakdowns.get(externalId)!.filter((f) => weights[f.name] > 0);
    return 100 - factors.reduce((sum, f) => sum + f.score * weights[f.name], 0) / factors.reduce((sum, f) => sum + weights[f.name], 0);
  };
  const byRetentionWeight = Object.fromEntries([0, 0.2, 0.4, 0.7, 1, 1.5, 2].map((w) => [w, forward(truth.map((r) => reweighted(w)(r[0]!)))]));
  // Health where the CS factors say nothing (their part shuffled across customers), as on a
  // world whose rules do not fit: how much of the ranking the model's factor carries alone. The
  // mean over 50 shuffles (one shuffle's AUC moves by a few hundredths with ~50 churners).
  const weights = DEFAULT_SCORING.healthWeights;
  const parts = truth.map((r) => {
    const factors = breakdowns.get(r[0]!)!.filter((f) => weights[f.name] > 0);
    const rules = factors.filter((f) => f.name !== "predictedRetention");
    const ruleWeight = rules.reduce((sum, f) => sum + weights[f.name], 0);
    return { rules: rules.reduce((sum, f) => sum + f.score * weights[f.name], 0) / ruleWeight, ruleWeight, retention: factors.find((f) => f.name === "predictedRetention")?.score };
  });
  const rng = new Random("shuffle-rules");
  const shuffledAucs = Array.from({ length: 50 }, () => {
    const shuffled = parts.map((p) => p.rules);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const w = weights.predictedRetention;
    return areaUnderRoc(parts.map((p, i) => 100 - (p.retention === undefined ? shuffled[i]! : (shuffled[i]! * p.ruleWeight + p.retention * w) / (p.ruleWeight + w))), labels)!;
  });
  const rulesShuffled = Math.round((shuffledAucs.reduce((a, b) => a + b, 0) / shuffledAucs.length) * 1000) / 1000;

  // Baselines on the same examples (the in-sample four fifths) and the same features, scored at `until`.
  const names = model.features.map((f) => f.name);
  const eventNames = eventNamesOf(names);
  const describe = async (requests: FeatureRequest[]) => {
    const out: Map<string, number>[] = [];
    for (let i = 0; i < requests.length; i += 5_000) {
      const batch = requests.slice(i, i + 5_000);
      const [cs, extra] = await Promise.all([loadFeatures(handle.db, batch), loadModelFeatures(handle.db, batch, eventNames)]);
      const byKey = new Map(cs.map((f) => [`${f.customerId}|${f.asOf.getTime()}`, f]));
      batch.forEach((r, j) => out.push(new Map([...csFeatures(byKey.get(`${r.customerId}|${r.asOf.getTime()}`)!), ...extra[j]!])));
    }
    return out;
  };
  const examples = (await trainingExamples(handle.db, await observationDates(handle.db, until))).filter((e) => !isHeldOut(e.externalId));
  const trainFeatures = await describe(examples.map((e) => ({ customerId: e.customerId, asOf: e.asOf })));
  const nowFeatures = await describe(truth.map((r) => ({ customerId: ids.get(r[0]!)!, asOf: until })));
  const ys = examples.map((e) => e.label);
  const cs = trainLogistic(trainFeatures.map((f) => vectorFor(FEATURE_NAMES, f)), ys);
  t = performance.now();
  const boosted = trainBoosting(trainFeatures.map((f) => vectorFor(names, f)), ys);
  const boostSeconds = seconds(t);

  console.log(
    JSON.stringify(
      {
        world: { ...world.stats, until: until.toISOString().slice(0, 10) },
        seconds: { generate, import: load, train, boosting: boostSeconds },
        model: { examples: model.examples, positives: model.positives, observationDates: model.observationDates, heldOutAuc: model.auc, forwardAuc: model.forwardAuc, forwardAucNote: model.forwardAucNote, eventNames },
        forwardAucOnNext90Days: {
          advocate: forward(truth.map((r) => risk.get(r[0]!)!)),
          csFeaturesLogistic: forward(nowFeatures.map((f) => predict(cs, vectorFor(FEATURE_NAMES, f)))),
          gradientBoostingSameFeatures: forward(nowFeatures.map((f) => boosted(vectorFor(names, f)))),
          trueProbability: forward(truth.map((r) => Number(r[1]))),
          hundredMinusHealth: forward(truth.map((r) => unhealth.get(r[0]!)!)),
          hundredMinusHealthByPredictedRetentionWeight: byRetentionWeight,
          hundredMinusHealthCsFactorsShuffled: rulesShuffled,
          customers: labels.length,
          churners: labels.filter((y) => y === 1).length,
        },
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  await context.settled();
  await handle.close();
}
