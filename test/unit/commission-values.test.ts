import { describe, expect, it } from "vitest";
import { entryAmountCents, validateCommissionValue } from "../../src/commissions/commission.plan.js";
import { AppError } from "../../src/common/errors.js";

// Every PERCENT value a person can type with two decimals, 0.01 to 100.00, is a valid plan value:
// 0.29 * 100 is 28.999999999999996 in binary, which a float comparison took for a third decimal.

/** "n / 100" as a client sends it: the decimal text, parsed as JSON would parse it. */
const typed = (hundredths: number) => Number(`${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`);

describe("PERCENT commission values", () => {
  it("accepts all 10,000 two-decimal values from 0.01 to 100.00, unchanged, and pays them exactly", () => {
    const refused: number[] = [];
    for (let n = 1; n <= 10_000; n++) {
      const value = typed(n);
      try {
        expect(validateCommissionValue("PERCENT", value)).toBe(value);
      } catch {
        refused.push(value);
      }
      // n hundredths of a percent of 1,000,000 cents is n × 100 cents, to the cent.
      expect(entryAmountCents("PERCENT", value, 1_000_000)).toBe(n * 100);
    }
    expect(refused).toEqual([]);
  });

  it.each([0.001, 0.295, 12.345, 99.999, 0.29 + 1e-12, 0, -0.01, 100.01])("refuses %s with the field named", (value) => {
    let error: unknown;
    try {
      validateCommissionValue("PERCENT", value, "commissionTiers[0].value");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).field).toBe("commissionTiers[0].value");
  });
});
