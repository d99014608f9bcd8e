// Success milestones, as pure functions: the product actions taken in a customer's first days
// that successful customers took far more often than the others (README, "Success milestones").

export interface ActionCounts {
  action: string;
  /** Successful customers (of those judged) that took the action in their first days. */
  successful: number;
  others: number;
}

export interface Population {
  successful: number;
  others: number;
}

export interface SuccessMilestone {
  action: string;
  successfulCustomers: number;
  otherCustomers: number;
  successfulShare: number;
  othersShare: number;
  /** successfulShare / othersShare; when no other customer took it, as if one had. */
  lift: number;
}

export const DEFAULT_MIN_LIFT = 1.5;
/** Days after signup in which an action counts as one of a customer's first steps. */
export const MILESTONE_WINDOW_DAYS = 30;

/** Default support: at least max(5, 1% of the judged customers) successful customers took it. */
export const defaultMinSupport = (population: Population) => Math.max(5, Math.ceil(0.01 * (population.successful + population.others)));

export function rankMilestones(counts: readonly ActionCounts[], population: Population, options: { minLift?: number; minSupport?: number; limit?: number } = {}): SuccessMilestone[] {
  if (population.successful === 0) return [];
  const minLift = options.minLift ?? DEFAULT_MIN_LIFT;
  const minSupport = options.minSupport ?? defaultMinSupport(population);
  return counts
    .filter((c) => c.successful >= minSupport)
    .map((c) => {
      const successfulShare = c.successful / population.successful;
      const othersShare = population.others === 0 ? 0 : c.others / population.others;
      const floor = population.others === 0 ? 1 : 1 / population.others;
      return {
        action: c.action,
        successfulCustomers: c.successful,
        otherCustomers: c.others,
        successfulShare,
        othersShare,
        lift: successfulShare / Math.max(othersShare, floor),
      };
    })
    .filter((m) => m.lift >= minLift)
    .sort((a, b) => b.lift - a.lift || b.successfulCustomers - a.successfulCustomers || a.action.localeCompare(b.action))
    .slice(0, options.limit ?? 20);
}
