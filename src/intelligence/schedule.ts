import type { ServiceContext } from "../common/service-context.js";
import type { Schedule } from "../jobs/schedules.js";
import { trainChurnModel } from "./churn.service.js";
import { recomputeAllScores } from "./scores.service.js";

/**
 * Periodic work of the intelligence module, run as durable jobs (jobs/schedules.ts): refresh
 * every customer's scores (the 90-day windows and lifetime value move with time alone) and
 * retrain the churn model.
 */
export function intelligenceSchedules(context: ServiceContext, options: { scoresRefreshHours: number; churnTrainHours: number }): Schedule[] {
  return [
    { name: "scores.refresh", everyHours: options.scoresRefreshHours, run: (now) => recomputeAllScores(context, now) },
    { name: "churn.train", everyHours: options.churnTrainHours, run: async (now) => (await trainChurnModel(context, now)).version },
  ];
}
