import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Analytics } from "@segment/analytics-node";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { pruneMessageWindow } from "../../../src/ingestion/segment.window.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createCustomer, createServerKey } from "../../helpers/factories.js";

// The Segment-compatible routes (issue 15, point 2) end to end: Segment's own Node client and
// RudderStack's payloads against the real server, HTTP Basic with a server key, Segment's
// limits, idempotency by messageId within the window, and accounts Advocate does not know.

let t: TestApp;
let server: Server;
let host: string;
let key: string;
beforeAll(async () => {
  t = await startTestApp();
  server = createServer(t.app.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  key = (await createServerKey(t, ["INGESTION"])).secret;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await t?.close();
});

const basic = (secret: string) => `Basic ${Buffer.from(`${secret}:`).toString("base64")}`;
const batch = (calls: object[], secret = key) => t.http.post("/v1/batch").set("authorization", basic(secret)).set("content-type", "application/json").send({ batch: calls, sentAt: new Date().toISOString() });
const today = () => new Date().toISOString().slice(0, 10);

const customerByExternalId = async (externalId: string) => {
  const [row] = await queryRows<{ id: string }>(t.database.db, sql`select id from customers where external_id = ${externalId}`);
  if (!row) return null;
  return (await t.admin(`query($id: ID!) { customer(id: $id) { id name plan stakeholders { name email role } } }`, { id: row.id })).data!.customer;
};
const rollups = async (customerId: string) =>
  queryRows<{ name: string; day: string; events: number; users: number }>(
    t.database.db,
    sql`select name, to_char(day, 'YYYY-MM-DD') as day, events::int as events, users from product_activity_daily where customer_id = ${customerId}::uuid order by name, day`,
  );
const track = (account: string, extra: object = {}) => ({ type: "track", messageId: unique("msg"), userId: "u-1", event: "Report Created", context: { groupId: account }, ...extra });

describe("Segment's Node client (@segment/analytics-node) against the server", () => {
  it("sends group, identify and track calls that become the customer, its stakeholder and its day rollups", async () => {
    const account = unique("acct");
    const analytics = new Analytics({ writeKey: key, host, flushAt: 50, flushInterval: 60_000, maxRetries: 0 });
    const errors: unknown[] = [];
    analytics.on("error", (error) => errors.push(error));
    analytics.group({ userId: "ada", groupId: account, traits: { name: "Acme Analytics", plan: "growth" } });
    analytics.identify({ userId: "ada", traits: { email: "Ada@Acme.example", firstName: "Ada", lastName: "Lovelace", role: "champion", company: { id: account } } });
    for (const user of ["ada", "bob", "ada", "cy"]) analytics.track({ userId: user, event: "Report Created", properties: { rows: 3 }, context: { groupId: account } });
    analytics.track({ anonymousId: "anon-1", event: "Dashboard Shared", properties: { groupId: account } });
    analytics.page({ userId: "ada", name: "Pricing", context: { groupId: account } });
    analytics.screen({ userId: "bob", name: "Home", context: { groupId: account } });
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(errors).toEqual([]);

    const customer = await customerByExternalId(account);
    expect(customer).toMatchObject({ name: "Acme Analytics", plan: "growth", stakeholders: [{ name: "Ada Lovelace", email: "ada@acme.example", role: "CHAMPION" }] });
    expect(await rollups(customer.id)).toEqual([
      { name: "dashboard_shared", day: today(), events: 1, users: 1 },
      { name: "page", day: today(), events: 1, users: 1 },
      { name: "report_created", day: today(), events: 4, users: 3 },
      { name: "screen", day: today(), events: 1, users: 1 },
    ]);
  });
});

describe("POST /v1/*", () => {
  it("takes RudderStack's payloads: traits in context, originalTimestamp corrected by sentAt", async () => {
    const c = await createCustomer(t);
    const sentAt = new Date(Date.now() + 3_600_000); // the sender's clock is an hour ahead
    const twoDaysAgo = new Date(sentAt.getTime() - 2 * 86_400_000);
    const common = { channel: "server", rudderId: unique("rudder"), sentAt: sentAt.toISOString(), context: { library: { name: "rudder-sdk-node", version: "2.0.0" }, traits: { company: { id: c.externalId } } } };
    const res = await t.http
      .post("/v1/batch")
      .set("authorization", basic(key))
      .send({
        batch: [
          { ...common, type: "identify", messageId: unique("r"), userId: "grace", anonymousId: "a-9", originalTimestamp: twoDaysAgo.toISOString(), context: { ...common.context, traits: { ...common.context.traits, email: "grace@example.com", name: "Grace", role: "Decision Maker" } } },
          { ...common, type: "track", messageId: unique("r"), userId: "grace", event: "Invoice Sent", properties: { amount: 5 }, originalTimestamp: twoDaysAgo.toISOString() },
          { ...common, type: "track", messageId: unique("r"), anonymousId: "a-9", event: "invoice_sent", originalTimestamp: sentAt.toISOString() },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, accepted: 3, duplicates: 0, rejected: 0, unknownAccount: 0 });
    const day = (at: Date) => new Date(at.getTime() - 3_600_000).toISOString().slice(0, 10);
    expect(await rollups(c.id)).toEqual(
      [day(twoDaysAgo), day(sentAt)].sort().map((d) => ({ name: "invoice_sent", day: d, events: 1, users: 1 })),
    );
    expect((await customerByExternalId(c.externalId)).stakeholders).toEqual([{ name: "Grace", email: "grace@example.com", role: "DECISION_MAKER" }]);
  });

  it("counts a batch once by messageId: a retry is all duplicates, and after the window it counts again", async () => {
    const c = await createCustomer(t);
    const calls = ["u-1", "u-2", "u-1"].map((userId) => track(c.externalId, { userId }));
    expect((await batch(calls)).body).toMatchObject({ accepted: 3, duplicates: 0 });
    const retry = await batch([...calls, calls[0]!]);
    expect(retry.body).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(retry.body.errors[3]).toEqual({ index: 3, status: "duplicate", reason: "messageId: repeated in this request" });
    expect(await rollups(c.id)).toEqual([{ name: "report_created", day: today(), events: 3, users: 2 }]);
    // Other users later the same day add to the day's distinct users (the sketch's union), the same ones do not.
    await batch([track(c.externalId, { userId: "u-3" }), track(c.externalId, { userId: "u-2" })]);
    expect(await rollups(c.id)).toEqual([{ name: "report_created", day: today(), events: 5, users: 3 }]);
    // The window (SEGMENT_DEDUP_HOURS, 24 by default) forgets ids older than it.
    await pruneMessageWindow(t.database.db, { accountTrait: "company.id", dedupHours: 24, dedupMaxIds: 10_000_000 }, new Date(Date.now() + 25 * 3_600_000));
    expect((await batch(calls)).body).toMatchObject({ accepted: 3 });
    expect((await rollups(c.id))[0]!.events).toBe(8);
  });

  it("answers and counts calls for accounts it does not know, and refuses calls without one, storing nothing for either", async () => {
    const c = await createCustomer(t);
    const stranger = unique("nobody");
    const res = await batch([track(stranger), track(stranger, { event: "Other" }), track(c.externalId), { type: "track", messageId: unique("m"), userId: "u", event: "x" }, { type: "alias", userId: "u", previousId: "p" }]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, unknownAccount: 2, rejected: 2, unknownAccounts: [stranger] });
    expect(res.body.errors.map((e: { index: number; status: string; reason: string }) => [e.index, e.status, e.reason])).toEqual([
      [0, "unknown_account", expect.stringContaining(stranger)],
      [1, "unknown_account", expect.stringContaining(stranger)],
      [3, "rejected", expect.stringMatching(/^no account/)],
      [4, "rejected", expect.stringMatching(/^type: must be one of/)],
    ]);
    const metrics = (await t.http.get("/metrics")).text;
    expect(metrics).toMatch(/advocate_segment_calls_total\{type="track",outcome="unknown_account"\} [2-9]/);
    // Once the account exists (a group call), the same calls count.
    expect((await batch([{ type: "group", messageId: unique("g"), userId: "u", groupId: stranger, traits: { name: "Late Co" } }, track(stranger)])).body).toMatchObject({ accepted: 2 });
    expect(await rollups((await customerByExternalId(stranger)).id)).toEqual([{ name: "report_created", day: today(), events: 1, users: 1 }]);
  });

  it("single-call routes take the call itself; a bad call is refused with its reason", async () => {
    const c = await createCustomer(t);
    const post = (path: string, body: object) => t.http.post(path).set("authorization", basic(key)).send(body);
    expect((await post("/v1/track", { userId: "u", event: "Exported CSV", context: { groupId: c.externalId } })).body).toMatchObject({ accepted: 1 });
    expect((await post("/v1/page", { userId: "u", name: "Docs", properties: { groupId: c.externalId } })).body).toMatchObject({ accepted: 1 });
    expect((await post("/v1/identify", { userId: "u", traits: { name: "No Mail", company: { id: c.externalId } } })).body.errors[0].reason).toMatch(/^traits.email/);
    expect((await post("/v1/track", { userId: "u", event: "!!!", context: { groupId: c.externalId } })).body.errors[0].reason).toMatch(/^event:/);
    expect((await post("/v1/track", { event: "x", context: { groupId: c.externalId } })).body.errors[0].reason).toMatch(/^userId or anonymousId/);
    expect((await post("/v1/track", { userId: "u", event: "x", timestamp: new Date(Date.now() + 86_400_000).toISOString(), context: { groupId: c.externalId } })).body.errors[0].reason).toMatch(/future/);
    expect((await rollups(c.id)).map((r) => [r.name, r.events])).toEqual([["exported_csv", 1], ["page", 1]]);
  });

  it("refuses past Segment's limits with 400 (500 KB a batch, 32 KB a call) and stores nothing", async () => {
    const c = await createCustomer(t);
    const padded = (bytes: number) => track(c.externalId, { properties: { pad: "x".repeat(bytes) } });
    const big = await batch(Array.from({ length: 20 }, () => padded(26_000)));
    expect(big.status).toBe(400);
    expect(big.body.error.reason).toBe("request_too_large");
    const oneTooLarge = await batch([padded(100), padded(33_000)]);
    expect(oneTooLarge.status).toBe(400);
    expect(oneTooLarge.body.error).toMatchObject({ reason: "event_too_large", message: expect.stringContaining("call 1") });
    const single = await t.http.post("/v1/track").set("authorization", basic(key)).send(padded(33_000));
    expect(single.status).toBe(400);
    expect(await rollups(c.id)).toEqual([]);
    // Just under the limits is taken.
    expect((await batch(Array.from({ length: 15 }, () => padded(31_000)))).body).toMatchObject({ accepted: 15 });
  });

  it("needs HTTP Basic with a live server key's secret (401), with the INGESTION scope (403)", async () => {
    const c = await createCustomer(t);
    const body = { batch: [track(c.externalId)] };
    expect((await t.http.post("/v1/batch").send(body)).status).toBe(401);
    const wrong = await t.http.post("/v1/batch").set("authorization", basic("adv_srv_not-a-key")).send(body);
    expect(wrong.status).toBe(401);
    expect(wrong.headers["www-authenticate"]).toMatch(/^Basic/);
    const conversionsOnly = await createServerKey(t, ["CONVERSIONS"]);
    const forbidden = await t.http.post("/v1/batch").set("authorization", basic(conversionsOnly.secret)).send(body);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: "FORBIDDEN", reason: "the key lacks the INGESTION scope" });
    const revoked = await createServerKey(t, ["INGESTION"]);
    await t.admin(`mutation($id: ID!) { revokeServerKey(id: $id) { id } }`, { id: revoked.id });
    expect((await t.http.post("/v1/batch").set("authorization", basic(revoked.secret)).send(body)).status).toBe(401);
    expect(await rollups(c.id)).toEqual([]);
  });
});
