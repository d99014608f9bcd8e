import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../helpers/smtp.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { attribute, createAffiliate, createCustomer, DAY_MS as DAY } from "../../helpers/factories.js";

// Editing, suspending and re-activating an affiliate through the API: a suspended affiliate's
// links still work for visitors and still attribute referrals, but no commission period that
// closes while it is suspended ever accrues, and its key and sessions are refused.

let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({}, { clock });
});
afterAll(async () => {
  await t?.close();
});
// Each test moves the app's clock forward from the real time (what input dates are checked against).
afterEach(() => clock.advanceMs(Date.now() - clock.now().getTime()));

const iso = (ms: number) => new Date(ms).toISOString();
const ok = async (query: string, variables?: Record<string, unknown>) => {
  const res = await t.admin(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
};
const keyOf = async (id: string) => (await ok(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id })).createAffiliateApiKey as string;
const periodsOf = async (code: string) =>
  ((await ok(`query($c: String!) { affiliate(code: $c) { commissions { period kind amountCents } } }`, { c: code })).affiliate.commissions as { period: number }[])
    .map((e) => e.period)
    .sort((a, b) => a - b);
const runLedger = () => ok(`mutation { runCommissionLedger { accrued } }`);
const suspend = (id: string, reason = "traffic from a coupon site") =>
  t.admin(`mutation($id: ID!, $r: String!) { suspendAffiliate(id: $id, reason: $r) { status suspendedAt suspensionReason } }`, { id, r: reason });
const reactivate = (id: string) => t.admin(`mutation($id: ID!) { reactivateAffiliate(id: $id) { status suspendedAt suspensionReason } }`, { id });

