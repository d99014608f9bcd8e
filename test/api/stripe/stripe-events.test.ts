import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createCustomer, daysAgo } from "../../helpers/factories.js";
import {
  checkoutSessionObject,
  customerObject,
  stripeEventOf,
  stripeId,
  subscriptionObject,
  invoiceObject,
  chargeObject,
  signatureFor,
  unixNow,
  type ApiVersion,
} from "../../helpers/stripe-fixtures.js";

// What each Stripe event does to Advocate's customers and referrals, seen through GraphQL, for
// payloads of API versions before and after basil; and events out of order converging.

const SECRET = "whsec_test_events";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ stripe: { webhookSecrets: [SECRET] } });
});
afterAll(async () => {
  await t?.close();
});

async function deliver(event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  const res = await t.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(body, SECRET)).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { received: boolean; outcome: string; detail?: string };
}

const CUSTOMER_FIELDS = "id externalId name plan mrrCents status billingStatus trialEndsAt churnedAt churnReason";
async function customerByExternalId(externalId: string) {
  const res = await t.admin(`{ customers(first: 100) { edges { node { ${CUSTOMER_FIELDS} } } } }`);
  return (res.data!.customers.edges as { node: Record<string, any> }[]).map((e) => e.node).find((c) => c.externalId === externalId);
}
const referralOf = async (affiliateCode: string) =>
  (await t.admin(`query($c: String!) { affiliate(code: $c) { referrals { edges { node { visitorId customer { externalId } } } } } }`, { c: affiliateCode })).data!.affiliate.referrals.edges.map(
    (e: { node: unknown }) => e.node,
  );

const HOUR = 3600;

/** An invoice_payment object (basil), from the fixture's shape as invoiceObject builds it. */
function fixtureInvoicePayment(invoiceId: string, paymentIntent: string) {
  const withPayments = invoiceObject("basil", { id: invoiceId, customer: "cus_x", subscription: "sub_x", amount: 4_900, periodStart: 0, periodEnd: 1, paymentIntent });
  return withPayments.payments.data[0] as Record<string, unknown>;
}

describe("API basil without invoice.payments in the payload", () => {
  it("ties a charge's PaymentIntent to its invoice through invoice_payment.paid", async () => {
    const customer = customerObject("basil", { name: unique("Basil payer") });
    await deliver(stripeEventOf("basil", "customer.created", customer));
    const paymentIntent = stripeId("pi");
    const periodStart = unixNow() - HOUR;
    const invoice = invoiceObject("basil", { customer: customer.id, subscription: stripeId("sub"), amount: 4_900, periodStart, periodEnd: periodStart + 30 * 86_400 });
    delete invoice.payments; // includable: not in a payload unless expanded
    await deliver(stripeEventOf("basil", "invoice.paid", invoice));
    const invoicePayment = fixtureInvoicePayment(invoice.id as string, paymentIntent);
    expect((await deliver(stripeEventOf("basil", "invoice_payment.paid", invoicePayment))).outcome).toBe("applied");
    const refunded = chargeObject("basil", { id: stripeId("ch"), customer: customer.id, amount: 4_900, amountRefunded: 4_900, paymentIntent });
    expect((await deliver(stripeEventOf("basil", "charge.refunded", refunded))).detail).toBeUndefined();
    const { id } = (await customerByExternalId(customer.id))!;
    const payments = (await t.admin(`query($id: ID!) { customer(id: $id) { payments { externalId refundedCents } } }`, { id })).data!.customer.payments;
    expect(payments).toEqual([{ externalId: invoice.id, refundedCents: 4_900 }]);
  });
});

