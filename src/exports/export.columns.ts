import type { CsvColumn } from "./csv-stream.js";
import type { AffiliateExportRow, CustomerExportRow } from "./export.batches.js";
import type { LedgerExportRow } from "./exports.repository.js";

// The columns of each export, named as the GraphQL fields they equal (with the same defaults).

export const CUSTOMER_COLUMNS: readonly CsvColumn<CustomerExportRow>[] = [
  { header: "id", value: (r) => r.customer.id },
  { header: "externalId", value: (r) => r.customer.externalId },
  { header: "name", value: (r) => r.customer.name },
  { header: "niche", value: (r) => r.customer.niche },
  { header: "plan", value: (r) => r.customer.plan },
  { header: "status", value: (r) => r.customer.status },
  { header: "mrrCents", value: (r) => r.customer.mrrCents },
  { header: "signedUpAt", value: (r) => r.customer.signedUpAt },
  { header: "churnedAt", value: (r) => r.customer.churnedAt },
  { header: "healthScore", value: (r) => r.scores?.healthScore },
  { header: "healthBand", value: (r) => r.scores?.healthBand },
  { header: "healthTrend", value: (r) => r.scores?.healthTrend },
  { header: "churnRisk", value: (r) => r.scores?.churnRisk },
  { header: "advocacyScore", value: (r) => r.scores?.advocacyScore },
  { header: "successful", value: (r) => r.scores?.successful },
  { header: "lifetimeValueCents", value: (r) => r.scores?.lifetimeValueCents ?? 0 },
  { header: "nps", value: (r) => r.scores?.nps },
  { header: "csat", value: (r) => r.scores?.csat },
  { header: "supportTickets90d", value: (r) => r.scores?.supportTickets90d ?? 0 },
  { header: "upsellCount", value: (r) => r.scores?.upsellCount ?? 0 },
];

export const AFFILIATE_COLUMNS: readonly CsvColumn<AffiliateExportRow>[] = [
  { header: "id", value: (r) => r.affiliate.id },
  { header: "code", value: (r) => r.affiliate.code },
  { header: "name", value: (r) => r.affiliate.name },
  { header: "commissionType", value: (r) => r.affiliate.commissionType },
  { header: "commissionValue", value: (r) => r.affiliate.commissionValue },
  { header: "visits", value: (r) => r.stats.visits },
  { header: "referredCustomers", value: (r) => r.stats.referredCustomers },
  { header: "activeCustomers", value: (r) => r.stats.activeCustomers },
  { header: "churnedCustomers", value: (r) => r.stats.churnedCustomers },
  { header: "conversionRate", value: (r) => r.stats.conversionRate },
  { header: "monthlyChurnRate", value: (r) => r.stats.monthlyChurnRate },
  { header: "averageHealthScore", value: (r) => r.stats.averageHealthScore },
  { header: "averageLifetimeValueCents", value: (r) => r.stats.averageLifetimeValueCents },
  { header: "revenueCents", value: (r) => r.stats.revenueCents },
  { header: "commissionsCents", value: (r) => r.stats.commissionsCents },
  { header: "roi", value: (r) => r.stats.roi },
  { header: "qualityScore", value: (r) => r.stats.qualityScore },
];

export const LEDGER_COLUMNS: readonly CsvColumn<LedgerExportRow>[] = [
  { header: "id", value: (r) => r.entry.id },
  { header: "affiliateId", value: (r) => r.entry.affiliateId },
  { header: "affiliateCode", value: (r) => r.affiliateCode },
  { header: "referralId", value: (r) => r.entry.referralId },
  { header: "customerId", value: (r) => r.entry.customerId },
  { header: "period", value: (r) => r.entry.period },
  { header: "periodStart", value: (r) => r.entry.periodStart },
  { header: "periodEnd", value: (r) => r.entry.periodEnd },
  { header: "kind", value: (r) => r.entry.kind },
  { header: "reason", value: (r) => r.entry.reason },
  { header: "revenueCents", value: (r) => r.entry.revenueCents },
  { header: "commissionType", value: (r) => r.entry.commissionType },
  { header: "rate", value: (r) => r.entry.rate },
  { header: "amountCents", value: (r) => r.entry.amountCents },
  { header: "status", value: (r) => r.entry.status },
  { header: "holdUntil", value: (r) => r.entry.holdUntil },
  { header: "approvedAt", value: (r) => r.entry.approvedAt },
  { header: "paidAt", value: (r) => r.entry.paidAt },
  { header: "voidedAt", value: (r) => r.entry.voidedAt },
  { header: "voidReason", value: (r) => r.entry.voidReason },
  { header: "payoutId", value: (r) => r.entry.payoutId },
  { header: "payoutReference", value: (r) => r.payoutReference },
  { header: "createdAt", value: (r) => r.entry.createdAt },
];
