import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

// GraphQL's DateTime reads RFC 3339 date-times with Z or an offset, as the webhook and the
// import do: nothing is guessed, and anything else is BAD_USER_INPUT, as a variable or a literal.

let t: TestApp;
let customerId: string;
beforeAll(async () => {
  t = await startTestApp();
  const res = await t.admin(`mutation { upsertCustomer(input: {externalId: "${unique("crm")}", name: "Dated", mrrCents: 1, signedUpAt: "2025-01-01T00:00:00Z"}) { id } }`);
  customerId = res.data!.upsertCustomer.id;
});
afterAll(async () => {
  await t?.close();
});

async function expectRefused(query: string, variables: Record<string, unknown>, message: RegExp) {
  const before = await t.database.fingerprint();
  const res = await t.admin(query, variables);
  expect(res.data ?? null, JSON.stringify(res.errors)).toBeNull();
  expect(res.errors, JSON.stringify(res.errors)).toHaveLength(1);
  expect(res.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
  expect(res.errors![0]!.message).toMatch(message);
  expect(await t.database.fingerprint()).toEqual(before);
}

describe("DateTime input", () => {
  const guessed = ["1", "01/02/2026", "2026-02-30T00:00:00Z", "2026-06-01 10:00", "2026-06-01T10:00:00", "2026-06-01"];

  it.each(guessed)("refuses %j as a variable with BAD_USER_INPUT", async (at) => {
    await expectRefused(`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 5, at: $at) { id } }`, { id: customerId, at }, /^Variable "\$at" got invalid value .*RFC 3339 date-time with Z or an offset/);
  });

  it.each(guessed)("refuses %j as a literal with BAD_USER_INPUT", async (at) => {
    await expectRefused(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 5, at: ${JSON.stringify(at)}) { id } }`, { id: customerId }, /^DateTime cannot represent .*RFC 3339 date-time with Z or an offset/);
  });

  it("refuses a number, literal or variable", async () => {
    await expectRefused(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 5, at: 1780000000) { id } }`, { id: customerId }, /DateTime cannot represent 1780000000/);
    await expectRefused(`mutation($id: ID!, $at: DateTime) { recordNpsResponse(customerId: $id, score: 5, at: $at) { id } }`, { id: customerId, at: 1_780_000_000_000 }, /DateTime cannot represent/);
  });

  it("reads an offset, by variable or literal, and answers in UTC, as before", async () => {
    const byVariable = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { signedUpAt } }`, { i: { externalId: unique("crm"), name: "O", mrrCents: 1, signedUpAt: "2025-03-01T12:30:00+02:00" } });
    expect(byVariable.data!.upsertCustomer.signedUpAt).toBe("2025-03-01T10:30:00.000Z");
    const byLiteral = await t.admin(`mutation { upsertCustomer(input: {externalId: "${unique("crm")}", name: "O", mrrCents: 1, signedUpAt: "2025-03-01T12:30:00.250-01:00"}) { signedUpAt } }`);
    expect(byLiteral.data!.upsertCustomer.signedUpAt).toBe("2025-03-01T13:30:00.250Z");
  });
});
