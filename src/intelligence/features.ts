/** What the scores are computed from: one customer's CS history summed up as of one moment. */
export interface CustomerFeatures {
  customerId: string;
  status: "TRIAL" | "ACTIVE" | "CHURNED";
  tenureDays: number;
  mrrCents: number;
  /** Monthly customer-retention cost (CRC). */
  retentionCostCents: number;
  /** Mean share of licensed seats in use over the last 90 days (capped at 1); null: no snapshot. */
  usageRatio: number | null;
  /** Latest NPS answer. */
  nps: number | null;
  /** Mean of all CSAT answers (what Customer.csat shows). */
  csat: number | null;
  /** Mean CSAT over the last 180 days (what health uses). */
  csatRecent: number | null;
  tickets90d: number;
  upsellCount: number;
  lifetimeValueCents: number;
}

export const DAY_MS = 86_400_000;
