import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer } from "../../helpers/factories.js";
import { DAY, ledger, lifetimeValue, paymentEvent, paymentsOf, referredCustomer, runLedger, send, startPaymentsApp, type PaymentsApp } from "./helpers.js";

// Every amount keeps its currency; the program reports in PROGRAM_CURRENCY (USD here). A payment
// in another currency is converted at the rate an admin records (setExchangeRate); until then
// its commission waits, and says why.

let app: PaymentsApp;
beforeAll(async () => {
  app = await startPaymentsApp();
});
afterAll(async () => {
  await app?.t.close();
});

const setRate = (currency: string, rate: number, effectiveFrom?: string) =>
  app.t.admin(`mutation($c: String!, $r: Float!, $f: DateTime) { setExchangeRate(currency: $c, rate: $r, effectiveFrom: $f) { currency quoteCurrency rate effectiveFrom } }`, {
    c: currency,
    r: rate,
    f: effectiveFrom,
  });
const rates = async (currency?: string) =>
  (await app.t.admin(`query($c: String) { exchangeRates(currency: $c) { currency quoteCurrency rate effectiveFrom } }`, { c: currency })).data!.exchangeRates as Record<string, unknown>[];
const waiting = async (code: string) =>
  (await app.t.admin(`query($c: String!) { affiliate(code: $c) { commissionsWaiting { customerLabel period amountCents currency reason } } }`, { c: code })).data!.affiliate
    .commissionsWaiting as Record<string, any>[];

describe("a payment in another currency", () => {
  it("waits, visibly, for an exchange rate, then converts and accrues at the next ledger run", async () => {
    const { affiliate, customer, referredAt } = await referredCustomer(app, 40);
    await send(app, paymentEvent(customer.externalId, { amountCents: 4_900, currency: "eur", paidAt: referredAt + DAY, periodStart: referredAt }));

    expect(await runLedger(app)).toMatchObject({ accrued: 0 });
    expect((await ledger(app, affiliate.code)).commissions).toEqual([]);
    const [wait] = await waiting(affiliate.code);
    expect(wait).toMatchObject({ period: 0, amountCents: 4_900, currency: "EUR" });
    expect(wait!.reason).toMatch(/^waiting for an EUR→USD exchange rate/);
    expect(await paymentsOf(app, customer.id)).toEqual([
      expect.objectContaining({ amountCents: 4_900, currency: "EUR", programNetCents: null, programCurrency: "USD", waitingReason: expect.stringMatching(/EUR→USD/) }),
    ]);
    expect(await lifetimeValue(app, customer.id)).toBe(0);

    // 1.08 USD per EUR, recorded now: the payment, older than the first rate, converts at it.
    const set = await setRate("eur", 1.08);
    expect(set.errors).toBeUndefined();
    expect(set.data!.setExchangeRate).toMatchObject({ currency: "EUR", quoteCurrency: "USD", rate: 1.08 });
    expect(await paymentsOf(app, customer.id)).toEqual([expect.objectContaining({ programNetCents: 5_292, waitingReason: null })]);
    expect(await waiting(affiliate.code)).toEqual([]);
    expect(await lifetimeValue(app, customer.id)).toBe(5_292);
    expect(await runLedger(app)).toMatchObject({ accrued: 1 });
    // 20 % of €49.00 at 1.08 = $52.92 → $10.58 (rounded down).
    expect((await ledger(app, affiliate.code)).commissions).toEqual([expect.objectContaining({ revenueCents: 5_292, amountCents: 1_058, status: "PENDING" })]);
  });

  it("converts at the rate in force when it was paid, and between minor units (JPY has none)", async () => {
    const customer = await createCustomer(app.t, { mrrCents: 0, signedUpAt: new Date(Date.now() - 30 * DAY).toISOString() });
    expect((await setRate("JPY", 0.0065, new Date(Date.now() - 20 * DAY).toISOString())).errors).toBeUndefined();
    expect((await setRate("JPY", 0.007, new Date(Date.now() - 5 * DAY).toISOString())).errors).toBeUndefined();
    await send(
      app,
      paymentEvent(customer.externalId, { externalId: "jpy-old-" + customer.id, amountCents: 1_000, currency: "JPY", paidAt: Date.now() - 10 * DAY }),
      paymentEvent(customer.externalId, { externalId: "jpy-new-" + customer.id, amountCents: 1_000, currency: "JPY", paidAt: Date.now() - DAY }),
    );
    // ¥1,000 is 1,000 minor units; × 0.0065 = $6.50 = 650 cents, then × 0.007 = 700 cents.
    const byId = Object.fromEntries((await paymentsOf(app, customer.id)).map((p) => [p.externalId, p.programNetCents]));
    expect(byId).toEqual({ ["jpy-old-" + customer.id]: 650, ["jpy-new-" + customer.id]: 700 });
    expect(await lifetimeValue(app, customer.id)).toBe(1_350);
    const history = await rates("jpy");
    expect(history.map((r) => r.rate)).toEqual([0.007, 0.0065]);
  });

  it("refuses a bad rate, an unknown currency and the program currency itself, recording nothing", async () => {
    const before = await rates();
    for (const [currency, rate, field] of [
      ["GBP", 0, "rate"],
      ["GBP", -1.2, "rate"],
      ["XYZ", 1.1, "currency"],
      ["usd", 1, "currency"],
    ] as const) {
      const res = await setRate(currency, rate);
      expect(res.errors?.[0]?.extensions, `${currency} ${rate}`).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    expect(await rates()).toEqual(before);
  });
});
