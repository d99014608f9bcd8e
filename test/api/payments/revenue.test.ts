import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";
import { DAY, ledger, lifetimeValue, paymentEvent, paymentsOf, PERIOD, referredCustomer, refundEvent, runLedger, send, startPaymentsApp, type PaymentsApp } from "./helpers.js";

// Revenue from payments (README, "Revenue and currency"): a customer with payments earns its
// payments less refunds, in the commission period of their paid_at, instead of its MRR; lifetime
// value, affiliate stats and the ledger read that one definition.

let app: PaymentsApp;
beforeAll(async () => {
  app = await startPaymentsApp();
});
afterAll(async () => {
  await app?.t.close();
});

const stats = async (code: string) =>
  (await app.t.admin(`query($c: String!) { affiliate(code: $c) { stats { revenueCents commissionsCents months { revenueCents } } } }`, { c: code })).data!.affiliate.stats;

describe("a paying customer's revenue", () => {
  it("is its payments less refunds: lifetime value, affiliate revenue and PENDING commissions agree", async () => {
    const { affiliate, customer, referredAt } = await referredCustomer(app, 50);
    const outcomes = await send(
      app,
      paymentEvent(customer.externalId, { externalId: unique("in"), amountCents: 4_900, paidAt: referredAt + DAY, periodStart: referredAt }),
      paymentEvent(customer.externalId, { externalId: unique("in"), amountCents: 4_900, paidAt: referredAt + PERIOD + DAY, chargeId: "ch-second-" + customer.id }),
      refundEvent(customer.externalId, { chargeId: "ch-second-" + customer.id, amountRefundedCents: 900, at: referredAt + PERIOD + 2 * DAY }),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["accepted", "accepted", "accepted"]);

    // 4,900 + 4,900 − 900, not the 10,000 a month of its MRR (about 16,400 over 50 days).
    expect(await lifetimeValue(app, customer.id)).toBe(8_900);
    const s = await stats(affiliate.code);
    expect(s.revenueCents).toBe(8_900);
    expect(s.months.reduce((sum: number, m: { revenueCents: number }) => sum + m.revenueCents, 0)).toBe(8_900);
    expect(s.commissionsCents).toBe(1_780);

    // Period 0 has closed: 20 % of its invoice, PENDING. Period 1 is still open.
    expect((await runLedger(app)).accrued).toBe(1);
    const l = await ledger(app, affiliate.code);
    expect(l.commissions).toEqual([expect.objectContaining({ period: 0, revenueCents: 4_900, amountCents: 980, kind: "ACCRUAL", status: "PENDING" })]);
    expect(l.commissionBalance.pendingCents).toBe(980);
  });

  it("counts the MRR of the time before its first payment's period, and nothing of it after", async () => {
    const { customer, referredAt } = await referredCustomer(app, 40);
    const firstPeriod = referredAt + 10 * DAY;
    await send(app, paymentEvent(customer.externalId, { amountCents: 2_000, paidAt: firstPeriod + DAY, periodStart: firstPeriod }));
    // 10 days of 10,000 a month (30.4375 days), then the payment.
    expect(await lifetimeValue(app, customer.id)).toBe(Math.floor((10_000 * 10) / 30.4375) + 2_000);
  });

  it("leaves customers without payments on their MRR", async () => {
    const { customer } = await referredCustomer(app, 10);
    expect(await lifetimeValue(app, customer.id)).toBe(Math.floor((10_000 * 10) / 30.4375));
  });
});

