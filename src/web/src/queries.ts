// Every query a console or portal page sends on load, one per page: test/api/intelligence/console-queries.test.ts
// counts the SQL statements of each, test/process/console-browser.test.ts the requests of each page.

export const OVERVIEW_QUERY = `{
  customerOverview { customers churnedCustomers mrrCents mrrAtRiskCents bands { band customers mrrCents } churnRisk { from to customers mrrCents } }
  topCustomers(limit: 10) { id name niche healthScore healthBand advocacyScore mrrCents }
  successPatterns(limit: 10) { attribute value customers successRate lift }
  churnModel { version auc examples positives trainedAt features { name weight } }
}`;

export const CUSTOMERS_QUERY = `query Customers($first: Int!, $after: String, $filter: CustomerFilter, $orderBy: CustomerOrder) {
  customers(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount pageInfo { endCursor hasNextPage }
    edges { node { id name niche status plan mrrCents healthScore healthBand churnRisk advocacyScore } }
  }
  segments { id name }
}`;

export const CUSTOMER_QUERY = `query Customer($id: ID!) {
  customer(id: $id) {
    id name externalId niche plan status mrrCents signedUpAt churnedAt churnReason lifetimeValueCents
    healthScore healthBand healthTrend churnRisk advocacyScore advocacyReasons successful nps csat supportTickets90d upsellCount
    healthBreakdown { name score weight }
    healthHistory(weeks: 12) { at score band }
    stakeholders { id name email role }
    contactToApproach { id name email role }
    referredBy { id code name }
    history(first: 30) { pageInfo { hasNextPage endCursor } edges { node { id kind at summary } } }
    milestoneProgress { action reached reachedAt }
    journeyEnrollments { id status enrolledAt finishedAt journey { name } }
  }
  churnModel { version features { name weight } }
}`;

/** An older page of a customer's CS history, for the timeline's "Show older". */
export const CUSTOMER_HISTORY_QUERY = `query CustomerHistory($id: ID!, $after: String) {
  customer(id: $id) { history(first: 30, after: $after) { pageInfo { hasNextPage endCursor } edges { node { id kind at summary } } } }
}`;

export const AFFILIATES_QUERY = `{
  affiliates(first: 100) {
    totalCount
    edges { node { id code name commissionType commissionValue
      stats { qualityScore monthlyChurnRate referredCustomers activeCustomers revenueCents commissionsCents conversionRate roi visits }
      commissionBalance { approvedCents pendingCents paidCents } } }
  }
  recommendedCommission { recommendedPercent recommendedFlatCents averageMrrCents monthlyChurnRate expectedLifetimeMonths expectedLifetimeValueCents maxCommissionPerCustomerCents targetRoi referredCustomers basis }
  affiliateCandidates(limit: 10) { id name niche advocacyScore healthScore contactToApproach { name email } }
}`;

export const AFFILIATE_QUERY = `query Affiliate($code: String!) {
  affiliate(code: $code) { id code name commissionType commissionValue commissionMonths createdAt status suspendedAt suspensionReason
    stats { qualityScore monthlyChurnRate referredCustomers activeCustomers churnedCustomers revenueCents commissionsCents conversionRate roi visits averageHealthScore
      clicksToCustomer { visitors referred active }
      months { month visitors referredCustomers churnedCustomers revenueCents churnRate } }
    commissionBalance { approvedCents pendingCents paidCents voidedCents carriedCents }
    commissions(limit: 50) { id customerLabel periodStart periodEnd status kind revenueCents amountCents }
    payouts { id amountCents paidAt reference }
    recommendedCommission { recommendedPercent recommendedFlatCents averageMrrCents monthlyChurnRate expectedLifetimeMonths expectedLifetimeValueCents maxCommissionPerCustomerCents targetRoi referredCustomers basis currentPlanMeetsTarget }
  }
}`;

export const CONTENT_QUERY = `{
  contentAssets(includeArchived: true) { id title kind niches archived url }
  contentPerformance(limit: 100) { asset { id title kind niches archived url } impressions visits referredCustomers referredFromVisits retainedCustomers retentionRate }
}`;

export const JOURNEYS_QUERY = `{
  journeys { id name status trigger
    counts { active completed paused stopped failed optedOut emailsSent }
    steps { index kind subject waitHours gotoStep }
    enrollments(first: 20) { totalCount edges { node { id status stepIndex enrolledAt nextRunAt customer { id name } } } } }
}`;

export const SEGMENTS_QUERY = `{ segments { id name customerCount rules { field op values } } }`;

export const PORTAL_QUERY = `{
  myAffiliate { id code name commissionType commissionValue commissionMonths
    stats { qualityScore referredCustomers activeCustomers churnedCustomers revenueCents commissionsCents conversionRate monthlyChurnRate visits
      clicksToCustomer { visitors referred active }
      months { month visitors referredCustomers churnedCustomers revenueCents churnRate } }
    maskedReferrals(first: 100) { id customerLabel status healthBand referredAt }
    commissionBalance { approvedCents pendingCents paidCents voidedCents carriedCents }
    commissions(limit: 50) { id customerLabel periodStart periodEnd status kind revenueCents amountCents }
    payouts { id amountCents paidAt reference }
    materialsKit(limit: 5) { niche matchedOn
      caseStudies { id title trackingLink } useCases { id title trackingLink } painPoints { id title trackingLink } }
  }
}`;
