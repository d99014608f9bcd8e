import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { access, requiredArgs, selection } from "../../helpers/schema-walk.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../../src/auth/roles.js";
import { getSchema } from "../../../src/server/schema.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";

// An affiliate's own view through its key: everything it may read about itself, each field
// tried one by one (walked from the schema, so a new field needs a decision here), and
// FORBIDDEN for every other operation.

let t: TestApp;
let schema: GraphQLSchema;
let key: string;
let code: string;
const niche = unique("portal-niche").toLowerCase();
const titles = { caseStudy: "How Quokka Labs doubled signups", archived: "Old story, archived", pain: "Churned trials" };

/** What an affiliate key may read, by type.field: the decision for every field it can reach. */
const AFFILIATE_READS = new Set([
  "Affiliate.id", "Affiliate.code", "Affiliate.name", "Affiliate.createdAt", "Affiliate.commissionType", "Affiliate.commissionValue",
  "Affiliate.commissionMonths", "Affiliate.commissionTiers", "Affiliate.stats", "Affiliate.commissionBalance", "Affiliate.commissions",
  "Affiliate.payouts", "Affiliate.maskedReferrals", "Affiliate.materialsKit",
  "CommissionTier.minActiveCustomers", "CommissionTier.value",
  "AffiliateStats.visits", "AffiliateStats.referredCustomers", "AffiliateStats.activeCustomers", "AffiliateStats.churnedCustomers",
  "AffiliateStats.conversionRate", "AffiliateStats.monthlyChurnRate", "AffiliateStats.averageLifetimeValueCents", "AffiliateStats.revenueCents",
  "AffiliateStats.commissionsCents", "AffiliateStats.roi", "AffiliateStats.averageHealthScore", "AffiliateStats.qualityScore",
  "AffiliateStats.clicksToCustomer", "AffiliateStats.months",
  "ConversionFunnel.visitors", "ConversionFunnel.referred", "ConversionFunnel.active",
  "AffiliateMonthStats.month", "AffiliateMonthStats.visitors", "AffiliateMonthStats.referredCustomers", "AffiliateMonthStats.churnedCustomers",
  "AffiliateMonthStats.activeAtStart", "AffiliateMonthStats.revenueCents", "AffiliateMonthStats.churnRate",
  "CommissionBalance.pendingCents", "CommissionBalance.approvedCents", "CommissionBalance.paidCents", "CommissionBalance.voidedCents",
  // Late billing history: what is carried, and an entry's kind and reason (periods and cents, no customer data).
  "CommissionBalance.carriedCents", "CommissionEntry.kind", "CommissionEntry.reason",
  "CommissionEntry.id", "CommissionEntry.customerLabel", "CommissionEntry.period", "CommissionEntry.periodStart", "CommissionEntry.periodEnd",
  "CommissionEntry.revenueCents", "CommissionEntry.commissionType", "CommissionEntry.rate", "CommissionEntry.amountCents", "CommissionEntry.status",
  "CommissionEntry.holdUntil", "CommissionEntry.approvedAt", "CommissionEntry.paidAt", "CommissionEntry.payoutId", "CommissionEntry.voidedAt",
  "CommissionEntry.voidReason",
  // Revenue from payments: why a commission waits (an exchange rate), with the customer masked.
  "Affiliate.commissionsWaiting", "CommissionWaiting.customerLabel", "CommissionWaiting.period", "CommissionWaiting.periodStart",
  "CommissionWaiting.periodEnd", "CommissionWaiting.amountCents", "CommissionWaiting.currency", "CommissionWaiting.reason",
  "Payout.id", "Payout.affiliateId", "Payout.amountCents", "Payout.reference", "Payout.paidAt",
  "MaskedReferral.id", "MaskedReferral.customerLabel", "MaskedReferral.status", "MaskedReferral.healthBand", "MaskedReferral.referredAt",
  "MaterialsKitSection.niche", "MaterialsKitSection.matchedOn", "MaterialsKitSection.caseStudies", "MaterialsKitSection.useCases", "MaterialsKitSection.painPoints",
  "MaterialItem.id", "MaterialItem.kind", "MaterialItem.title", "MaterialItem.body", "MaterialItem.url", "MaterialItem.customerName", "MaterialItem.trackingLink",
]);

beforeAll(async () => {
  schema = await getSchema();
  t = await startTestApp();
  code = unique("portal").toLowerCase();
  const aff = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Portal Partner", commissionType: PERCENT, commissionValue: 20}) { id } }`, { c: code });
  const affiliateId = aff.data!.createAffiliate.id;
  key = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).data!.createAffiliateApiKey;
  for (const [name, days] of [["Quokka Labs", 60], ["Wombat Works", 40]] as const) {
    const c = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, {
      i: { externalId: unique("crm"), name, niche, mrrCents: 10_000, signedUpAt: daysAgo(days) },
    });
    const id = c.data!.upsertCustomer.id;
    await t.admin(`mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { id } }`, { c: code, id, at: daysAgo(days) });
    await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id });
    if (name === "Quokka Labs") {
      await t.admin(`mutation($i: ContentAssetInput!) { createContentAsset(input: $i) { id } }`, { i: { kind: "CASE_STUDY", title: titles.caseStudy, body: "B", niches: [niche], customerId: id } });
    }
  }
  const archived = await t.admin(`mutation($i: ContentAssetInput!) { createContentAsset(input: $i) { id } }`, { i: { kind: "PAIN_POINT", title: titles.archived, body: "B", niches: [niche] } });
  await t.admin(`mutation($id: ID!) { archiveContentAsset(id: $id) { id } }`, { id: archived.data!.createContentAsset.id });
  await t.admin(`mutation($i: ContentAssetInput!) { createContentAsset(input: $i) { id } }`, { i: { kind: "PAIN_POINT", title: titles.pain, body: "B", niches: [niche] } });
  await t.admin(`mutation { runCommissionLedger { accrued } }`);
});
afterAll(async () => {
  await t?.close();
});

