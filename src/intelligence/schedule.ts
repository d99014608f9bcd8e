import type { Database } from "../db/client.js";
import { AppError } from "../common/errors.js";
import { describeError, log } from "../common/log.js";
import { trainChurnModel } from "./churn.service.js";
import { recomputeAllScores } from "./scores.service.js";

const HOUR_MS = 3_600_000;

/**
 * Periodic work of the intelligence module: refresh every customer's scores (the 90-day windows
 * and lifetime value move with time alone) and retrain the churn model. Returns a stop function.
 */
export function scheduleIntelligence(db: Database, options: { scoresRefreshHours: number; churnTrainHours: number }): () => void {
  const timers: NodeJS.Timeout[] = [];
  let running = false;
  const every = (hours: number, name: string, task: () => Promise<unknown>) => {
    if (hours <= 0) return;
    const timer = setInterval(async () => {
      if (running) return;
      running = true;
      try {
        const started = Date.now();
        const result = await task();
        log.info(`${name} done`, { ms: Date.now() - started, result });
      } catch (error) {
        if (error instanceof AppError) log.warn(`${name} skipped`, { reason: error.message });
        else log.error(`${name} failed`, describeError(error));
      } finally {
        running = false;
      }
    }, hours * HOUR_MS);
    timer.unref();
    timers.push(timer);
  };
  every(options.scoresRefreshHours, "score refresh", () => recomputeAllScores(db));
  every(options.churnTrainHours, "churn model training", async () => (await trainChurnModel(db)).version);
  return () => timers.forEach(clearInterval);
}
