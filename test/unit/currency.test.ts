import { describe, expect, it } from "vitest";
import { currency, isoCurrency, minorDigits } from "../../src/common/currency.js";
import { loadConfig } from "../../src/config/env.js";

describe("ISO 4217 currencies", () => {
  it("takes codes in any case and refuses what is not one", () => {
    expect(isoCurrency("eur")).toBe("EUR");
    expect(isoCurrency(" Usd ")).toBe("USD");
    for (const bad of ["XYZ", "US", "EURO", "", "€"]) expect(isoCurrency(bad), bad).toBeNull();
    expect(() => currency("currency", "XYZ")).toThrow(/currency: "XYZ" is not an ISO 4217 currency code/);
  });

  it("knows Stripe's minor units where they differ from CLDR's", () => {
    const cases: [string, number][] = [
      ["USD", 2], ["EUR", 2], ["JPY", 0], ["KRW", 0], ["VND", 0], ["CLP", 0], ["UGX", 0],
      ["BHD", 3], ["JOD", 3], ["KWD", 3], ["OMR", 3], ["TND", 3],
      // CLDR says 0; Stripe's API amounts are two-decimal.
      ["ISK", 2],
    ];
    for (const [code, digits] of cases) expect(minorDigits(code), code).toBe(digits);
  });

  it("reads PROGRAM_CURRENCY, default USD, refusing a code that is not ISO 4217", () => {
    expect(loadConfig({}).program.currency).toBe("USD");
    expect(loadConfig({ PROGRAM_CURRENCY: "eur" }).program.currency).toBe("EUR");
    expect(() => loadConfig({ PROGRAM_CURRENCY: "EURO" })).toThrow(/PROGRAM_CURRENCY must be an ISO 4217 currency code/);
  });
});
