import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChangeChannel, type Change } from "../../../src/common/changes.js";
import type { ServiceContext } from "../../../src/common/service-context.js";
import { linkProviderPayments, recordPayment, recordRefund, type PaymentInput } from "../../../src/payments/payment.service.js";
import { startTestApp, testConfig, unique, type TestApp } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";

// The payment service the webhooks call (Stripe's invoice.paid / charge.refunded, the generic
// payment / refund events): idempotent by key, refunds before their payment kept and linked,
// unknown payers kept unlinked and linked later, bad input refused with nothing written.

let t: TestApp;
let ctx: ServiceContext;
const published: Change[] = [];
beforeAll(async () => {
  t = await startTestApp();
  const changes = new ChangeChannel();
  changes.subscribe("jobs", (c) => void published.push(c));
  ctx = { db: t.database.db, changes, scoring: testConfig().scoring, programCurrency: "USD" };
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const payment = (overrides: Partial<PaymentInput> = {}): PaymentInput => ({
  source: "STRIPE",
  externalId: unique("in"),
  customerId: null,
  providerCustomerId: null,
  amountCents: 4_900,
  currency: "usd",
  periodStart: new Date(Date.now() - 10 * DAY),
  periodEnd: new Date(Date.now() + 20 * DAY),
  paidAt: new Date(Date.now() - 10 * DAY),
  ...overrides,
});
const payments = async (customerId: string) =>
  (await t.admin(`query($id: ID!) { customer(id: $id) { payments { externalId amountCents refundedCents currency linked } } }`, { id: customerId })).data?.customer
    ?.payments;

describe("recordPayment", () => {
  it("records once per invoice: a replay is a DUPLICATE, other facts UPDATE it", async () => {
    const customer = await createCustomer(t);
    const input = payment({ customerId: customer.id });
    const first = await recordPayment(ctx, input);
    expect(first).toMatchObject({ status: "RECORDED", linked: true });
    expect(published.length).toBeGreaterThan(0);
    expect(await recordPayment(ctx, input)).toEqual({ ...first, status: "DUPLICATE" });
    expect(await recordPayment(ctx, { ...input, amountCents: 5_900 })).toEqual({ ...first, status: "UPDATED" });
    expect(await payments(customer.id)).toEqual([{ externalId: input.externalId, amountCents: 5_900, refundedCents: 0, currency: "USD", linked: true }]);
  });

  it("keeps a payment of an unknown payer unlinked, and links it with its provider customer", async () => {
    const provider = unique("cus");
    const input = payment({ providerCustomerId: provider });
    expect(await recordPayment(ctx, input)).toMatchObject({ status: "RECORDED", linked: false });
    const unlinked = async () =>
      ((await t.admin(`{ unlinkedPayments(first: 500) { externalId providerCustomerId linked amountCents currency } }`)).data!.unlinkedPayments as { externalId: string }[]).filter(
        (p) => p.externalId === input.externalId,
      );
    expect(await unlinked()).toEqual([{ externalId: input.externalId, providerCustomerId: provider, linked: false, amountCents: 4_900, currency: "USD" }]);
    const customer = await createCustomer(t);
    expect(await linkProviderPayments(ctx, provider, customer.id)).toBe(1);
    expect(await linkProviderPayments(ctx, provider, customer.id)).toBe(0);
    expect(await unlinked()).toEqual([]);
    expect(await payments(customer.id)).toEqual([expect.objectContaining({ externalId: input.externalId, linked: true })]);
  });

  it("refuses bad input, writing nothing", async () => {
    const customer = await createCustomer(t);
    for (const [bad, field] of [
      [{ amountCents: -1 }, "amountCents"],
      [{ amountCents: 10.5 }, "amountCents"],
      [{ currency: "XYZ" }, "currency"],
      [{ periodEnd: new Date(Date.now() - 20 * DAY) }, "periodEnd"],
    ] as const) {
      await expect(recordPayment(ctx, payment({ customerId: customer.id, ...bad }))).rejects.toMatchObject({ field });
    }
    expect(await payments(customer.id)).toEqual([]);
  });
});

describe("recordRefund", () => {
  it("converges on the largest cumulative amount, whatever the order, and links a refund that came first", async () => {
    const customer = await createCustomer(t);
    const input = payment({ customerId: customer.id, paymentIntentId: unique("pi"), chargeId: unique("ch") });
    const chargeId = input.chargeId!;
    const refund = { source: "STRIPE" as const, chargeId, paymentIntentId: input.paymentIntentId, currency: "USD", refundedAt: new Date() };
    expect(await recordRefund(ctx, { ...refund, amountRefundedCents: 3_000 })).toEqual({ status: "RECORDED", linked: false, customerId: null });
    expect(await recordRefund(ctx, { ...refund, amountRefundedCents: 1_000 })).toEqual({ status: "DUPLICATE", linked: false, customerId: null });
    await recordPayment(ctx, input);
    expect(await payments(customer.id)).toEqual([expect.objectContaining({ amountCents: 4_900, refundedCents: 3_000 })]);
    expect(await recordRefund(ctx, { ...refund, amountRefundedCents: 3_000 })).toEqual({ status: "DUPLICATE", linked: true, customerId: null });
    expect(await recordRefund(ctx, { ...refund, amountRefundedCents: 4_900 })).toEqual({ status: "UPDATED", linked: true, customerId: customer.id });
    expect(await payments(customer.id)).toEqual([expect.objectContaining({ refundedCents: 4_900 })]);
  });

  it("refuses a refund in another currency than its payment", async () => {
    const customer = await createCustomer(t);
    const input = payment({ customerId: customer.id, chargeId: unique("ch") });
    await recordPayment(ctx, input);
    await expect(
      recordRefund(ctx, { source: "STRIPE", chargeId: input.chargeId!, amountRefundedCents: 100, currency: "EUR", refundedAt: new Date() }),
    ).rejects.toMatchObject({ field: "currency" });
    expect(await payments(customer.id)).toEqual([expect.objectContaining({ refundedCents: 0 })]);
  });
});
