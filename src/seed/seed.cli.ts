import { parseArgs } from "node:util";
import { parseDatabaseUrl, parseScoringConfig } from "../config/env.js";
import { serviceContextWithoutServer } from "../db/change-bridge.js";
import { openDatabase } from "../db/client.js";
import { SEED_TABLE_NAMES, type RowCounts } from "./dataset.js";
import { MAX_CUSTOMERS } from "./generator.js";
import { DatabaseNotEmptyError, loadDataset } from "./load.js";
import { recomputeAllScores } from "../intelligence/scores.service.js";

const USAGE = `Usage: npm run seed -- --customers N [--seed S] [--now ISO-DATE] [--reset]

Generates N customers with their customer-success histories, affiliates, referrals and content,
and loads them into the database of DATABASE_URL (unset: PGlite in ./data).
  --customers N   how many customers (required)
  --seed S        any text; the same seed, N and --now give the same rows (default: advocate)
  --now DATE      where the generated history ends (default: the current time)
  --reset         empty every table first; without it, a database with data is left alone`;

class UsageError extends Error {}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: "string" },
      seed: { type: "string", default: "advocate" },
      now: { type: "string" },
      reset: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return undefined;
  const customers = Number(values.customers);
  if (values.customers === undefined || !Number.isInteger(customers) || customers < 1 || customers > MAX_CUSTOMERS) {
    throw new UsageError(`--customers must be an integer from 1 to ${MAX_CUSTOMERS}`);
  }
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now is not a date: "${values.now}"`);
  return { customers, seed: values.seed, now, reset: values.reset };
}

function formatCounts(counts: RowCounts): string {
  const width = Math.max(...SEED_TABLE_NAMES.map((name) => name.length));
  const lines = SEED_TABLE_NAMES.map((name) => `  ${name.padEnd(width)} ${counts[name].toLocaleString("en-US").padStart(12)}`);
  const total = SEED_TABLE_NAMES.reduce((sum, name) => sum + counts[name], 0);
  return [...lines, `  ${"total".padEnd(width)} ${total.toLocaleString("en-US").padStart(12)}`].join("\n");
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    console.log(USAGE);
    return 0;
  }
  const config = parseDatabaseUrl(process.env.DATABASE_URL);
  const handle = await openDatabase(config);
  try {
    await handle.migrate();
    const started = performance.now();
    const counts = await loadDataset(handle.db, options);
    const seconds = (performance.now() - started) / 1000;
    console.log(`Seeded ${config.kind} with seed "${options.seed}" in ${seconds.toFixed(1)} s:\n${formatCounts(counts)}`);
    // Scores are stored, not computed per request: score the new customers as of the seed's now.
    const scoring = performance.now();
    const context = serviceContextWithoutServer(handle.db, parseScoringConfig(process.env));
    const scored = await recomputeAllScores(context, options.now);
    await context.settled();
    console.log(`Scored ${scored.toLocaleString("en-US")} customers in ${((performance.now() - scoring) / 1000).toFixed(1)} s`);
    return 0;
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await handle.close();
  }
}

process.exitCode = await main();
