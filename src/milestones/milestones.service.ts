import type { Executor } from "../db/client.js";
import { scoringConfig } from "../intelligence/scoring.config.js";
import { milestoneCounts } from "./milestones.repository.js";
import { rankMilestones, type SuccessMilestone } from "./milestones.js";

const DAY_MS = 86_400_000;

/** The success milestones now: judged over customers old enough to count as successful or not. */
export async function successMilestones(ex: Executor, now: Date, options: { minLift?: number; minSupport?: number; limit?: number } = {}): Promise<SuccessMilestone[]> {
  const judgedBefore = new Date(now.getTime() - scoringConfig().success.minTenureDays * DAY_MS);
  const { counts, population } = await milestoneCounts(ex, judgedBefore);
  return rankMilestones(counts, population, options);
}
