import type { NicheSpec, PlanSpec } from "./catalog.js";
import type { CustomerRow, PlanChangeRow, ReferralRow } from "./dataset.js";

// Who is who in a generated data set: the affiliates (population.ts) and the customers with
// their billing lives (customer-life.ts), which history.ts, content.ts and referral-visits.ts read.

export type AffiliateKind = "customer" | "publisher" | "agency" | "consultant";

export interface AffiliateDraft {
  index: number;
  id: string;
  kind: AffiliateKind;
  /** Added to the propensity of every customer it refers: good affiliates send good customers. */
  quality: number;
  /** Relative share of the affiliate channel's customers it brings. */
  reach: number;
  focusNiche: NicheSpec;
  createdAt: number;
  commissionType: "PERCENT" | "FLAT";
  commissionValue: number;
  /** The name used when it is not linked to a customer. */
  ownName: string;
  linkedCustomer: CustomerLife | undefined;
  referred: CustomerLife[];
}

export interface CustomerLife {
  index: number;
  row: CustomerRow;
  niche: NicheSpec;
  /** The plan at signup (a trial's intended plan). */
  initialPlan: PlanSpec;
  propensity: number;
  /**
   * When the customer churns or would churn. It may lie after `now`: such a customer's usage
   * and answers already decline, which is what a churn model has to pick up.
   */
  latentChurnAt: number;
  /** Licensed seats over time, from signup; the first entry is at signup. */
  seats: { at: number; seats: number }[];
  planChanges: PlanChangeRow[];
  referrer: AffiliateDraft | undefined;
  referral: ReferralRow | undefined;
  /** Where the history stops: the churn date, or now. */
  endAt: number;
}

export interface Population {
  affiliates: AffiliateDraft[];
  lives: CustomerLife[];
}
