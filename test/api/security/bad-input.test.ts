import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

// Every refused write answers BAD_USER_INPUT naming the field at fault, and leaves every table
// exactly as it was (compared by a digest of all rows).

let t: TestApp;
let customerId: string;
let churnedId: string;
let prospectId: string;
let affiliateCode: string;
let assetId: string;

const future = new Date(Date.now() + 30 * 86_400_000).toISOString();
const long = (n: number) => "x".repeat(n);

beforeAll(async () => {
  t = await startTestApp();
  customerId = (await t.admin(`mutation { upsertCustomer(input: {externalId: "bad-input-1", name: "Acme", mrrCents: 100}) { id } }`)).data!
    .upsertCustomer.id;
  churnedId = (await t.admin(`mutation { upsertCustomer(input: {externalId: "bad-input-2", name: "Gone", mrrCents: 100}) { id } }`)).data!
    .upsertCustomer.id;
  await t.admin(`mutation($id: ID!) { markChurned(customerId: $id) { id } }`, { id: churnedId });
  prospectId = (await t.admin(`mutation { upsertCustomer(input: {externalId: "bad-input-3", name: "New", mrrCents: 100}) { id } }`)).data!
    .upsertCustomer.id;
  affiliateCode = "bad-input-aff";
  await t.admin(
    `mutation($id: ID!) { createAffiliate(input: {code: "bad-input-aff", name: "Aff", customerId: $id, commissionType: FLAT, commissionValue: 5000}) { id } }`,
    { id: customerId },
  );
  assetId = (await t.admin(`mutation { createContentAsset(input: {kind: USE_CASE, title: "T", body: "B"}) { id } }`)).data!.createContentAsset.id;
});
afterAll(async () => {
  await t?.close();
});

type Case = [name: string, field: string, query: string, variables?: () => Record<string, unknown>];

