import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";
import { DAY, paymentEvent, paymentsOf, refundEvent, send, startPaymentsApp, type PaymentsApp } from "./helpers.js";

// Bad payment and refund events on POST /webhooks/events: each refused with its reason, nothing
// of it written, the rest of the batch stored.

let app: PaymentsApp;
beforeAll(async () => {
  app = await startPaymentsApp();
});
afterAll(async () => {
  await app?.t.close();
});

const customer = () => createCustomer(app.t, { mrrCents: 0, signedUpAt: new Date(Date.now() - 60 * DAY).toISOString() });

describe("payment and refund events", () => {
  it("refuses negative, fractional or missing amounts, unknown currencies and periods ending before they start", async () => {
    const c = await customer();
    const paidAt = Date.now() - 5 * DAY;
    const good = paymentEvent(c.externalId, { amountCents: 1_000, paidAt });
    const outcomes = await send(
      app,
      paymentEvent(c.externalId, { amountCents: -1, paidAt }),
      paymentEvent(c.externalId, { amountCents: 10.5, paidAt }),
      paymentEvent(c.externalId, { amountCents: "1000" as unknown as number, paidAt }),
      paymentEvent(c.externalId, { amountCents: 1_000, currency: "XYZ", paidAt }),
      paymentEvent(c.externalId, { amountCents: 1_000, paidAt, periodEnd: new Date(paidAt - DAY).toISOString() }),
      { ...paymentEvent(c.externalId, { amountCents: 1_000, paidAt }), externalId: undefined },
      refundEvent(c.externalId, { chargeId: unique("ch"), amountRefundedCents: -5, at: paidAt }),
      refundEvent(c.externalId, { chargeId: unique("ch"), amountRefundedCents: 5, currency: "dollars", at: paidAt }),
      good,
    );
    expect(outcomes.map((o) => [o.status, o.reason?.split(":")[0]])).toEqual([
      ["rejected", "amountCents"],
      ["rejected", "amountCents"],
      ["rejected", "amountCents"],
      ["rejected", "currency"],
      ["rejected", "periodEnd"],
      ["rejected", "externalId"],
      ["rejected", "amountRefundedCents"],
      ["rejected", "currency"],
      ["accepted", undefined],
    ]);
    expect(outcomes[0]!.reason).toMatch(/amountCents: must be an integer from 0/);
    expect(outcomes[3]!.reason).toMatch(/ISO 4217/);
    expect(await paymentsOf(app, c.id)).toEqual([expect.objectContaining({ externalId: good.externalId, amountCents: 1_000 })]);
  });

  it("rejects, alone, what only the stored payment refuses (another currency), and takes it once corrected", async () => {
    const c = await customer();
    const chargeId = unique("ch");
    const payment = paymentEvent(c.externalId, { amountCents: 5_000, paidAt: Date.now() - 5 * DAY, chargeId });
    await send(app, payment);
    const wrong = refundEvent(c.externalId, { chargeId, amountRefundedCents: 1_000, currency: "EUR", at: Date.now() - DAY });
    const recurrency = { ...payment, id: unique("evt"), currency: "GBP" };
    const other = paymentEvent(c.externalId, { amountCents: 700, paidAt: Date.now() - 2 * DAY });
    const outcomes = await send(app, wrong, recurrency, other);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "accepted"]);
    expect(outcomes[0]!.reason).toMatch(/^currency: the refunded payment .* is in USD, not EUR$/);
    expect(outcomes[1]!.reason).toMatch(/^currency: the payment .* was recorded in USD: its currency cannot change$/);
    expect((await paymentsOf(app, c.id)).map((p) => [p.amountCents, p.refundedCents, p.currency])).toEqual([
      [700, 0, "USD"],
      [5_000, 0, "USD"],
    ]);
    // Nothing of the rejected event was kept, its id included: sent again, corrected, it is taken.
    expect((await send(app, { ...wrong, currency: "usd" })).map((o) => o.status)).toEqual(["accepted"]);
    expect((await paymentsOf(app, c.id)).find((p) => p.externalId === payment.externalId)).toMatchObject({ refundedCents: 1_000 });
  });

  it("refuses a payment for a customer Advocate does not know (the sender retries once it exists)", async () => {
    const [outcome] = await send(app, paymentEvent("no-such-customer-" + unique("x"), { amountCents: 100, paidAt: Date.now() - DAY }));
    expect(outcome).toMatchObject({ status: "rejected", reason: "customerExternalId: no customer with this external id" });
  });
});
