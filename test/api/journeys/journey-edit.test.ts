import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { startMailingApp } from "../../helpers/mailing-app.js";
import { createCustomer } from "../../helpers/factories.js";
import { ManualClock, type TestSmtp } from "../../helpers/smtp.js";

// Editing and deleting journeys through the API, with enrollments in flight: emails go to a
// real SMTP server in this process, waits pass on a hand-moved clock.

let t: TestApp;
let smtp: TestSmtp;
const clock = new ManualClock();

beforeAll(async () => {
  ({ t, smtp } = await startMailingApp(clock));
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const ok = async (query: string, variables?: Record<string, unknown>) => {
  const res = await t.admin(query, variables);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data!;
};
const email = (subject: string) => ({ kind: "EMAIL", subject, body: "Hello {{customer.name}}" });
const wait = (hours: number) => ({ kind: "WAIT", waitHours: hours });

async function enrolledCustomer(journeyId: string) {
  const address = `${unique("dana")}@customer.example`;
  const { id } = await createCustomer(t, { name: "Journey Co", signedUpAt: daysAgo(10) });
  await ok(`mutation($id: ID!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: "Dana", email: $e, role: CHAMPION}) { id } }`, { id, e: address });
  await ok(`mutation($j: ID!, $c: ID!) { enrollCustomer(journeyId: $j, customerId: $c) { id } }`, { j: journeyId, c: id });
  return address;
}
const createJourney = async (name: string, steps: object[]) =>
  (await ok(`mutation($i: JourneyInput!) { createJourney(input: $i) { id } }`, { i: { name, trigger: "MANUAL", steps } })).createJourney.id as string;
const update = (id: string, name: string, steps: object[]) =>
  t.admin(`mutation($id: ID!, $i: JourneyInput!) { updateJourney(id: $id, input: $i) { id name trigger steps { index kind subject } } }`, { id, i: { name, trigger: "MANUAL", steps } });

describe("updateJourney", () => {
  it("replaces the steps; an enrollment in flight goes on from its step number in the new steps, and no email is sent twice", async () => {
    const id = await createJourney(unique("Edited journey"), [email("First"), wait(24), email("Old second")]);
    const address = await enrolledCustomer(id);
    await t.app.jobs.drain();
    expect(smtp.to(address).map((m) => m.subject)).toEqual(["First"]);

    const name = unique("Edited journey, v2");
    const edited = await update(id, name, [email("First"), wait(24), email("New second"), email("New third")]);
    expect(edited.errors).toBeUndefined();
    expect(edited.data!.updateJourney.steps.map((s: { subject: string | null }) => s.subject)).toEqual(["First", null, "New second", "New third"]);
    clock.advanceHours(25);
    await t.app.jobs.drain();
    expect(smtp.to(address).map((m) => m.subject)).toEqual(["First", "New second", "New third"]);
    const journey = await ok(`query($id: ID!) { journey(id: $id) { name counts { completed emailsSent } } }`, { id });
    expect(journey.journey).toEqual({ name, counts: { completed: 1, emailsSent: 3 } });
  });

  it("completes an enrollment whose step is past the new last step", async () => {
    const id = await createJourney(unique("Shortened"), [email("One"), wait(1), email("Two")]);
    const address = await enrolledCustomer(id);
    await t.app.jobs.drain();
    expect((await update(id, unique("Shortened"), [email("One")])).errors).toBeUndefined();
    clock.advanceHours(2);
    await t.app.jobs.drain();
    expect(smtp.to(address).map((m) => m.subject)).toEqual(["One"]);
    expect((await ok(`query($id: ID!) { journey(id: $id) { counts { active completed } } }`, { id })).journey.counts).toEqual({ active: 0, completed: 1 });
  });

  it("checks the input as createJourney does: a taken name, an unknown template variable, an unknown id", async () => {
    const taken = unique("Taken name");
    await createJourney(taken, [email("Hi")]);
    const id = await createJourney(unique("Renamed"), [email("Hi")]);
    expect((await update(id, taken, [email("Hi")])).errors?.[0]).toMatchObject({ message: expect.stringMatching(/already exists/), extensions: { code: "BAD_USER_INPUT" } });
    expect((await update(id, unique("x"), [{ kind: "EMAIL", subject: "{{nope}}", body: "b" }])).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await update("00000000-0000-4000-8000-000000000000", unique("y"), [email("Hi")])).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // Refused edits changed nothing.
    expect((await ok(`query($id: ID!) { journey(id: $id) { steps { subject } } }`, { id })).journey.steps).toEqual([{ subject: "Hi" }]);
  });
});

describe("deleteJourney", () => {
  it("deletes the journey with its enrollments; their queued steps never run", async () => {
    const id = await createJourney(unique("Deleted"), [wait(1), email("Never sent")]);
    const address = await enrolledCustomer(id);
    await t.app.jobs.drain();
    expect(await ok(`mutation($id: ID!) { deleteJourney(id: $id) }`, { id })).toEqual({ deleteJourney: id });
    expect((await ok(`query($id: ID!) { journey(id: $id) { id } }`, { id })).journey).toBeNull();
    clock.advanceHours(2);
    await t.app.jobs.drain();
    expect(smtp.to(address)).toEqual([]);
    expect((await t.admin(`mutation($id: ID!) { deleteJourney(id: $id) }`, { id })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses while one of its emails is being handed to SMTP, and deletes once it is sent", async () => {
    const id = await createJourney(unique("In flight"), [email("In flight")]);
    const held = smtp.holdNext();
    const address = await enrolledCustomer(id);
    const draining = t.app.jobs.drain();
    await held.arrived;
    const refused = await t.admin(`mutation($id: ID!) { deleteJourney(id: $id) }`, { id });
    expect(refused.errors?.[0]).toMatchObject({ message: expect.stringMatching(/being sent/), extensions: { code: "BAD_USER_INPUT" } });
    held.release("accept");
    await draining;
    expect(smtp.to(address).map((m) => m.subject)).toEqual(["In flight"]);
    expect((await t.admin(`mutation($id: ID!) { deleteJourney(id: $id) }`, { id })).errors).toBeUndefined();
  });
});