const cases: Case[] = [
  ["empty name", "name", `mutation { upsertCustomer(input: {externalId: "n1", name: "  ", mrrCents: 1}) { id } }`],
  ["over-long name", "name", `mutation($n: String!) { upsertCustomer(input: {externalId: "n2", name: $n, mrrCents: 1}) { id } }`, () => ({ n: long(201) })],
  ["over-long externalId", "externalId", `mutation($e: String!) { upsertCustomer(input: {externalId: $e, name: "A", mrrCents: 1}) { id } }`, () => ({ e: long(129) })],
  ["negative MRR", "mrrCents", `mutation { upsertCustomer(input: {externalId: "n3", name: "A", mrrCents: -1}) { id } }`],
  ["negative retention cost", "retentionCostCents", `mutation { upsertCustomer(input: {externalId: "n3b", name: "A", mrrCents: 1, retentionCostCents: -5}) { id } }`],
  ["over-long niche", "niche", `mutation($n: String) { upsertCustomer(input: {externalId: "n4", name: "A", mrrCents: 1, niche: $n}) { id } }`, () => ({ n: long(65) })],
  ["sign-up in the future", "signedUpAt", `mutation($d: DateTime) { upsertCustomer(input: {externalId: "n5", name: "A", mrrCents: 1, signedUpAt: $d}) { id } }`, () => ({ d: future })],
  ["update that renames to blank", "name", `mutation { upsertCustomer(input: {externalId: "bad-input-1", name: "", mrrCents: 1}) { id } }`],
  ["NPS above 10", "score", `mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 11) { id } }`, () => ({ id: customerId })],
  ["NPS below 0", "score", `mutation($id: ID!) { recordNpsResponse(customerId: $id, score: -1) { id } }`, () => ({ id: customerId })],
  ["NPS in the future", "at", `mutation($id: ID!, $d: DateTime) { recordNpsResponse(customerId: $id, score: 5, at: $d) { id } }`, () => ({ id: customerId, d: future })],
  ["CSAT of 0", "score", `mutation($id: ID!) { recordCsatResponse(customerId: $id, score: 0) { id } }`, () => ({ id: customerId })],
  ["CSAT of 6", "score", `mutation($id: ID!) { recordCsatResponse(customerId: $id, score: 6) { id } }`, () => ({ id: customerId })],
  ["NPS for an unknown customer", "customerId", `mutation { recordNpsResponse(customerId: "00000000-0000-4000-8000-000000000000", score: 5) { id } }`],
  ["NPS for a malformed id", "customerId", `mutation { recordNpsResponse(customerId: "42", score: 5) { id } }`],
  ["ticket in the future", "openedAt", `mutation($id: ID!, $d: DateTime) { recordSupportTicket(customerId: $id, openedAt: $d) { id } }`, () => ({ id: customerId, d: future })],
  ["zero seats", "licensedSeats", `mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 1, licensedSeats: 0}) { id } }`, () => ({ id: customerId })],
  ["negative active users", "activeUsers", `mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: -1, licensedSeats: 5}) { id } }`, () => ({ id: customerId })],
  ["negative plan MRR", "mrrCents", `mutation($id: ID!) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: -5) { id } }`, () => ({ id: customerId })],
  ["blank plan", "plan", `mutation($id: ID!) { recordPlanChange(customerId: $id, plan: " ", mrrCents: 5) { id } }`, () => ({ id: customerId })],
  ["plan change of a churned customer", "customerId", `mutation($id: ID!) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: 5) { id } }`, () => ({ id: churnedId })],
  ["churning twice", "customerId", `mutation($id: ID!) { markChurned(customerId: $id) { id } }`, () => ({ id: churnedId })],
  ["over-long churn reason", "reason", `mutation($id: ID!, $r: String) { markChurned(customerId: $id, reason: $r) { id } }`, () => ({ id: customerId, r: long(501) })],
  ["stakeholder with a bad email", "email", `mutation($id: ID!) { upsertStakeholder(input: {customerId: $id, name: "A", email: "not-an-email", role: USER}) { id } }`, () => ({ id: customerId })],
  ["affiliate code with spaces", "code", `mutation { createAffiliate(input: {code: "a b", name: "A", commissionType: PERCENT, commissionValue: 10}) { id } }`],
  ["affiliate code too short", "code", `mutation { createAffiliate(input: {code: "a", name: "A", commissionType: PERCENT, commissionValue: 10}) { id } }`],
  ["duplicate affiliate code", "code", `mutation { createAffiliate(input: {code: "BAD-INPUT-AFF", name: "Other", commissionType: PERCENT, commissionValue: 10}) { id } }`],
  ["customer that is already an affiliate", "customerId", `mutation($id: ID!) { createAffiliate(input: {code: "other-code", name: "A", customerId: $id, commissionType: PERCENT, commissionValue: 10}) { id } }`, () => ({ id: customerId })],
  ["affiliate from a churned customer", "customerId", `mutation($id: ID!) { createAffiliate(input: {code: "gone-aff", name: "A", customerId: $id, commissionType: PERCENT, commissionValue: 10}) { id } }`, () => ({ id: churnedId })],
  ["affiliate from an unknown customer", "customerId", `mutation { createAffiliate(input: {code: "ghost-aff", name: "A", customerId: "00000000-0000-4000-8000-000000000000", commissionType: PERCENT, commissionValue: 10}) { id } }`],
  ["percent above 100", "commissionValue", `mutation { createAffiliate(input: {code: "pct", name: "A", commissionType: PERCENT, commissionValue: 101}) { id } }`],
  ["fractional flat cents", "commissionValue", `mutation { createAffiliate(input: {code: "flat", name: "A", commissionType: FLAT, commissionValue: 10.5}) { id } }`],
  ["key for an unknown affiliate", "affiliateId", `mutation { createAffiliateApiKey(affiliateId: "00000000-0000-4000-8000-000000000000") }`],
  ["visit with an over-long visitor id", "visitorId", `mutation($v: String!) { trackReferralVisit(affiliateCode: "bad-input-aff", visitorId: $v) }`, () => ({ v: long(129) })],
  ["attribution to an unknown code", "affiliateCode", `mutation($id: ID!) { attributeReferral(affiliateCode: "nobody", customerId: $id) { id } }`, () => ({ id: churnedId })],
  ["self-referral", "customerId", `mutation($id: ID!) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id) { id } }`, () => ({ id: customerId })],
  ["attribution of a churned customer", "customerId", `mutation($id: ID!) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id) { id } }`, () => ({ id: churnedId })],
  ["attribution of an unknown customer", "customerId", `mutation { attributeReferral(affiliateCode: "bad-input-aff", customerId: "00000000-0000-4000-8000-000000000000") { id } }`],
  ["attribution naming a visitor that never visited", "visitorId", `mutation($id: ID!) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id, visitorId: "stranger") { id } }`, () => ({ id: prospectId })],
  ["attribution naming a blank visitor", "visitorId", `mutation($id: ID!) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id, visitorId: " ") { id } }`, () => ({ id: prospectId })],
  ["attribution in the future", "at", `mutation($id: ID!, $d: DateTime) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id, at: $d) { id } }`, () => ({ id: churnedId, d: future })],
  ["case study without a customer", "customerId", `mutation { createContentAsset(input: {kind: CASE_STUDY, title: "T", body: "B"}) { id } }`],
  ["asset with a non-http url", "url", `mutation { createContentAsset(input: {kind: USE_CASE, title: "T", body: "B", url: "javascript:alert(1)"}) { id } }`],
  ["asset with an over-long title", "title", `mutation($t: String!) { createContentAsset(input: {kind: USE_CASE, title: $t, body: "B"}) { id } }`, () => ({ t: long(201) })],
  ["asset with an over-long niche", "niches", `mutation($n: String!) { createContentAsset(input: {kind: USE_CASE, title: "T", body: "B", niches: [$n]}) { id } }`, () => ({ n: long(65) })],
  ["asset for an unknown affiliate", "affiliateCode", `mutation { createContentAsset(input: {kind: USE_CASE, title: "T", body: "B", affiliateCode: "ghost"}) { id } }`],
  ["update with a blank body", "body", `mutation($id: ID!) { updateContentAsset(id: $id, input: {body: ""}) { id } }`, () => ({ id: assetId })],
  ["archiving an unknown asset", "id", `mutation { archiveContentAsset(id: "00000000-0000-4000-8000-000000000000") { id } }`],
  ["segment without a name", "name", `mutation { createSegment(input: {name: "", rules: []}) { id } }`],
  ["segment rule with a non-number", "rules[0].values", `mutation { createSegment(input: {name: "s1", rules: [{field: NPS, op: GTE, values: ["high"]}]}) { id } }`],
  ["segment rule out of range", "rules[0].values", `mutation { createSegment(input: {name: "s2", rules: [{field: NPS, op: GTE, values: ["11"]}]}) { id } }`],
  ["segment rule ordering text", "rules[0].op", `mutation { createSegment(input: {name: "s3", rules: [{field: NICHE, op: GT, values: ["a"]}]}) { id } }`],
  ["segment rule with two values for EQ", "rules[0].values", `mutation { createSegment(input: {name: "s4", rules: [{field: PLAN, op: EQ, values: ["a", "b"]}]}) { id } }`],
  ["segment rule with an unknown status", "rules[1].values", `mutation { createSegment(input: {name: "s5", rules: [{field: PLAN, op: EQ, values: ["a"]}, {field: STATUS, op: IN, values: ["ACTIVE", "ASLEEP"]}]}) { id } }`],
];

