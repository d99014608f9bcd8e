import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { importEventsNdjson } from "../../../src/ingestion/import.service.js";
import { Random } from "../../../src/seed/random.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createCustomer, DAY_MS as DAY } from "../../helpers/factories.js";

// Counted actions (issue 15, point 1): an `action` event may stand for `count` events of one day
// and say how many distinct `users` sent them; they are rolled up into product_activity_daily as
// they arrive, per customer, event name and UTC day, and nothing of them is kept one by one.

const SECRET = "counted-actions-secret";
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET], maxBytes: 1024 * 1024 } });
  dir = mkdtempSync(join(tmpdir(), "counted-actions-"));
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (events: object[]) => {
  const body = JSON.stringify({ events });
  return t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
};
const today = Math.floor(Date.now() / DAY) * DAY;
/** Noon (UTC) `days` days ago, plus `hours`. */
const noon = (days: number, hours = 0) => new Date(today - days * DAY + (12 + hours) * 3_600_000).toISOString();
const dayOf = (days: number) => new Date(today - days * DAY).toISOString().slice(0, 10);

const rollups = async (customerId: string) =>
  queryRows<{ name: string; day: string; events: number; users: number }>(
    t.database.db,
    sql`select name, to_char(day, 'YYYY-MM-DD') as day, events::int as events, users from product_activity_daily where customer_id = ${customerId}::uuid order by name, day`,
  );

describe("counted actions", () => {
  it("adds a day's counted lines into one rollup row (events add up, users keep the largest), and a replay adds nothing", async () => {
    const c = await createCustomer(t, { signedUpAt: new Date(today - 40 * DAY).toISOString() });
    const action = (extra: object, days = 3, hours = 0) => ({ id: unique("act"), type: "action", customerExternalId: c.externalId, at: noon(days, hours), name: "created_report", ...extra });
    const first = [action({ count: 120, users: 7 }), action({ count: 30, users: 9 }, 3, 5), action({}), action({ count: 4 }, 2), action({ name: "Invited_Teammate", count: 2, users: 2 })];
    const res = await post(first);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 5, rejected: 0 });
    expect(await rollups(c.id)).toEqual([
      { name: "created_report", day: dayOf(3), events: 151, users: 9 },
      { name: "created_report", day: dayOf(2), events: 4, users: 0 },
      { name: "invited_teammate", day: dayOf(3), events: 2, users: 2 },
    ]);
    // Later batches add to the same rows; a replay of the first batch is all duplicates.
    expect((await post([action({ count: 50, users: 3 })])).body).toMatchObject({ accepted: 1 });
    expect((await post(first)).body).toMatchObject({ accepted: 0, duplicates: 5 });
    expect((await rollups(c.id))[0]).toEqual({ name: "created_report", day: dayOf(3), events: 201, users: 9 });
  });

  it("refuses a count or users that is not a sensible whole number, and stores nothing of that event", async () => {
    const c = await createCustomer(t, { signedUpAt: new Date(today - 40 * DAY).toISOString() });
    const action = (extra: object) => ({ id: unique("act"), type: "action", customerExternalId: c.externalId, at: noon(1), name: "exported_data", ...extra });
    const res = await post([action({ count: 0 }), action({ count: 2.5 }), action({ count: "3" }), action({ count: 3, users: 4 }), action({ count: 3, users: -1 }), action({ count: 3, users: 3 })]);
    expect(res.body.events.map((e: { status: string; reason?: string }) => e.reason ?? e.status)).toEqual([
      expect.stringMatching(/^count: must be an integer from 1/),
      expect.stringMatching(/^count: must be an integer from 1/),
      expect.stringMatching(/^count: must be an integer from 1/),
      expect.stringMatching(/^users: must not be more than count/),
      expect.stringMatching(/^users: must be an integer from 0/),
      "accepted",
    ]);
    expect(await rollups(c.id)).toEqual([{ name: "exported_data", day: dayOf(1), events: 3, users: 3 }]);
  });

  it("rolls up a random stream exactly as its raw events count, whatever the batches and their concurrency", async () => {
    const rng = new Random("counted-actions-stream");
    const customers = await Promise.all([0, 1, 2].map(() => createCustomer(t, { signedUpAt: new Date(today - 60 * DAY).toISOString() })));
    const names = ["a_1", "b.2", "c:3"];
    const expected = new Map<string, { events: number; users: number }>();
    const events = Array.from({ length: 1_500 }, () => {
      const c = rng.pick(customers);
      const name = rng.pick(names);
      const days = rng.int(0, 20);
      const count = rng.chance(0.5) ? 1 : rng.int(1, 1_000);
      const users = rng.chance(0.3) ? null : rng.int(0, Math.min(count, 50));
      const key = `${c.id}|${name}|${dayOf(days)}`;
      const sum = expected.get(key) ?? { events: 0, users: 0 };
      expected.set(key, { events: sum.events + count, users: Math.max(sum.users, users ?? 0) });
      // Any time of that UTC day, its first and last millisecond included.
      const at = new Date(today - days * DAY + rng.pick([0, DAY - 1, rng.int(0, DAY - 1)])).toISOString();
      return { id: unique("raw"), type: "action", customerExternalId: c.externalId, at: at > new Date().toISOString() ? new Date().toISOString() : at, name, count, ...(users === null ? {} : { users }) };
    });
    // Batches of random sizes, three at a time: concurrent upserts of the same days must neither lose counts nor deadlock.
    const batches: object[][] = [];
    for (let i = 0; i < events.length; ) {
      const size = rng.int(1, 300);
      batches.push(events.slice(i, i + size));
      i += size;
    }
    for (let i = 0; i < batches.length; i += 3) {
      const answers = await Promise.all(batches.slice(i, i + 3).map((b) => post(b)));
      for (const a of answers) expect(a.body.rejected).toBe(0);
    }
    const stored = new Map<string, { events: number; users: number }>();
    for (const c of customers) for (const r of await rollups(c.id)) stored.set(`${c.id}|${r.name}|${r.day}`, { events: r.events, users: r.users });
    expect(stored).toEqual(expected);
  });

  it("imports counted lines from NDJSON into the same rollups, and re-running the file changes nothing", async () => {
    const c = await createCustomer(t, { signedUpAt: new Date(today - 400 * DAY).toISOString() });
    const lines = Array.from({ length: 30 }, (_, i) => ({ id: `${c.externalId}-day-${i}`, type: "action", customerExternalId: c.externalId, at: noon(i * 10), name: "ran_query", count: 1_000 + i, users: 10 + (i % 5) }));
    const file = join(dir, "actions.ndjson");
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n"));
    expect(await importEventsNdjson(t.app.serviceContext, file, { batchSize: 7 })).toMatchObject({ rows: 30, created: 30, rejected: 0 });
    expect(await importEventsNdjson(t.app.serviceContext, file)).toMatchObject({ created: 0, unchanged: 30, rejected: 0 });
    const rows = await rollups(c.id);
    expect(rows).toHaveLength(30);
    expect(rows.reduce((sum, r) => sum + r.events, 0)).toBe(lines.reduce((sum, l) => sum + l.count, 0));
    expect(rows.find((r) => r.day === dayOf(290))).toEqual({ name: "ran_query", day: dayOf(290), events: 1_029, users: 14 });
  });
});
