import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { daysAgo, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";

// Events the database cannot hold, or dates that would be guessed: each is refused on its own,
// with its reason, and the valid events of the same batch are stored.

const SECRET = "bad-events-secret";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET] } });
});
afterAll(async () => {
  await t?.close();
});

const post = (events: unknown[]) => {
  const body = JSON.stringify({ events });
  return t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
};
const customer = () => createCustomer(t, { name: "Bad events", signedUpAt: daysAgo(60) });
const storedIds = async (customerId: string) =>
  (await queryRows<{ id: string }>(t.database.db, sql`select id from ingested_events where customer_id = ${customerId}::uuid`)).map((r) => r.id).sort();
const outcomes = (body: { events: { status: string; reason?: string }[] }) => body.events.map((o) => o.reason ?? o.status);

describe("webhook events that cannot be stored as sent", () => {
  it("refuses the events with a NUL byte or a lone surrogate on their own, and stores the valid ones of the batch", async () => {
    const c = await customer();
    const id = () => unique("ev");
    const good = [
      { id: id(), type: "nps", customerExternalId: c.externalId, at: daysAgo(2), score: 9 },
      { id: id(), type: "plan_change", customerExternalId: c.externalId, at: daysAgo(1), plan: "growth", mrrCents: 20_000 },
    ];
    const events = [
      good[0],
      { id: `${id()}\u0000`, type: "ticket", customerExternalId: c.externalId, at: daysAgo(1) },
      { id: id(), type: "plan_change", customerExternalId: c.externalId, at: daysAgo(1), plan: "pro\u0000", mrrCents: 1 },
      { id: id(), type: "nps", customerExternalId: `${c.externalId}\u0000`, at: daysAgo(1), score: 1 },
      { id: id(), type: "churn", customerExternalId: c.externalId, at: daysAgo(1), reason: "bye\u0000" },
      { id: id(), type: "plan_change", customerExternalId: c.externalId, at: daysAgo(1), plan: "pro\ud800", mrrCents: 1 },
      good[1],
    ];
    const res = await post(events);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, rejected: 5 });
    expect(outcomes(res.body)).toEqual([
      "accepted",
      "id: must not contain NUL characters",
      "plan: must not contain NUL characters",
      "customerExternalId: must not contain NUL characters",
      "reason: must not contain NUL characters",
      "plan: must be well-formed Unicode (no lone surrogates)",
      "accepted",
    ]);
    // The refused event's id is reported as sent, so the sender can tell which one it was.
    expect(res.body.events[1].id).toBe(events[1]!.id);
    expect(await storedIds(c.id)).toEqual(good.map((e) => e.id).sort());
    const view = (await t.admin(`query($id: ID!) { customer(id: $id) { plan mrrCents status } }`, { id: c.id })).data!.customer;
    expect(view).toEqual({ plan: "growth", mrrCents: 20_000, status: "ACTIVE" });
  });

  it("refuses an id with a lone surrogate (not a duplicate), and stores a well-formed id that resembles it", async () => {
    const c = await customer();
    const prefix = unique("sur");
    const first = await post([{ id: `${prefix}-\ud800`, type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 5 }]);
    expect(first.status).toBe(200);
    expect(first.body.events[0]).toMatchObject({ status: "rejected", reason: "id: must be well-formed Unicode (no lone surrogates)" });
    // U+FFFD is what a lone surrogate becomes in UTF-8: it was never stored under that id.
    for (const idOf of [`${prefix}-\ufffd`, `${prefix}-\ud83d\ude00`]) {
      const next = await post([{ id: idOf, type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 6 }]);
      expect(next.body.events[0]).toMatchObject({ id: idOf, status: "accepted" });
    }
    expect(await storedIds(c.id)).toEqual([`${prefix}-\ufffd`, `${prefix}-\ud83d\ude00`].sort());
  });

  it("reads `at` as RFC 3339 with Z or an offset only: nothing is guessed", async () => {
    const c = await customer();
    const at = ["1", "01/02/2026", "2026-02-30T00:00:00Z", "2026-06-01 10:00", "2026-06-01T10:00:00", "2026-06-01", 1_780_000_000_000];
    const offset = daysAgo(3).replace("Z", "+00:00");
    const res = await post([...at.map((value) => ({ id: unique("at"), type: "ticket", customerExternalId: c.externalId, at: value })), { id: unique("at"), type: "ticket", customerExternalId: c.externalId, at: offset }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: at.length });
    for (const outcome of res.body.events.slice(0, at.length)) {
      expect(outcome).toMatchObject({ status: "rejected", reason: "at: must be an ISO-8601 date-time: an RFC 3339 date-time with Z or an offset, such as 2026-01-31T12:00:00Z" });
    }
    const [ticket] = await queryRows<{ opened_at: string | Date }>(t.database.db, sql`select opened_at from support_tickets where customer_id = ${c.id}::uuid`);
    expect(new Date(ticket!.opened_at).toISOString()).toBe(new Date(offset).toISOString());
  });
});
