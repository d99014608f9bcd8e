import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createCustomer, DAY_MS } from "../../helpers/factories.js";

// Customer.activity(days): product activity per event name over the last N UTC days and the N
// days before, read from the rollups that counted action events fill.

const SECRET = "customer-activity-secret";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET] } });
});
afterAll(async () => {
  await t?.close();
});

const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const noon = (days: number) => new Date(today - days * DAY_MS + 12 * 3_600_000).toISOString();

describe("Customer.activity(days)", () => {
  it("per event name: events, users, events per user, active days and change against the days before, busiest first", async () => {
    const c = await createCustomer(t, { signedUpAt: new Date(today - 100 * DAY_MS).toISOString() });
    const action = (name: string, days: number, count: number, users: number) => ({ id: unique("a"), type: "action", customerExternalId: c.externalId, at: noon(days), name, count, users });
    const events = [action("report_created", 1, 30, 3), action("report_created", 3, 10, 5), action("report_created", 9, 20, 2), action("invited_teammate", 2, 4, 1), action("exported_csv", 10, 7, 1)];
    const body = JSON.stringify({ events });
    const res = await t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
    expect(res.body.accepted).toBe(events.length);
    const read = await t.admin(`query($id: ID!) { customer(id: $id) { activity(days: 7) { name events users eventsPerUser activeDays previousEvents change } } }`, { id: c.id });
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer.activity).toEqual([
      { name: "report_created", events: 40, users: 5, eventsPerUser: 8, activeDays: 2, previousEvents: 20, change: 1 },
      { name: "invited_teammate", events: 4, users: 1, eventsPerUser: 4, activeDays: 1, previousEvents: 0, change: null },
      { name: "exported_csv", events: 0, users: 0, eventsPerUser: null, activeDays: 0, previousEvents: 7, change: -1 },
    ]);
    const bad = await t.admin(`query($id: ID!) { customer(id: $id) { activity(days: 0) { name } } }`, { id: c.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "days" });
  });
});