describe("refused writes", () => {
  it.each(cases)("%s → BAD_USER_INPUT on %s, nothing written", async (_name, field, query, variables) => {
    const before = await t.database.fingerprint();
    const res = await t.admin(query, variables?.());
    expect(res.errors, JSON.stringify(res.data)).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(res.errors![0]!.message).toContain(field);
    expect(await t.database.fingerprint()).toEqual(before);
  });

  it("a second attribution of the same customer is refused and the first one kept", async () => {
    const other = await t.admin(`mutation { createAffiliate(input: {code: "${unique("second").toLowerCase()}", name: "B", commissionType: PERCENT, commissionValue: 5}) { code } }`);
    const c = await t.admin(`mutation { upsertCustomer(input: {externalId: "${unique("crm")}", name: "Ref", mrrCents: 1}) { id } }`);
    const id = c.data!.upsertCustomer.id;
    const first = await t.admin(`mutation($id: ID!) { attributeReferral(affiliateCode: "bad-input-aff", customerId: $id) { affiliate { code } } }`, { id });
    expect(first.data!.attributeReferral.affiliate.code).toBe(affiliateCode);
    const before = await t.database.fingerprint();
    const second = await t.admin(`mutation($id: ID!, $code: String!) { attributeReferral(affiliateCode: $code, customerId: $id) { id } }`, {
      id,
      code: other.data!.createAffiliate.code,
    });
    expect(second.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "customerId" });
    expect(await t.database.fingerprint()).toEqual(before);
    const check = await t.admin(`query($id: ID!) { customer(id: $id) { referredBy { code } } }`, { id });
    expect(check.data!.customer.referredBy.code).toBe(affiliateCode);
  });

  it("GraphQL type errors are refused before any resolver runs", async () => {
    const before = await t.database.fingerprint();
    const res = await t.admin(`mutation { upsertCustomer(input: {externalId: "x", name: "A", mrrCents: 1.5}) { id } }`);
    expect(res.errors![0]!.extensions!.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await t.database.fingerprint()).toEqual(before);
  });
});
