import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate } from "../../helpers/factories.js";
import { signatureFor } from "../../helpers/stripe-fixtures.js";
import { demoRefundEvent } from "../../../src/stripe/demo-events.js";

// GET /demo/checkout plays Stripe Checkout: it signs Stripe-shaped events and POSTs them to this
// server's own /webhooks/stripe over HTTP, as Stripe would; the referral and the customer follow.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ stripe: { webhookSecrets: ["whsec_demo_secret"] } });
});
afterAll(async () => {
  await t?.close();
});

describe("GET /demo/checkout", () => {
  it("delivers customer.created, checkout.session.completed, customer.subscription.created and invoice.paid; the visitor's affiliate gets the referral", async () => {
    const affiliate = await createAffiliate(t);
    const visitorId = unique("v").replace(/[^A-Za-z0-9_-]/g, "");
    await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: affiliate.code, v: visitorId });

    const res = await t.http.get(`/demo/checkout?plan=growth&client_reference_id=adv_${visitorId}`).set("accept", "application/json");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.title).toBe("Thanks, your trial started");
    expect(res.body.events).toEqual([
      { type: "customer.created", status: 200, outcome: "applied" },
      { type: "checkout.session.completed", status: 200, outcome: "applied" },
      { type: "customer.subscription.created", status: 200, outcome: "applied" },
      { type: "invoice.paid", status: 200, outcome: "applied" },
    ]);
    const stripeCustomer = res.body.ids.customer as string;
    const referrals = await t.admin(`query($c: String!) { affiliate(code: $c) { referrals { edges { node { visitorId customer { externalId name plan mrrCents status billingStatus } } } } } }`, {
      c: affiliate.code,
    });
    expect(referrals.data!.affiliate.referrals.edges).toEqual([
      { node: { visitorId, customer: { externalId: stripeCustomer, name: expect.stringMatching(/^Demo customer/), plan: "growth", mrrCents: 19_900, status: "ACTIVE", billingStatus: "active" } } },
    ]);
    const customerId = (await t.admin(`query($c: String!) { affiliate(code: $c) { referrals { edges { node { customer { id } } } } } }`, { c: affiliate.code })).data!.affiliate.referrals.edges[0].node.customer.id;
    const paymentsOf = async () => (await t.admin(`query($id: ID!) { customer(id: $id) { payments { externalId amountCents currency refundedCents } } }`, { id: customerId })).data!.customer.payments;
    expect(await paymentsOf()).toEqual([{ externalId: res.body.ids.invoice, amountCents: 19_900, currency: "USD", refundedCents: 0 }]);

    // The same builders make the refund Stripe would send next (basil: found through the PaymentIntent).
    const refund = JSON.stringify(demoRefundEvent(res.body.ids, 19_900, 19_900, "usd", Math.floor(Date.now() / 1000)));
    const refunded = await t.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(refund, "whsec_demo_secret")).send(refund);
    expect(refunded.body).toMatchObject({ outcome: "applied" });
    expect(await paymentsOf()).toEqual([{ externalId: res.body.ids.invoice, amountCents: 19_900, currency: "USD", refundedCents: 19_900 }]);
  });

  it("answers an HTML thank-you page to a browser, 400 for an unknown plan or a malformed reference, and tells how to enable it without a secret", async () => {
    const page = await t.http.get("/demo/checkout?plan=starter").set("accept", "text/html");
    expect(page.status).toBe(200);
    expect(page.text).toContain("<h1>Thanks, your trial started</h1>");
    expect(page.text).toContain("$49.00");

    const plan = await t.http.get("/demo/checkout?plan=enterprise").set("accept", "application/json");
    expect(plan.status).toBe(400);
    expect(plan.body.error).toMatch(/plan must be one of starter, growth/);
    const reference = await t.http.get("/demo/checkout?plan=starter&client_reference_id=<script>").set("accept", "application/json");
    expect(reference.status).toBe(400);

    const bare = await startTestApp();
    try {
      const res = await bare.http.get("/demo/checkout?plan=starter").set("accept", "text/html");
      expect(res.status).toBe(503);
      expect(res.text).toMatch(/STRIPE_WEBHOOK_SECRET/);
    } finally {
      await bare.close();
    }
  });
});