describe("an affiliate's own view", () => {
  it("shows its referrals masked, its ledger, and a materials kit for its audience's niche with tracking links", async () => {
    const res = await t.gql(
      `{ myAffiliate { code maskedReferrals { customerLabel status healthBand referredAt }
           commissionBalance { pendingCents approvedCents }
           commissions { customerLabel amountCents status }
           materialsKit { niche matchedOn caseStudies { title customerName trackingLink } painPoints { title trackingLink } } } }`,
      {},
      key,
    );
    expect(res.errors).toBeUndefined();
    const me = res.data!.myAffiliate;
    expect(me.code).toBe(code);
    expect(me.maskedReferrals.map((r: any) => r.customerLabel).sort()).toEqual(["Q*** L***", "W*** W***"]);
    expect(me.maskedReferrals.every((r: any) => r.status === "ACTIVE" && ["RED", "YELLOW", "GREEN"].includes(r.healthBand))).toBe(true);
    expect(JSON.stringify(me.maskedReferrals)).not.toMatch(/Quokka|Wombat/);
    // Both referred customers have closed their first period: 2 × 20% of $100.
    expect(me.commissionBalance).toEqual({ pendingCents: 4_000, approvedCents: 0 });
    expect(JSON.stringify(me.commissions)).not.toMatch(/Quokka|Wombat/);

    expect(me.materialsKit).toHaveLength(1);
    const [section] = me.materialsKit;
    expect(section).toMatchObject({ niche, matchedOn: "AFFILIATE_AND_NICHE" });
    expect(section.caseStudies.map((i: any) => i.title)).toEqual([titles.caseStudy]);
    expect(section.painPoints.map((i: any) => i.title)).toContain(titles.pain);
    expect(JSON.stringify(section)).not.toContain(titles.archived);
    const link = new URL(section.caseStudies[0].trackingLink);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ via: code, niche });
    expect(link.searchParams.get("content")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("can read every field it is meant to, and no other, field by field (walked from the schema)", async () => {
    const reachable = new Map<string, string>(); // type.field -> a query reaching it
    const refused: string[] = [];
    const walk = (type: GraphQLObjectType, path: (inner: string) => string, seen: Set<string>) => {
      for (const field of Object.values(type.getFields())) {
        const name = `${type.name}.${field.name}`;
        const roles = access(field);
        const allowed = roles === null || roles.includes(Role.AFFILIATE);
        const named = getNamedType(field.type);
        const leaf = `${field.name}${requiredArgs(field.args)}${selection(field.type)}`;
        if (!allowed) {
          refused.push(name);
          reachable.set(name, path(leaf));
          continue;
        }
        reachable.set(name, path(leaf));
        if (isObjectType(named) && !seen.has(named.name)) {
          walk(named, (inner) => path(`${field.name}${requiredArgs(field.args)} { ${inner} }`), new Set([...seen, named.name]));
        }
      }
    };
    walk(schema.getType("Affiliate") as GraphQLObjectType, (inner) => `{ myAffiliate { ${inner} } }`, new Set(["Affiliate"]));

    const readable = [...reachable.keys()].filter((name) => !refused.includes(name));
    expect(readable.sort()).toEqual([...AFFILIATE_READS].sort());

    for (const [name, query] of reachable) {
      const res = await t.gql(query, {}, key);
      if (refused.includes(name)) {
        expect(res.errors?.[0]?.extensions?.code, `${name}: ${query}`).toBe("FORBIDDEN");
      } else {
        expect(res.errors, `${name}: ${query}`).toBeUndefined();
      }
    }
    // The admin-only fields about customers are among the refused ones.
    expect(refused).toEqual(expect.arrayContaining(["Affiliate.customer", "Affiliate.contact", "Affiliate.referrals", "Affiliate.apiKeys", "Affiliate.recommendedCommission", "CommissionEntry.customer"]));
  });

  it("gets FORBIDDEN for every other query and mutation (generated from the schema)", async () => {
    const tried: string[] = [];
    for (const [kind, root] of [["query", schema.getQueryType()!], ["mutation", schema.getMutationType()!]] as const) {
      for (const field of Object.values(root.getFields())) {
        const roles = access(field)!;
        if (roles.includes(Role.PUBLIC) || roles.includes(Role.AFFILIATE)) continue;
        const res = await t.gql(`${kind} { ${field.name}${requiredArgs(field.args)}${selection(field.type)} }`, {}, key);
        expect(res.errors?.[0]?.extensions?.code, `${kind} ${field.name}`).toBe("FORBIDDEN");
        tried.push(field.name);
      }
    }
    expect(tried).toEqual(expect.arrayContaining(["customer", "customers", "segments", "contentAssets", "affiliate", "affiliates", "createAffiliate", "recordPayout", "runCommissionLedger"]));
    // Nothing those refused mutations named was written.
    const admin = await t.admin(`{ affiliates { totalCount } }`);
    expect(admin.data!.affiliates.totalCount).toBe(1);
  });

  it("cannot reach another affiliate through any argument", async () => {
    const other = unique("other").toLowerCase();
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Other", commissionType: FLAT, commissionValue: 100}) { id } }`, { c: other });
    const res = await t.gql(`query($c: String!) { affiliate(code: $c) { id } }`, { c: other }, key);
    expect(res.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const mine = await t.gql(`{ myAffiliate { code } }`, {}, key);
    expect(mine.data!.myAffiliate.code).toBe(code);
  });
});
