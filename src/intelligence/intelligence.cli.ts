import "reflect-metadata";
import { loadConfig } from "../config/env.js";
import { openDatabase } from "../db/client.js";
import { serviceContextWithoutServer } from "../db/change-bridge.js";
import { AppError } from "../common/errors.js";
import { trainChurnModel } from "./churn.service.js";
import { recomputeAllScores } from "./scores.service.js";

// npm run scores:recompute   every customer's scores, in batches
// npm run churn:train        a new churn model from the stored history, then every score

const command = process.argv[2];
if (command !== "recompute" && command !== "train") {
  console.error("usage: intelligence.cli.ts recompute|train");
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config.database);
const context = serviceContextWithoutServer(database.db, config.scoring, config.program.currency);
try {
  await database.migrate();
  const started = Date.now();
  if (command === "recompute") {
    const count = await recomputeAllScores(context, new Date(), {
      onProgress: (done) => process.stderr.isTTY && process.stderr.write(`\r${done} customers scored`),
    });
    console.log(`\nscored ${count} customers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    const model = await trainChurnModel(context);
    console.log(
      `churn model v${model.version}: ${model.examples} examples (${model.positives} churned), held-out AUC ${model.auc?.toFixed(3) ?? "n/a"}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
} catch (error) {
  if (error instanceof AppError) {
    console.error(error.message);
    process.exitCode = 1;
  } else throw error;
} finally {
  await context.settled();
  await database.close();
}
