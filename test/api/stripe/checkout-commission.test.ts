import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { createAffiliate } from "../../helpers/factories.js";
import { ManualClock } from "../../helpers/smtp.js";
import { signatureFor } from "../../helpers/stripe-fixtures.js";
import { demoRefundEvent, type DemoIds } from "../../../src/stripe/demo-events.js";

// Stripe as the revenue truth, end to end through HTTP (the browser version of this loop is
// test/process/referral-loop-browser.test.ts): a visit, a Stripe Checkout whose first invoice is
// paid during it, the commission period closing, and a refund. The invoice paid in the checkout
// is the referral's first revenue: it earns the first period's commission.

const SECRET = "whsec_checkout_commission";
const PERIOD_MS = 30.4375 * 86_400_000;
const clock = new ManualClock();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ stripe: { webhookSecrets: [SECRET] } }, { clock });
});
afterAll(async () => {
  await t?.close();
});

async function admin(query: string, variables: Record<string, unknown> = {}) {
  const res = await t.admin(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
}

const entriesOf = async (code: string) =>
  (await admin(`query($c: String!) { affiliate(code: $c) { commissions { kind status revenueCents amountCents voidReason } } }`, { c: code })).affiliate.commissions;

describe("a Stripe checkout's first invoice", () => {
  let code: string;
  let ids: DemoIds;

  it("makes the visitor's affiliate a referral whose revenue is the invoice", async () => {
    code = (await createAffiliate(t, { commissionType: "PERCENT", commissionValue: 20 })).code;
    const visit = await t.http.post("/visits").set("content-type", "text/plain").send(JSON.stringify({ affiliate: code, visitorId: "visitor_checkout_1" }));
    expect(visit.body).toMatchObject({ recorded: true });

    const checkout = await t.http.get("/demo/checkout?plan=growth&client_reference_id=adv_visitor_checkout_1").set("accept", "application/json");
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(200);
    ids = checkout.body.ids;

    const { affiliate } = await admin(`query($c: String!) { affiliate(code: $c) { stats { referredCustomers revenueCents } } }`, { c: code });
    expect(affiliate.stats).toEqual({ referredCustomers: 1, revenueCents: 19_900 });
  });

  it("earns the plan's share of it once the first commission period has closed, PENDING during the hold", async () => {
    expect(await entriesOf(code)).toEqual([]);
    clock.advanceMs(PERIOD_MS + 60_000);
    await admin(`mutation { runCommissionLedger { accrued } }`);
    expect(await entriesOf(code)).toEqual([{ kind: "ACCRUAL", status: "PENDING", revenueCents: 19_900, amountCents: 3_980, voidReason: null }]);
  });

  it("is voided by Stripe's charge.refunded of the whole invoice, as soon as it arrives", async () => {
    const at = Math.floor(clock.now().getTime() / 1000);
    const refund = JSON.stringify(demoRefundEvent(ids, 19_900, 19_900, "usd", at));
    const res = await t.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(refund, SECRET, at)).send(refund);
    expect(res.body).toMatchObject({ outcome: "applied" });
    // At once, in the refund's transaction, not at the next ledger run.
    expect(await entriesOf(code)).toEqual([{ kind: "ACCRUAL", status: "VOIDED", revenueCents: 19_900, amountCents: 3_980, voidReason: expect.stringMatching(/^refund/) }]);
    const { affiliate } = await admin(`query($c: String!) { affiliate(code: $c) { stats { revenueCents } } }`, { c: code });
    expect(affiliate.stats.revenueCents).toBe(0);
  });
});
