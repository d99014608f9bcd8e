import { describe, expect, it } from "vitest";
import { monthlyAmount, planOf, PER_MONTH } from "../../src/stripe/stripe.prices.js";

describe("a Stripe price's monthly amount", () => {
  const item = { unitAmount: 1_200, quantity: 1, interval: "month", intervalCount: 1, name: null };
  it.each([
    ["month", 1, 1_200],
    ["month", 3, 400],
    ["year", 1, 100],
    ["week", 1, (1_200 * 52) / 12],
    ["week", 2, (1_200 * 52) / 24],
    ["day", 1, (1_200 * 365) / 12],
  ])("per %s × %i", (interval, intervalCount, expected) => {
    expect(monthlyAmount({ ...item, interval, intervalCount })).toBeCloseTo(expected, 9);
  });

  it("multiplies by the quantity; a price without a unit amount (tiered, metered) or an unknown interval adds nothing", () => {
    expect(monthlyAmount({ ...item, quantity: 7 })).toBe(8_400);
    expect(monthlyAmount({ ...item, unitAmount: null })).toBe(0);
    expect(monthlyAmount({ ...item, interval: "fortnight" })).toBe(0);
    expect(Object.keys(PER_MONTH).sort()).toEqual(["day", "month", "week", "year"]);
  });

  it("names the plan by lookup_key, else nickname, else product (expanded: its name)", () => {
    expect(planOf({ lookup_key: "pro-monthly", nickname: "Pro", product: "prod_1" })).toBe("pro-monthly");
    expect(planOf({ lookup_key: null, nickname: "Pro", product: "prod_1" })).toBe("Pro");
    expect(planOf({ lookup_key: null, nickname: null, product: "prod_1" })).toBe("prod_1");
    expect(planOf({ lookup_key: null, nickname: null, product: { id: "prod_2", name: "Pro plan" } })).toBe("Pro plan");
    expect(planOf({})).toBeNull();
  });
});
