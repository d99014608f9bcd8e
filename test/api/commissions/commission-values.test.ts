import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";

// PERCENT values with two decimals that binary floating point cannot hold exactly (0.29 * 100 is
// 28.999999999999996) are valid plans: in createAffiliate, in tiers and in updateCommissionPlan.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const PLAN = `commissionType commissionValue commissionTiers { minActiveCustomers value }`;

async function create(value: number, tiers: { minActiveCustomers: number; value: number }[] = []) {
  const code = unique("pv").toLowerCase();
  const res = await t.admin(
    `mutation($c: String!, $v: Float!, $t: [CommissionTierInput!]) { createAffiliate(input: {code: $c, name: "Decimals", commissionType: PERCENT, commissionValue: $v, commissionTiers: $t}) { id code ${PLAN} } }`,
    { c: code, v: value, t: tiers },
  );
  return { res, code };
}

describe("PERCENT values with two decimals", () => {
  it.each([0.29, 1.1, 4.35, 8.2, 16.4, 19.99])("createAffiliate takes %s", async (value) => {
    const { res, code } = await create(value);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.createAffiliate).toMatchObject({ commissionType: "PERCENT", commissionValue: value });
    expect((await t.admin(`query($c: String!) { affiliate(code: $c) { commissionValue } }`, { c: code })).data!.affiliate.commissionValue).toBe(value);
  });

  it("takes them in tiers and in updateCommissionPlan, and still refuses a third decimal with the field named", async () => {
    const { res } = await create(1.1, [
      { minActiveCustomers: 5, value: 16.4 },
      { minActiveCustomers: 2, value: 8.2 },
    ]);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.createAffiliate.commissionTiers).toEqual([
      { minActiveCustomers: 2, value: 8.2 },
      { minActiveCustomers: 5, value: 16.4 },
    ]);
    const id = res.data!.createAffiliate.id;
    const update = (v: number, tiers: object[]) =>
      t.admin(`mutation($a: ID!, $v: Float!, $t: [CommissionTierInput!]) { updateCommissionPlan(affiliateId: $a, input: {commissionType: PERCENT, commissionValue: $v, commissionTiers: $t}) { ${PLAN} } }`, {
        a: id,
        v,
        t: tiers,
      });
    const ok = await update(0.29, [{ minActiveCustomers: 3, value: 19.99 }, { minActiveCustomers: 10, value: 4.35 }]);
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
    expect(ok.data!.updateCommissionPlan).toMatchObject({ commissionValue: 0.29, commissionTiers: [{ minActiveCustomers: 3, value: 19.99 }, { minActiveCustomers: 10, value: 4.35 }] });

    const bad = await update(0.295, []);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "commissionValue" });
    const badTier = await update(4.35, [{ minActiveCustomers: 3, value: 8.205 }]);
    expect(badTier.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "commissionTiers[0].value" });
    // Refused updates changed nothing.
    const { code } = res.data!.createAffiliate;
    expect((await t.admin(`query($c: String!) { affiliate(code: $c) { commissionValue } }`, { c: code })).data!.affiliate.commissionValue).toBe(0.29);
  });

  it("pays 4.35% of 10,000 cents as exactly 435 cents", async () => {
    const { res, code } = await create(4.35);
    expect(res.errors).toBeUndefined();
    const c = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: { externalId: unique("pv"), name: "Payer", mrrCents: 10_000, signedUpAt: daysAgo(35) } });
    await t.admin(`mutation($c: String!, $id: ID!, $at: DateTime) { attributeReferral(affiliateCode: $c, customerId: $id, at: $at) { id } }`, { c: code, id: c.data!.upsertCustomer.id, at: daysAgo(35) });
    expect((await t.admin(`mutation { runCommissionLedger { accrued } }`)).errors).toBeUndefined();
    const entries = (await t.admin(`query($c: String!) { affiliate(code: $c) { commissions { revenueCents rate amountCents } } }`, { c: code })).data!.affiliate.commissions;
    expect(entries).toEqual([{ revenueCents: 10_000, rate: 4.35, amountCents: 435 }]);
  });
});