describe("suspending and re-activating an affiliate", () => {
  it("accrues nothing for the periods that close while suspended, ever; accrues again after re-activation", async () => {
    const affiliate = await createAffiliate(t, { commissionType: "PERCENT", commissionValue: 20 });
    const referredAt = clock.now().getTime() - 35 * DAY;
    const customer = await createCustomer(t, { name: "Suspended Period Co", mrrCents: 10_000, signedUpAt: iso(referredAt) });
    await attribute(t, affiliate.code, customer.id, iso(referredAt));
    await runLedger();
    expect(await periodsOf(affiliate.code)).toEqual([0]);

    const suspended = await suspend(affiliate.id);
    expect(suspended.errors).toBeUndefined();
    expect(suspended.data!.suspendAffiliate).toMatchObject({ status: "SUSPENDED", suspensionReason: "traffic from a coupon site" });
    expect(Math.abs(Date.parse(suspended.data!.suspendAffiliate.suspendedAt) - clock.now().getTime())).toBeLessThan(60_000);
    // Period 1 closes 26 days from now, inside the suspension.
    clock.advanceMs(31 * DAY);
    await runLedger();
    expect(await periodsOf(affiliate.code)).toEqual([0]);

    expect((await reactivate(affiliate.id)).data!.reactivateAffiliate).toEqual({ status: "ACTIVE", suspendedAt: null, suspensionReason: null });
    // Period 2 closes after the re-activation and accrues; period 1 never does, at any later run.
    clock.advanceMs(31 * DAY);
    await runLedger();
    await runLedger();
    expect(await periodsOf(affiliate.code)).toEqual([0, 2]);
  });

  it("pays no FLAT bounty for a customer whose first paying period closed while suspended", async () => {
    const affiliate = await createAffiliate(t, { commissionType: "FLAT", commissionValue: 5_000 });
    await suspend(affiliate.id);
    const referredAt = clock.now().getTime() - 2 * DAY;
    const customer = await createCustomer(t, { name: "Flat Bounty Co", mrrCents: 10_000, signedUpAt: iso(referredAt) });
    await attribute(t, affiliate.code, customer.id, iso(referredAt));
    clock.advanceMs(31 * DAY);
    await runLedger();
    await reactivate(affiliate.id);
    clock.advanceMs(62 * DAY);
    await runLedger();
    expect(await periodsOf(affiliate.code)).toEqual([]);
  });

  it("keeps its links working for visitors and still attributes referrals while suspended", async () => {
    const affiliate = await createAffiliate(t, { name: "Linked Partner" });
    await suspend(affiliate.id);
    const page = await t.gql(`query($c: String) { landingPage(affiliateCode: $c) { affiliate { code name } } }`, { c: affiliate.code });
    expect(page.data!.landingPage.affiliate).toEqual({ code: affiliate.code, name: "Linked Partner" });
    const visit = await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: affiliate.code, v: unique("visitor") });
    expect(visit.errors).toBeUndefined();
    const customer = await createCustomer(t, { name: "Referred While Suspended" });
    await attribute(t, affiliate.code, customer.id);
    const stats = await ok(`query($c: String!) { affiliate(code: $c) { stats { visits referredCustomers } } }`, { c: affiliate.code });
    expect(stats.affiliate.stats).toEqual({ visits: 1, referredCustomers: 1 });
  });

  it("refuses its key with FORBIDDEN and the reason, signs its sessions out, and takes the key back after re-activation", async () => {
    const affiliate = await createAffiliate(t);
    const key = await keyOf(affiliate.id);
    const signIn = await t.http.post("/session").set("content-type", "application/json").send({ key });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers["set-cookie"]![0]!.split(";")[0]!;
    const portal = () => t.http.post("/graphql").set("cookie", cookie).set("x-csrf-token", signIn.body.csrfToken).send({ query: "{ myAffiliate { code } }" });
    expect((await portal()).body.data.myAffiliate.code).toBe(affiliate.code);

    await suspend(affiliate.id);
    const refused = await t.gql(`{ myAffiliate { code } }`, {}, key);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(refused.errors?.[0]?.message).toMatch(/suspended/);
    const again = await t.http.post("/session").set("content-type", "application/json").send({ key });
    expect(again.status).toBe(403);
    expect(again.body.error).toMatch(/suspended/);
    // The session made before the suspension is gone: the portal is anonymous, so FORBIDDEN/UNAUTHENTICATED.
    expect((await portal()).body.data?.myAffiliate ?? null).toBeNull();
    expect((await t.http.get("/session").set("cookie", cookie)).status).toBe(401);

    await reactivate(affiliate.id);
    expect((await t.gql(`{ myAffiliate { code } }`, {}, key)).data!.myAffiliate.code).toBe(affiliate.code);
  });

  it("refuses to suspend twice, to re-activate an active affiliate, an empty reason and an unknown id", async () => {
    const affiliate = await createAffiliate(t);
    expect((await reactivate(affiliate.id)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/not suspended/), extensions: { code: "BAD_USER_INPUT" } });
    expect((await suspend(affiliate.id, " ")).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await suspend(affiliate.id)).errors).toBeUndefined();
    expect((await suspend(affiliate.id)).errors?.[0]?.message).toMatch(/already suspended/);
    expect((await suspend("00000000-0000-4000-8000-000000000000")).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("updateAffiliate", () => {
  it("renames an affiliate, and its landing pages (cached before) show the new name", async () => {
    const affiliate = await createAffiliate(t, { name: "Old Name" });
    const page = () => t.gql(`query($c: String) { landingPage(affiliateCode: $c) { affiliate { name } } }`, { c: affiliate.code });
    expect((await page()).data!.landingPage.affiliate.name).toBe("Old Name");
    const updated = await ok(`mutation($id: ID!) { updateAffiliate(id: $id, input: {name: "New Name"}) { code name commissionType } }`, { id: affiliate.id });
    expect(updated.updateAffiliate).toEqual({ code: affiliate.code, name: "New Name", commissionType: "PERCENT" });
    await expect.poll(async () => (await page()).data!.landingPage.affiliate.name).toBe("New Name");
  });

  it("sets the contact to a stakeholder of its customer only, and clears it with null", async () => {
    const customer = await createCustomer(t, { name: "Contact Co" });
    const added = await ok(`mutation($c: ID!) { a: upsertStakeholder(input: {customerId: $c, name: "Ada", email: "ada@contact.example", role: CHAMPION}) { id } }`, { c: customer.id });
    const other = await createCustomer(t, { name: "Other Co" });
    const foreign = await ok(`mutation($c: ID!) { a: upsertStakeholder(input: {customerId: $c, name: "Bob", email: "bob@other.example", role: CHAMPION}) { id } }`, { c: other.id });
    const { id } = await createAffiliate(t, { name: "From Contact Co", customerId: customer.id });
    const setContact = (s: string | null) => t.admin(`mutation($id: ID!, $s: ID) { updateAffiliate(id: $id, input: {contactStakeholderId: $s}) { name contact { name } } }`, { id, s });
    expect((await setContact(foreign.a.id)).errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect((await setContact(null)).data!.updateAffiliate).toEqual({ name: "From Contact Co", contact: null });
    expect((await setContact(added.a.id)).data!.updateAffiliate.contact).toEqual({ name: "Ada" });
    expect((await t.admin(`mutation($id: ID!) { updateAffiliate(id: $id, input: {name: ""}) { name } }`, { id })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
