import type {
  affiliates,
  contentAssets,
  csatResponses,
  customers,
  npsResponses,
  planChanges,
  referralVisits,
  referrals,
  segments,
  stakeholders,
  supportTickets,
  usageSnapshots,
} from "../db/schema/index.js";

export type CustomerRow = typeof customers.$inferSelect;
export type AffiliateRow = typeof affiliates.$inferSelect;
export type ReferralRow = typeof referrals.$inferSelect;
export type ReferralVisitRow = typeof referralVisits.$inferSelect;
export type PlanChangeRow = typeof planChanges.$inferSelect;
export type StakeholderRow = typeof stakeholders.$inferSelect;
export type UsageSnapshotRow = typeof usageSnapshots.$inferSelect;
export type NpsResponseRow = typeof npsResponses.$inferSelect;
export type CsatResponseRow = typeof csatResponses.$inferSelect;
export type SupportTicketRow = typeof supportTickets.$inferSelect;
export type ContentAssetRow = typeof contentAssets.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;

/** Every generated row, by table. Keys are the schema's export names. */
export interface Dataset {
  customers: CustomerRow[];
  affiliates: AffiliateRow[];
  referrals: ReferralRow[];
  referralVisits: ReferralVisitRow[];
  planChanges: PlanChangeRow[];
  stakeholders: StakeholderRow[];
  usageSnapshots: UsageSnapshotRow[];
  npsResponses: NpsResponseRow[];
  csatResponses: CsatResponseRow[];
  supportTickets: SupportTicketRow[];
  contentAssets: ContentAssetRow[];
  segments: SegmentRow[];
}

export type SeedTableName = keyof Dataset;

/** In foreign-key order: a table comes after every table it references. */
export const SEED_TABLE_NAMES: readonly SeedTableName[] = [
  "customers",
  "affiliates",
  "referrals",
  "referralVisits",
  "planChanges",
  "stakeholders",
  "usageSnapshots",
  "npsResponses",
  "csatResponses",
  "supportTickets",
  "contentAssets",
  "segments",
];

/** Some rows of one table. The generator yields batches in foreign-key order. */
export type DatasetBatch = { [K in SeedTableName]: { table: K; rows: Dataset[K] } }[SeedTableName];

export type RowCounts = Record<SeedTableName, number>;

export function emptyDataset(): Dataset {
  return {
    customers: [],
    affiliates: [],
    referrals: [],
    referralVisits: [],
    planChanges: [],
    stakeholders: [],
    usageSnapshots: [],
    npsResponses: [],
    csatResponses: [],
    supportTickets: [],
    contentAssets: [],
    segments: [],
  };
}

export function zeroCounts(): RowCounts {
  return Object.fromEntries(SEED_TABLE_NAMES.map((name) => [name, 0])) as RowCounts;
}
