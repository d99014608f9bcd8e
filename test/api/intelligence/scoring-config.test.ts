import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daysAgo, startTestApp, unique, type TestApp } from "../../helpers/app.js";

// The scoring settings are configuration each app is given (HEALTH_BANDS and the rest in
// production), not a process-wide global: two apps in one process score by their own.

let strict: TestApp;
let lenient: TestApp;
beforeAll(async () => {
  strict = await startTestApp({ scoring: { bands: { yellow: 99, green: 100 } } });
  lenient = await startTestApp({ scoring: { bands: { yellow: 0, green: 1 } } });
});
afterAll(async () => {
  await strict?.close();
  await lenient?.close();
});

async function bandOfNewCustomer(t: TestApp): Promise<string> {
  const input = { externalId: unique("crm"), name: "Banded", mrrCents: 20_000, signedUpAt: daysAgo(400) };
  const res = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { healthScore healthBand } }`, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.upsertCustomer.healthBand;
}

describe("scoring configuration per app", () => {
  it("bands the same customer by each app's own thresholds", async () => {
    expect(await bandOfNewCustomer(strict)).toBe("RED");
    expect(await bandOfNewCustomer(lenient)).toBe("GREEN");
    // And again in the other order: neither app's settings leak into the other's.
    expect(await bandOfNewCustomer(strict)).toBe("RED");
  });
});
