import type { Executor } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import { milestoneCounts } from "./milestones.repository.js";
import { rankMilestones, type SuccessMilestone } from "./milestones.js";

const DAY_MS = 86_400_000;

/** The success milestones now: judged over customers old enough to count as successful or not. */
export async function successMilestones(
  ex: Executor,
  now: Date,
  scoring: ScoringConfig,
  options: { minLift?: number; minSupport?: number; limit?: number } = {},
): Promise<SuccessMilestone[]> {
  const judgedBefore = new Date(now.getTime() - scoring.success.minTenureDays * DAY_MS);
  const { counts, population } = await milestoneCounts(ex, judgedBefore);
  return rankMilestones(counts, population, options);
}