for (const version of ["acacia", "basil"] as ApiVersion[]) {
  describe(`API ${version}`, () => {
    it("customer.created makes the Advocate customer (name, else email), keyed by metadata.advocate_external_id, else the Stripe id; customer.updated renames it", async () => {
      const created = unixNow() - 2 * HOUR;
      const plain = customerObject(version, { name: null, email: "billing@acme.example", created });
      expect((await deliver(stripeEventOf(version, "customer.created", plain, { created }))).outcome).toBe("applied");
      expect(await customerByExternalId(plain.id)).toMatchObject({ name: "billing@acme.example", status: "TRIAL", mrrCents: 0 });
      const { id } = (await customerByExternalId(plain.id))!;
      const linkedStripe = await t.admin(`query($id: ID!) { customer(id: $id) { stripeCustomers { id email name livemode } } }`, { id });
      expect(linkedStripe.data!.customer.stripeCustomers).toEqual([{ id: plain.id, email: "billing@acme.example", name: "billing@acme.example", livemode: false }]);

      const crm = await createCustomer(t, { name: "Old name", signedUpAt: daysAgo(100) });
      const linked = customerObject(version, { name: "Acme Inc.", metadata: { advocate_external_id: crm.externalId }, created });
      await deliver(stripeEventOf(version, "customer.created", linked, { created }));
      expect(await customerByExternalId(crm.externalId)).toMatchObject({ id: crm.id, name: "Acme Inc.", status: "ACTIVE", mrrCents: 10_000 });
      expect(await customerByExternalId(linked.id)).toBeUndefined();

      await deliver(stripeEventOf(version, "customer.updated", { ...linked, name: "Acme Corporation" }, { created: created + 60 }));
      // An update older than the one applied (delivered late) changes nothing.
      const late = await deliver(stripeEventOf(version, "customer.updated", { ...linked, name: "Acme (stale)" }, { created: created + 30 }));
      expect(late.outcome).toBe("stale");
      expect((await customerByExternalId(crm.externalId))!.name).toBe("Acme Corporation");
    });

    it("customer.subscription.created: plan from the price's lookup_key, else nickname, else product; MRR from every item normalized to a month", async () => {
      const customer = customerObject(version, { name: unique("Subscriber") });
      await deliver(stripeEventOf(version, "customer.created", customer));
      const subscription = subscriptionObject(version, {
        customer: customer.id,
        items: [
          { lookupKey: null, nickname: "Seats", unitAmount: 1_500, quantity: 4 }, // 6,000 a month
          { lookupKey: "analytics-yearly", unitAmount: 120_000, interval: "year" }, // 10,000 a month
          { product: "prod_addon", unitAmount: 700, interval: "week", intervalCount: 2 }, // 700 × 52/12 / 2 = 1,516.67
        ],
      });
      const res = await deliver(stripeEventOf(version, "customer.subscription.created", subscription));
      expect(res).toMatchObject({ outcome: "applied", detail: "plan changed" });
      expect(await customerByExternalId(customer.id)).toMatchObject({ plan: "analytics-yearly", mrrCents: 17_517, status: "ACTIVE", billingStatus: "active", trialEndsAt: null });
    });

    it("a subscription in another currency than the program's names the plan and leaves MRR to its payments", async () => {
      const customer = customerObject(version, { name: unique("Euro") });
      await deliver(stripeEventOf(version, "customer.created", customer));
      const subscription = subscriptionObject(version, { customer: customer.id, currency: "eur", items: [{ lookupKey: "growth-eur", unitAmount: 18_900 }] });
      const res = await deliver(stripeEventOf(version, "customer.subscription.created", subscription));
      expect(res.detail).toBe("plan changed (MRR of subscriptions not in USD left to their payments)");
      expect(await customerByExternalId(customer.id)).toMatchObject({ plan: "growth-eur", mrrCents: 0, status: "ACTIVE", billingStatus: "active" });
    });

    it("a trial shows as TRIAL with its end and pays nothing; its conversion (a newer update) records the plan; an older update delivered late is ignored", async () => {
      const customer = customerObject(version, { name: unique("Trialist") });
      await deliver(stripeEventOf(version, "customer.created", customer));
      const start = unixNow() - 3 * HOUR;
      const trialEnd = start + 14 * 86_400;
      const trial = subscriptionObject(version, { customer: customer.id, status: "trialing", trialEnd, created: start, items: [{ lookupKey: "growth", unitAmount: 19_900 }] });
      await deliver(stripeEventOf(version, "customer.subscription.created", trial, { created: start }));
      expect(await customerByExternalId(customer.id)).toMatchObject({ status: "TRIAL", plan: "growth", mrrCents: 0, billingStatus: "trialing", trialEndsAt: new Date(trialEnd * 1000).toISOString() });

      // The conversion (at start + 2 h) arrives before an earlier upgrade of the trial (start + 1 h).
      const converted = { ...trial, status: "active", trial_end: start + 2 * HOUR };
      await deliver(stripeEventOf(version, "customer.subscription.updated", converted, { created: start + 2 * HOUR }));
      const older = subscriptionObject(version, { id: trial.id, customer: customer.id, status: "trialing", trialEnd, created: start, items: [{ lookupKey: "starter", unitAmount: 4_900 }] });
      const late = await deliver(stripeEventOf(version, "customer.subscription.updated", older, { created: start + HOUR }));
      expect(late.outcome).toBe("stale");
      expect(await customerByExternalId(customer.id)).toMatchObject({ status: "ACTIVE", plan: "growth", mrrCents: 19_900, billingStatus: "active", trialEndsAt: null });
    });

    it("a subscription delivered before its customer is kept and applied when customer.created arrives", async () => {
      const customer = customerObject(version, { name: unique("Late customer") });
      const subscription = subscriptionObject(version, { customer: customer.id, items: [{ lookupKey: "starter", unitAmount: 4_900 }] });
      const early = await deliver(stripeEventOf(version, "customer.subscription.created", subscription));
      expect(early.detail).toMatch(/not known yet/);
      expect(await customerByExternalId(customer.id)).toBeUndefined();
      await deliver(stripeEventOf(version, "customer.created", customer));
      expect(await customerByExternalId(customer.id)).toMatchObject({ plan: "starter", mrrCents: 4_900, status: "ACTIVE" });
    });

    it("customer.subscription.deleted churns the customer at ended_at, unless another subscription is still active", async () => {
      const customer = customerObject(version, { name: unique("Leaver"), created: unixNow() - 5 * HOUR });
      await deliver(stripeEventOf(version, "customer.created", customer, { created: customer.created }));
      const created = unixNow() - 4 * HOUR;
      const main = subscriptionObject(version, { customer: customer.id, created, items: [{ lookupKey: "growth", unitAmount: 19_900 }] });
      const addon = subscriptionObject(version, { customer: customer.id, created, items: [{ lookupKey: "addon", unitAmount: 1_000 }] });
      await deliver(stripeEventOf(version, "customer.subscription.created", main, { created }));
      await deliver(stripeEventOf(version, "customer.subscription.created", addon, { created }));
      expect((await customerByExternalId(customer.id))!.mrrCents).toBe(20_900);

      const endedAt = unixNow() - 2 * HOUR;
      await deliver(stripeEventOf(version, "customer.subscription.deleted", { ...addon, status: "canceled", ended_at: endedAt, canceled_at: endedAt }, { created: endedAt }));
      expect(await customerByExternalId(customer.id)).toMatchObject({ status: "ACTIVE", plan: "growth", mrrCents: 19_900, churnedAt: null });

      const res = await deliver(stripeEventOf(version, "customer.subscription.deleted", { ...main, status: "canceled", ended_at: endedAt, canceled_at: endedAt - 60 }, { created: endedAt + 5 }));
      expect(res.detail).toBe("churned");
      expect(await customerByExternalId(customer.id)).toMatchObject({ status: "CHURNED", churnedAt: new Date(endedAt * 1000).toISOString(), billingStatus: "canceled" });
      // A subscription.updated older than the deletion, delivered after it, does not revive it.
      expect((await deliver(stripeEventOf(version, "customer.subscription.updated", main, { created: endedAt - 60 }))).outcome).toBe("stale");
      expect((await customerByExternalId(customer.id))!.status).toBe("CHURNED");
    });

    it("checkout.session.completed attributes the customer to metadata.advocate_affiliate, or to the affiliate its adv_ visitor visited; it links a customer the customer events have not created yet", async () => {
      const direct = await createAffiliate(t);
      const session = checkoutSessionObject(version, { customer: stripeId("cus"), metadata: { advocate_affiliate: direct.code }, name: "Direct Co", email: "direct@example.com" });
      const res = await deliver(stripeEventOf(version, "checkout.session.completed", session));
      expect(res.detail).toBe(`attributed to ${direct.code}`);
      expect(await referralOf(direct.code)).toEqual([{ visitorId: null, customer: { externalId: session.customer } }]);
      expect(await customerByExternalId(session.customer)).toMatchObject({ name: "Direct Co" });

      const visited = await createAffiliate(t);
      const visitorId = unique("visitor");
      const visit = await t.gql(`mutation($c: String!, $v: String!) { trackReferralVisit(affiliateCode: $c, visitorId: $v) }`, { c: visited.code, v: visitorId });
      expect(visit.data!.trackReferralVisit).toBe(true);
      const viaVisitor = checkoutSessionObject(version, { customer: stripeId("cus"), clientReferenceId: `adv_${visitorId}`, email: "visitor@example.com" });
      expect((await deliver(stripeEventOf(version, "checkout.session.completed", viaVisitor))).detail).toBe(`attributed to ${visited.code}`);
      expect(await referralOf(visited.code)).toEqual([{ visitorId, customer: { externalId: viaVisitor.customer } }]);
      // customer.created coming after the checkout names the customer it linked, creating no other.
      await deliver(stripeEventOf(version, "customer.created", customerObject(version, { id: viaVisitor.customer, name: "Visitor Ltd" })));
      expect(await customerByExternalId(viaVisitor.customer)).toMatchObject({ name: "Visitor Ltd" });

      const unknownVisitor = checkoutSessionObject(version, { customer: stripeId("cus"), clientReferenceId: `adv_${unique("nobody")}` });
      const none = await deliver(stripeEventOf(version, "checkout.session.completed", unknownVisitor));
      expect(none).toMatchObject({ outcome: "applied", detail: "not attributed: NO_QUALIFYING_VISIT" });
      expect(await customerByExternalId(unknownVisitor.customer)).toBeDefined();
    });

    it("invoice.paid before its customer is kept unlinked (reported and counted), and charge.refunded finds its invoice (charge.invoice, or the PaymentIntent invoice.paid recorded)", async () => {
      const customer = customerObject(version, { name: unique("Invoiced") });
      const subscription = stripeId("sub");
      const paymentIntent = stripeId("pi");
      const charge = stripeId("ch");
      const periodStart = unixNow() - HOUR;
      const invoice = invoiceObject(version, { customer: customer.id, subscription, amount: 4_900, periodStart, periodEnd: periodStart + 30 * 86_400, paymentIntent, charge });
      const early = await deliver(stripeEventOf(version, "invoice.paid", invoice));
      expect(early).toMatchObject({ outcome: "applied", detail: expect.stringMatching(/^unlinked payment/) });
      expect((await t.http.get("/metrics")).text).toMatch(/advocate_stripe_unlinked_payments_total [1-9]/);
      const unlinked = (await t.admin(`{ unlinkedPayments(first: 50) { externalId providerCustomerId amountCents } }`)).data!.unlinkedPayments;
      expect(unlinked).toContainEqual({ externalId: invoice.id, providerCustomerId: customer.id, amountCents: 4_900 });
      // The same invoice in another event (Stripe sends invoice.paid and may resend): one payment.
      await deliver(stripeEventOf(version, "invoice.paid", invoice));
      await deliver(stripeEventOf(version, "customer.created", customer));
      const { id } = (await customerByExternalId(customer.id))!;
      const paymentsOf = async () =>
        (await t.admin(`query($id: ID!) { customer(id: $id) { payments { externalId amountCents currency periodStart periodEnd paymentIntentId chargeId refundedCents netCents linked } } }`, { id })).data!.customer.payments;
      expect(await paymentsOf()).toEqual([
        {
          externalId: invoice.id,
          amountCents: 4_900,
          currency: "USD",
          // The line's service period, not the invoice's own period_start/period_end (the period before).
          periodStart: new Date(periodStart * 1000).toISOString(),
          periodEnd: new Date((periodStart + 30 * 86_400) * 1000).toISOString(),
          paymentIntentId: paymentIntent,
          chargeId: version === "acacia" ? charge : null,
          refundedCents: 0,
          netCents: 4_900,
          linked: true,
        },
      ]);
      expect((await t.admin(`{ unlinkedPayments(first: 50) { externalId } }`)).data!.unlinkedPayments).not.toContainEqual({ externalId: invoice.id });

      const refunded = chargeObject(version, { id: charge, customer: customer.id, amount: 4_900, amountRefunded: 1_000, invoice: invoice.id, paymentIntent });
      const refund = await deliver(stripeEventOf(version, "charge.refunded", refunded));
      expect(refund).toEqual({ received: true, id: expect.any(String), outcome: "applied" });
      // Refunded again: the charge's cumulative amount (not 1,000 + 2,500).
      await deliver(stripeEventOf(version, "charge.refunded", { ...refunded, amount_refunded: 2_500 }));
      expect((await paymentsOf())[0]).toMatchObject({ refundedCents: 2_500, netCents: 2_400 });
      // A charge no invoice.paid told of: its invoice is not known yet (basil names none on the charge).
      const stray = chargeObject(version, { id: stripeId("ch"), customer: customer.id, amount: 500, amountRefunded: 500, paymentIntent: stripeId("pi") });
      expect((await deliver(stripeEventOf(version, "charge.refunded", stray))).detail).toMatch(/invoice is not known yet/);
    });

    it("an invoice with a negative or fractional amount or an unknown currency is recorded as rejected with its reason (200, nothing else written)", async () => {
      const customer = customerObject(version, { name: unique("Payer") });
      await deliver(stripeEventOf(version, "customer.created", customer));
      const base = { customer: customer.id, subscription: stripeId("sub"), periodStart: unixNow() - HOUR, periodEnd: unixNow() - HOUR + 30 * 86_400 };
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ ...invoiceObject(version, { ...base, amount: 4_900 }), total_excluding_tax: -100 }, /total_excluding_tax must not be negative/],
        [{ ...invoiceObject(version, { ...base, amount: 4_900 }), total_excluding_tax: 49.5 }, /whole number of minor units/],
        [invoiceObject(version, { ...base, amount: 4_900, currency: "xyz" }), /not an ISO 4217 currency code/],
      ];
      for (const [invoice, reason] of cases) {
        const res = await deliver(stripeEventOf(version, "invoice.paid", invoice));
        expect(res.outcome).toBe("rejected");
        expect(res.detail).toMatch(reason);
      }
    });
  });
}