describe("refunds and the ledger", () => {
  it("a partial refund of a PENDING period reduces it with an ADJUSTMENT; a full one voids it", async () => {
    const { affiliate, customer, referredAt } = await referredCustomer(app, 40);
    const chargeId = unique("ch");
    await send(app, paymentEvent(customer.externalId, { amountCents: 10_000, paidAt: referredAt + DAY, periodStart: referredAt, chargeId }));
    await runLedger(app);
    expect((await ledger(app, affiliate.code)).commissionBalance.pendingCents).toBe(2_000);

    // Settled as the refund arrives, in its transaction: the next ledger run finds nothing to do.
    await send(app, refundEvent(customer.externalId, { chargeId, amountRefundedCents: 2_500, at: Date.now() - DAY }));
    let l = await ledger(app, affiliate.code);
    expect(l.commissionBalance.pendingCents).toBe(1_500);
    const adjustment = l.commissions.find((e) => e.kind === "ADJUSTMENT")!;
    expect(adjustment).toMatchObject({ revenueCents: -2_500, amountCents: -500, status: "PENDING" });
    expect(adjustment.reason).toMatch(/^refund: a payment of .* was refunded after the period accrued: revenue 10000 -> 7500 cents, commission 2000 -> 1500 cents$/);
    // The accrual itself is never rewritten.
    expect(l.commissions.find((e) => e.kind === "ACCRUAL")).toMatchObject({ revenueCents: 10_000, amountCents: 2_000 });

    expect(await runLedger(app)).toMatchObject({ adjusted: 0, refundVoided: 0 });
    await send(app, refundEvent(customer.externalId, { chargeId, amountRefundedCents: 10_000, at: Date.now() }));
    l = await ledger(app, affiliate.code);
    expect(l.commissionBalance).toMatchObject({ pendingCents: 0, voidedCents: 1_500 });
    expect(l.commissions.map((e) => e.status)).toEqual(["VOIDED", "VOIDED"]);
    expect(l.commissions[0]!.voidReason).toMatch(/^refund: the payments of \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} were refunded in full$/);
    // A second run changes nothing.
    expect(await runLedger(app)).toMatchObject({ accrued: 0, adjusted: 0, voided: 0 });
    expect(await lifetimeValue(app, customer.id)).toBe(0);
  });

  it("a refund before the period accrued only lowers its revenue", async () => {
    const { affiliate, customer, referredAt } = await referredCustomer(app, 40);
    const chargeId = unique("ch");
    await send(
      app,
      paymentEvent(customer.externalId, { amountCents: 10_000, paidAt: referredAt + DAY, periodStart: referredAt, chargeId }),
      refundEvent(customer.externalId, { chargeId, amountRefundedCents: 4_000, at: referredAt + 2 * DAY }),
    );
    await runLedger(app);
    expect((await ledger(app, affiliate.code)).commissions).toEqual([expect.objectContaining({ kind: "ACCRUAL", revenueCents: 6_000, amountCents: 1_200 })]);
  });

  it("a refund after payout is a negative entry netted from the next payout", async () => {
    const { affiliate, customer, referredAt } = await referredCustomer(app, 100);
    const chargeId = unique("ch");
    await send(
      app,
      paymentEvent(customer.externalId, { amountCents: 10_000, paidAt: referredAt + DAY, periodStart: referredAt, chargeId }),
      paymentEvent(customer.externalId, { amountCents: 10_000, paidAt: referredAt + PERIOD + DAY }),
    );
    // Both periods' holds (30 days) have ended: APPROVED.
    expect(await runLedger(app)).toMatchObject({ accrued: 2, approved: 2 });
    const payout = (amountCents: number) =>
      app.t.admin(`mutation($a: ID!, $n: Int!) { recordPayout(affiliateId: $a, amountCents: $n) { amountCents } }`, { a: affiliate.id, n: amountCents });
    expect((await payout(2_000)).errors).toBeUndefined();

    // The paid period's invoice is refunded in half: −1,000 of commission, carried to the next payout.
    await send(app, refundEvent(customer.externalId, { chargeId, amountRefundedCents: 5_000, at: Date.now() }));
    await runLedger(app);
    let l = await ledger(app, affiliate.code);
    expect(l.commissions.find((e) => e.kind === "ADJUSTMENT")).toMatchObject({ period: 0, amountCents: -1_000, status: "APPROVED" });
    expect(l.commissionBalance).toMatchObject({ approvedCents: 1_000, paidCents: 2_000 });
    expect((await payout(1_001)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await payout(1_000)).errors).toBeUndefined();
    l = await ledger(app, affiliate.code);
    // The PAID entries sum to the payouts: 2,000 + 2,000 − 1,000.
    expect(l.commissionBalance).toMatchObject({ approvedCents: 0, carriedCents: 0, paidCents: 3_000 });
    expect(l.commissions.find((e) => e.kind === "ADJUSTMENT")).toMatchObject({ amountCents: -1_000, status: "PAID" });
  });
});

describe("idempotency and order", () => {
  it("stores a replayed or re-sent payment once, and links a refund that arrived before it", async () => {
    const customer = await createCustomer(app.t, { mrrCents: 0, signedUpAt: new Date(Date.now() - 20 * DAY).toISOString() });
    const externalId = unique("in");
    const paymentIntentId = unique("pi");
    const payment = paymentEvent(customer.externalId, { externalId, amountCents: 5_000, paidAt: Date.now() - 5 * DAY, paymentIntentId });
    // Two refund events of one charge, the later (larger) cumulative amount first, both before the payment.
    const chargeId = unique("ch");
    const later = refundEvent(customer.externalId, { chargeId, paymentIntentId, amountRefundedCents: 3_000, at: Date.now() - DAY });
    const earlier = refundEvent(customer.externalId, { chargeId, paymentIntentId, amountRefundedCents: 1_000, at: Date.now() - 2 * DAY });
    expect((await send(app, later)).map((o) => o.status)).toEqual(["accepted"]);
    expect((await send(app, earlier)).map((o) => o.status)).toEqual(["accepted"]);
    expect(await send(app, payment)).toEqual([{ id: payment.id, status: "accepted" }]);
    expect(await send(app, payment)).toEqual([{ id: payment.id, status: "duplicate" }]);
    // Another event reporting the same invoice: still one payment.
    await send(app, { ...payment, id: unique("evt") });
    expect(await paymentsOf(app, customer.id)).toEqual([expect.objectContaining({ externalId, amountCents: 5_000, refundedCents: 3_000, netCents: 2_000, currency: "USD", linked: true })]);
    expect(await lifetimeValue(app, customer.id)).toBe(2_000);
  });
});
