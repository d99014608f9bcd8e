import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import { firstActions } from "./milestones.repository.js";
import { successMilestones } from "./milestones.service.js";
import type { SuccessMilestone } from "./milestones.js";

export interface MilestoneProgress {
  action: string;
  reached: boolean;
  reachedAt: Date | null;
}

export function createMilestoneLoaders(db: Database, now: Date, scoring: ScoringConfig) {
  // The milestones are computed once per request, however many customers ask.
  let milestones: Promise<SuccessMilestone[]> | undefined;
  const currentMilestones = () => (milestones ??= successMilestones(db, now, scoring));
  return {
    currentMilestones,
    /** Each customer's progress against the current milestones: one statement for a page. */
    milestoneProgressByCustomerId: new DataLoader<string, MilestoneProgress[]>(async (ids) => {
      const list = await currentMilestones();
      const firsts = await firstActions(db, ids, list.map((m) => m.action));
      const at = new Map(firsts.map((f) => [`${f.customerId}|${f.action}`, f.firstAt]));
      return ids.map((id) =>
        list.map((m) => {
          const reachedAt = at.get(`${id}|${m.action}`) ?? null;
          return { action: m.action, reached: reachedAt !== null, reachedAt };
        }),
      );
    }),
  };
}
