import { DEFAULT_HOLD_DAYS } from "./commission.service.js";

/** Settings of the affiliate program (env: COMMISSION_HOLD_DAYS, COMMISSION_TARGET_ROI, MARKETING_SITE_URL). */
export interface ProgramSettings {
  /** Days a commission stays PENDING after its period ends; a churn inside them voids it. */
  holdDays: number;
  /** The ROI on commissions that recommendedCommission keeps: (LTV − retention − commission) / commission. */
  targetRoi: number;
  /** The marketing page that tracking links point to (it reads ?affiliate=&niche=). */
  siteUrl: string;
}

export const DEFAULT_PROGRAM: ProgramSettings = { holdDays: DEFAULT_HOLD_DAYS, targetRoi: 3, siteUrl: "http://localhost:4000/demo/landing" };
