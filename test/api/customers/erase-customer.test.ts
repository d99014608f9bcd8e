import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommissionLedger } from "../../../src/commissions/commission.service.js";
import { queryRows } from "../../../src/db/client.js";
import { ADMIN_KEY, unique } from "../../helpers/app.js";
import { attribute, createAffiliate, createAsset, createCustomer } from "../../helpers/factories.js";
import { DAY, lifetimeValue, paymentEvent, refundEvent, send, startPaymentsApp, type PaymentsApp } from "../payments/helpers.js";

// eraseCustomer (GDPR): a customer with stakeholders, history of every kind, journeys, content, a
// referral with accrued and paid commissions is erased; what it said is gone everywhere (GraphQL
// and every table), the ledger, payouts and affiliate stats are what they were, the audit log
// says who erased which id, and nothing is half-done when a step fails.

let app: PaymentsApp;
const iso = (ms: number) => new Date(ms).toISOString();
const NAME = "Erasable Person GmbH";

async function admin(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.t.admin(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}
const ERASE = `mutation($id: ID!) { eraseCustomer(id: $id) { id name externalId niche erasedAt } }`;
const CUSTOMER = `query($id: ID!) { customer(id: $id) { id name externalId niche acquisitionChannel churnReason erasedAt
  stakeholders { name email } affiliate { id } history(first: 100) { totalCount edges { node { kind } } } } }`;

beforeAll(async () => {
  app = await startPaymentsApp();
});
afterAll(() => app?.t.close());

/** Every table's rows as text: what must no longer hold the erased customer's data anywhere. */
async function everyTableAsText(): Promise<string> {
  const tables = await queryRows<{ name: string }>(app.t.database.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const texts: string[] = [];
  for (const { name } of tables) {
    const rows = await queryRows<{ t: string }>(app.t.database.db, sql`select row_to_json(x)::text as t from ${sql.identifier(name)} x`);
    texts.push(...rows.map((r) => `${name}: ${r.t}`));
  }
  return texts.join("\n").toLowerCase();
}

describe("eraseCustomer", () => {
  const now = Date.now();
  const referredAt = now - 100 * DAY;
  const statsTo = iso(now);
  let affiliate: { id: string; code: string };
  let affiliateKey: string;
  let customer: { id: string; externalId: string };
  let ownAffiliate: { id: string; code: string };
  let assetId: string;
  const emails = [`${unique("champion")}@erasable.example`, `${unique("boss")}@erasable.example`];

  const LEDGER = `query($c: String!, $to: DateTime) { affiliate(code: $c) {
    commissionBalance { pendingCents approvedCents paidCents voidedCents carriedCents }
    commissions { id period revenueCents rate amountCents status payoutId holdUntil }
    payouts { id amountCents reference paidAt }
    stats(to: $to) { referredCustomers activeCustomers churnedCustomers revenueCents commissionsCents averageLifetimeValueCents visits
      clicksToCustomer { visitors referred active } months { month referredCustomers revenueCents activeAtStart churnedCustomers visitors } }
    referrals(first: 10) { totalCount edges { node { referredAt visitorId customer { id } } } } } }`;
  const ledger = async () => (await admin(LEDGER, { c: affiliate.code, to: statsTo })).affiliate;
  const portal = async () => {
    const res = await app.t.gql(`{ myAffiliate { maskedReferrals { customerLabel status referredAt } } }`, {}, affiliateKey);
    expect(res.errors).toBeUndefined();
    return res.data!.myAffiliate.maskedReferrals as { customerLabel: string; status: string; referredAt: string }[];
  };

  beforeAll(async () => {
    const t = app.t;
    affiliate = await createAffiliate(t, { commissionType: "PERCENT", commissionValue: 20 });
    affiliateKey = (await admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliate.id })).createAffiliateApiKey;
    customer = await createCustomer(t, { name: NAME, niche: "dental clinics", acquisitionChannel: "webinar", mrrCents: 10_000, signedUpAt: iso(referredAt) });
    const id = customer.id;
    await attribute(t, affiliate.code, id, iso(referredAt));
    for (const [i, role] of (["CHAMPION", "DECISION_MAKER"] as const).entries()) {
      await admin(`mutation($i: StakeholderInput!) { upsertStakeholder(input: $i) { id } }`, { i: { customerId: id, name: `Person ${i} of ${NAME}`, email: emails[i], role } });
    }
    // The customer is an affiliate too, whose contact is its champion.
    ownAffiliate = await createAffiliate(t, { name: "Its own program", customerId: id });
    // History of every kind, through the webhook and GraphQL.
    const x = customer.externalId;
    const at = (daysAgo: number) => iso(now - daysAgo * DAY);
    await send(app, { id: unique("e"), type: "usage", customerExternalId: x, at: at(50), activeUsers: 7, licensedSeats: 10 }, { id: unique("e"), type: "nps", customerExternalId: x, at: at(45), score: 9 });
    await send(app, { id: unique("e"), type: "csat", customerExternalId: x, at: at(40), score: 4 }, { id: unique("e"), type: "ticket", customerExternalId: x, at: at(35) });
    await send(app, { id: unique("e"), type: "action", customerExternalId: x, at: at(12), name: "created_report", count: 40, users: 3 });
    await admin(`mutation($id: ID!, $at: DateTime) { recordPlanChange(customerId: $id, plan: "pro", mrrCents: 20000, at: $at) { id } }`, { id, at: at(30) });
    // Paid monthly from the signup: revenue is these payments, less the refund (no MRR pro rata).
    const chargeId = unique("ch");
    for (let m = 0; m < 3; m++) {
      await send(app, paymentEvent(x, { amountCents: 10_000, paidAt: referredAt + m * 30 * DAY + DAY, periodStart: referredAt + m * 30 * DAY, ...(m === 0 ? { chargeId } : {}) }));
    }
    await send(app, refundEvent(x, { chargeId, amountRefundedCents: 2_500, at: referredAt + 5 * DAY }));
    await lifetimeValue(app, id);
    const journey = await admin(`mutation($i: JourneyInput!) { createJourney(input: $i) { id } }`, {
      i: { name: unique("journey"), steps: [{ kind: "WAIT", waitHours: 24 }, { kind: "EMAIL", subject: "Hi", body: "Hello" }] },
    });
    await admin(`mutation($c: ID!, $j: ID!) { enrollCustomer(customerId: $c, journeyId: $j) { id } }`, { c: id, j: journey.createJourney.id });
    assetId = await createAsset(t, { kind: "PAIN_POINT", title: `How ${NAME} cut no-shows`, customerId: id });
    // The commission ledger: accrued, approved after the hold, partly paid.
    await admin(`mutation { runCommissionLedger { accrued } }`);
    await runCommissionLedger(t.database.db, new Date(now), 30);
    const approved = (await ledger()).commissionBalance.approvedCents;
    expect(approved).toBeGreaterThan(0);
    await admin(`mutation($a: ID!, $n: Int!) { recordPayout(affiliateId: $a, amountCents: $n, reference: "wire-1") { id } }`, { a: affiliate.id, n: approved - 1 });
  });

  it("has the data to erase before (the setup holds)", async () => {
    const { customer: c } = await admin(CUSTOMER, { id: customer.id });
    expect(c).toMatchObject({ name: NAME, erasedAt: null, affiliate: { id: ownAffiliate.id } });
    expect(c.stakeholders).toHaveLength(2);
    expect(new Set(c.history.edges.map((e: any) => e.node.kind))).toEqual(new Set(["USAGE", "NPS", "CSAT", "SUPPORT_TICKET", "PLAN_CHANGE", "PAYMENT", "REFUND", "PRODUCT_ACTIVITY"]));
    const l = await ledger();
    expect(l.commissionBalance.paidCents).toBeGreaterThan(0);
    expect(l.commissions.length).toBeGreaterThanOrEqual(2);
    expect((await everyTableAsText()).includes(NAME.toLowerCase())).toBe(true);
  });

  it("removes the name, external id, stakeholders and history, keeping the ledger, payouts and stats exactly", async () => {
    const before = await ledger();
    const portalBefore = await portal();
    const landingBefore = await admin(`{ landingPage(limit: 10) { painPoints { id } } }`);
    expect(landingBefore.landingPage.painPoints.map((p: any) => p.id)).toContain(assetId);

    const { eraseCustomer: erased } = await admin(ERASE, { id: customer.id });
    expect(erased).toMatchObject({ id: customer.id, name: "Erased customer", externalId: `erased:${customer.id}`, niche: null });
    expect(Date.parse(erased.erasedAt)).toBeGreaterThanOrEqual(now);

    const { customer: c } = await admin(CUSTOMER, { id: customer.id });
    expect(c).toMatchObject({ name: "Erased customer", acquisitionChannel: null, churnReason: null, stakeholders: [], affiliate: null, history: { totalCount: 0, edges: [] } });
    // The ledger's rows and sums, the payouts and the stats are unchanged; the referral stays.
    const after = await ledger();
    expect(after.commissionBalance).toEqual(before.commissionBalance);
    expect(after.commissions).toEqual(before.commissions);
    expect(after.payouts).toEqual(before.payouts);
    expect(after.stats).toEqual(before.stats);
    expect(after.referrals.totalCount).toBe(before.referrals.totalCount);
    // The affiliate's portal still counts the referral, with nothing of the name.
    const portalAfter = await portal();
    expect(portalAfter.map((r) => r.referredAt)).toEqual(portalBefore.map((r) => r.referredAt));
    const label = (labels: typeof portalBefore) => labels.find((r) => r.referredAt === iso(referredAt))!.customerLabel;
    expect(label(portalBefore)).toBe("E*** P*** G***");
    expect(label(portalAfter)).toBe("E*** C***");
    // The asset about it left the landing pages (the catalog heard it on the change channel) and forgot it.
    const landingAfter = await admin(`{ landingPage(limit: 10) { painPoints { id } } }`);
    expect(landingAfter.landingPage.painPoints.map((p: any) => p.id)).not.toContain(assetId);
    const assets = (await admin(`{ contentAssets(includeArchived: true) { id archived customer { id } } }`)).contentAssets;
    expect(assets.find((a: any) => a.id === assetId)).toEqual({ id: assetId, archived: true, customer: null });
    // The customer's own affiliate stays, no longer linked, and without a contact.
    const own = (await admin(`query($c: String!) { affiliate(code: $c) { customer { id } contact { email } } }`, { c: ownAffiliate.code })).affiliate;
    expect(own).toEqual({ customer: null, contact: null });
  });

  it("leaves no name, email, external id or visitor id in any table, nor in the audit log", async () => {
    const everything = await everyTableAsText();
    for (const secret of [NAME, ...emails, customer.externalId, "dental clinics", "webinar"]) expect(everything, secret).not.toContain(secret.toLowerCase());
    const log = (await admin(`{ adminAuditLog(first: 100, operation: "eraseCustomer") { edges { node { actor operation arguments outcome at } } } }`)).adminAuditLog.edges;
    const actor = `admin-key:${createHash("sha256").update(ADMIN_KEY).digest("hex").slice(0, 8)}`;
    expect(log.map((e: any) => e.node)).toContainEqual(expect.objectContaining({ actor, operation: "eraseCustomer", arguments: { id: customer.id }, outcome: "OK" }));
  });

  it("drops the erased customer from lists, rankings and segments", async () => {
    const listed = (await admin(`{ customers(first: 100) { totalCount edges { node { id } } } }`)).customers;
    expect(listed.edges.map((e: any) => e.node.id)).not.toContain(customer.id);
    expect(listed.totalCount).toBe(listed.edges.length);
    const byScore = (await admin(`{ customers(first: 100, orderBy: ADVOCACY_SCORE_DESC) { edges { node { id } } } }`)).customers.edges.map((e: any) => e.node.id);
    expect(byScore).not.toContain(customer.id);
    const ranked = await admin(`{ topCustomers(limit: 50) { id } affiliateCandidates(limit: 50) { id } }`);
    expect([...ranked.topCustomers, ...ranked.affiliateCandidates].map((c: any) => c.id)).not.toContain(customer.id);
    const preview = await admin(`{ segmentPreview(rules: []) }`);
    expect(preview.segmentPreview).toBe(listed.totalCount);
  });

  it("is irreversible: a second erasure and any write to it are refused, and a webhook for the old external id resurrects nothing", async () => {
    const again = await app.t.admin(ERASE, { id: customer.id });
    expect(again.errors?.[0]?.extensions).toEqual({ code: "FAILED_PRECONDITION", field: "id" });
    expect(again.errors?.[0]?.message).toMatch(/erased at .*cannot be repeated or undone/);
    const write = await app.t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 3) { id } }`, { id: customer.id });
    expect(write.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const [outcome] = await send(app, { id: unique("e"), type: "nps", customerExternalId: customer.externalId, at: iso(now - DAY), score: 2 });
    expect(outcome).toMatchObject({ status: "rejected", reason: "customerExternalId: no customer with this external id" });
    // The former external id is free: a new customer takes it, with none of the old history.
    const fresh = await createCustomer(app.t, { externalId: customer.externalId, name: "New Owner Ltd" });
    expect(fresh.id).not.toBe(customer.id);
    const { customer: n } = await admin(CUSTOMER, { id: fresh.id });
    expect(n).toMatchObject({ name: "New Owner Ltd", stakeholders: [], history: { totalCount: 1 } });
    const { customer: c } = await admin(CUSTOMER, { id: customer.id });
    expect(c).toMatchObject({ name: "Erased customer", history: { totalCount: 0 }, stakeholders: [] });
    const log = (await admin(`{ adminAuditLog(first: 10, operation: "eraseCustomer") { edges { node { outcome } } } }`)).adminAuditLog.edges;
    expect(log[0].node.outcome).toBe("FAILED_PRECONDITION");
  });

  it("replaces a referral's visitor id by a pseudonym in the referral and its visits: funnel and visits unchanged", async () => {
    const visitorId = unique("visitor");
    const visited = await createCustomer(app.t, { name: "Visited Person Co" });
    await admin(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: affiliate.code, v: visitorId });
    await admin(`mutation($c: String!, $id: ID!, $v: String) { attributeReferral(affiliateCode: $c, customerId: $id, visitorId: $v) { id } }`, { c: affiliate.code, id: visited.id, v: visitorId });
    const funnel = async () => {
      const a = (await admin(`query($c: String!) { affiliate(code: $c) { stats { visits referredCustomers clicksToCustomer { visitors referred active } }
        referrals(first: 10) { edges { node { visitorId customer { id } } } } } }`, { c: affiliate.code })).affiliate;
      return { stats: a.stats, visitorIdOf: a.referrals.edges.find((e: any) => e.node.customer.id === visited.id)!.node.visitorId as string };
    };
    const before = await funnel();
    expect(before.visitorIdOf).toBe(visitorId);
    await admin(ERASE, { id: visited.id });
    const after = await funnel();
    expect(after.stats).toEqual(before.stats);
    expect(after.visitorIdOf).toMatch(/^erased-/);
    expect(await everyTableAsText()).not.toContain(visitorId.toLowerCase());
  });

  it("refuses an unknown id and a malformed one with BAD_USER_INPUT", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      const res = await app.t.admin(ERASE, { id });
      expect(res.errors?.[0]?.extensions, id).toEqual({ code: "BAD_USER_INPUT", field: "id" });
    }
  });

  it("is refused to an affiliate key and to the public", async () => {
    const target = await createCustomer(app.t, { name: "Kept Co" });
    for (const [key, code] of [
      [affiliateKey, "FORBIDDEN"],
      [null, "UNAUTHENTICATED"],
    ] as const) {
      const res = await app.t.gql(ERASE, { id: target.id }, key);
      expect(res.errors?.[0]?.extensions?.code).toBe(code);
    }
    expect((await admin(CUSTOMER, { id: target.id })).customer).toMatchObject({ name: "Kept Co", erasedAt: null });
  });

  it("changes nothing when a step fails: one transaction", async () => {
    const target = await createCustomer(app.t, { name: "Half Erased Co" });
    await admin(`mutation($i: StakeholderInput!) { upsertStakeholder(input: $i) { id } }`, { i: { customerId: target.id, name: "Half Person", email: `${unique("half")}@x.example`, role: "CHAMPION" } });
    await admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 8) { id } }`, { id: target.id });
    const db = app.t.database.db;
    // The last step (the tombstone's update) fails, after every deletion ran.
    await db.execute(sql.raw(`create function erase_fails() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`));
    await db.execute(sql.raw(`create trigger erase_fails before update of erased_at on customers for each row when (new.erased_at is not null) execute function erase_fails()`));
    const before = await app.t.database.fingerprint();
    try {
      const res = await app.t.admin(ERASE, { id: target.id });
      expect(res.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    } finally {
      await db.execute(sql.raw(`drop trigger erase_fails on customers`));
      await db.execute(sql.raw(`drop function erase_fails()`));
    }
    expect(await app.t.database.fingerprint()).toEqual(before);
    const { customer: c } = await admin(CUSTOMER, { id: target.id });
    expect(c).toMatchObject({ name: "Half Erased Co", erasedAt: null, history: { totalCount: 2 } });
    expect(c.stakeholders).toHaveLength(1);
  });
});
