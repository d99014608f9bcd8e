import { contentAssetsOf, extraContentAssetsOf, segmentsOf } from "./content.js";
import { emptyDataset, type Dataset, type DatasetBatch } from "./dataset.js";
import { customerHistory } from "./history.js";
import { affiliateRows, buildPopulation } from "./population.js";
import { referralVisitsOf } from "./referral-visits.js";

export interface GenerateOptions {
  customers: number;
  seed: string | number;
  /** The generated history ends here; nothing is dated after it. */
  now: Date;
  /** Customers whose CS histories are generated (and yielded) together; bounds memory. */
  customersPerBatch?: number;
  /**
   * Content assets in total, at least: the catalogue set (about 120 at 100,000 customers) is
   * always made, and generated ones are added up to this number. Unset: the catalogue set only.
   */
  contentAssets?: number;
}

/** The population (customers and their billing lives) stays in memory, under 2 KB a customer. */
export const MAX_CUSTOMERS = 1_000_000;
export const MAX_CONTENT_ASSETS = 1_000_000;
const DEFAULT_CUSTOMERS_PER_BATCH = 1_000;
/** Visits are yielded once this many have accumulated, whatever the affiliate. */
const VISITS_PER_BATCH = 20_000;

/**
 * The seed data, table by table in foreign-key order, generated lazily: only the customers
 * and their billing lives (small) are held for the whole run; each batch of customers' CS
 * histories is made when it is asked for. Deterministic: the rows, ids included, depend on
 * seed, customers and now only, not on customersPerBatch.
 */
export function* generateDatasetBatches(options: GenerateOptions): Generator<DatasetBatch> {
  const { customers, now } = options;
  if (!Number.isInteger(customers) || customers < 0 || customers > MAX_CUSTOMERS) {
    throw new RangeError(`customers must be an integer from 0 to ${MAX_CUSTOMERS}, got ${customers}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError("now must be a valid date");
  const perBatch = options.customersPerBatch ?? DEFAULT_CUSTOMERS_PER_BATCH;
  if (!Number.isInteger(perBatch) || perBatch < 1) throw new RangeError(`customersPerBatch must be a positive integer, got ${perBatch}`);
  const { contentAssets } = options;
  if (contentAssets !== undefined && (!Number.isInteger(contentAssets) || contentAssets < 0 || contentAssets > MAX_CONTENT_ASSETS)) {
    throw new RangeError(`contentAssets must be an integer from 0 to ${MAX_CONTENT_ASSETS}, got ${contentAssets}`);
  }
  const seed = String(options.seed);
  const nowMs = now.getTime();

  const population = buildPopulation(seed, customers, nowMs);
  const { lives, affiliates } = population;
  const chunks = Array.from({ length: Math.ceil(lives.length / perBatch) }, (_, i) => lives.slice(i * perBatch, (i + 1) * perBatch));

  for (const chunk of chunks) yield { table: "customers", rows: chunk.map((life) => life.row) };
  yield { table: "affiliates", rows: affiliateRows(affiliates) };
  for (const chunk of chunks) yield { table: "referrals", rows: chunk.flatMap((life) => (life.referral ? [life.referral] : [])) };

  let visits: Dataset["referralVisits"] = [];
  for (const affiliate of affiliates) {
    for (const visit of referralVisitsOf(seed, affiliate, nowMs)) visits.push(visit);
    if (visits.length >= VISITS_PER_BATCH) {
      yield { table: "referralVisits", rows: visits };
      visits = [];
    }
  }
  if (visits.length > 0) yield { table: "referralVisits", rows: visits };

  for (const chunk of chunks) {
    const batch = emptyDataset();
    for (const life of chunk) {
      for (const row of life.planChanges) batch.planChanges.push(row);
      const history = customerHistory(seed, life);
      for (const row of history.stakeholders) batch.stakeholders.push(row);
      for (const row of history.usageSnapshots) batch.usageSnapshots.push(row);
      for (const row of history.npsResponses) batch.npsResponses.push(row);
      for (const row of history.csatResponses) batch.csatResponses.push(row);
      for (const row of history.supportTickets) batch.supportTickets.push(row);
    }
    yield { table: "planChanges", rows: batch.planChanges };
    yield { table: "stakeholders", rows: batch.stakeholders };
    yield { table: "usageSnapshots", rows: batch.usageSnapshots };
    yield { table: "npsResponses", rows: batch.npsResponses };
    yield { table: "csatResponses", rows: batch.csatResponses };
    yield { table: "supportTickets", rows: batch.supportTickets };
  }

  const assets = contentAssetsOf(seed, population, nowMs);
  const extra = extraContentAssetsOf(seed, population, nowMs, Math.max(0, (contentAssets ?? 0) - assets.length));
  yield { table: "contentAssets", rows: [...assets, ...extra] };
  yield { table: "segments", rows: segmentsOf(seed, nowMs) };
}

/** The whole seed dataset in memory: for tests and small sets; loading streams the batches. */
export function generateDataset(options: GenerateOptions): Dataset {
  const dataset = emptyDataset();
  for (const batch of generateDatasetBatches(options)) {
    const rows: unknown[] = dataset[batch.table];
    for (const row of batch.rows) rows.push(row);
  }
  return dataset;
}
