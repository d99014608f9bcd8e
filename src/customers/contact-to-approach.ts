import type { StakeholderRole } from "./customer.enums.js";

/**
 * Who to approach about a customer becoming an affiliate, and who stays its contact once it is
 * one: its champion, else its decision maker, else nobody. The first of a role in the given
 * order wins, so callers pass stakeholders in a stable order (findStakeholdersByCustomerIds).
 */
export function contactToApproach<P extends { role: `${StakeholderRole}` }>(stakeholders: readonly P[]): P | null {
  return stakeholders.find((p) => p.role === "CHAMPION") ?? stakeholders.find((p) => p.role === "DECISION_MAKER") ?? null;
}
