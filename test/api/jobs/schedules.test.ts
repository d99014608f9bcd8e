import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { createWorker } from "../../../src/server/worker.js";
import { ChangeChannel } from "../../../src/common/changes.js";
import { intelligenceSchedules } from "../../../src/intelligence/schedule.js";
import { commissionLedgerSchedule } from "../../../src/commissions/commission.schedule.js";
import { nextSlot, type Schedule } from "../../../src/jobs/schedules.js";
import { startTestApp, testConfig, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { ManualClock } from "../../helpers/smtp.js";

// Schedules are durable jobs: one pending run per schedule however many instances start, run by
// one of them when due, queued again for the next slot, and caught up after downtime.

let t: TestApp;
const clock = new ManualClock();
const runs: string[] = [];
let schedules: Schedule[];
/** A second server instance on the database: its own change channel. */
const otherInstance = () => ({ db: t.database.db, changes: new ChangeChannel(), scoring: testConfig().scoring, programCurrency: testConfig().program.currency });

beforeAll(async () => {
  t = await startTestApp({}, { clock });
  schedules = [
    ...intelligenceSchedules(t.app.serviceContext, { scoresRefreshHours: 6, churnTrainHours: 24 }),
    commissionLedgerSchedule(t.database.db, 6, 30),
    { name: "test.counter", everyHours: 1, run: async () => runs.push(clock.now().toISOString()) },
  ].map((s) => ({ ...s, run: async (now: Date) => (runs.push(s.name), s.run(now)) }));
});
afterAll(async () => {
  await t?.close();
});

const queued = () =>
  queryRows<{ key: string; run_at: string; status: string }>(
    t.database.db,
    sql`select key, run_at::text, status::text from jobs where kind = 'schedule' and status in ('QUEUED', 'RUNNING') order by key`,
  );

describe("scheduled recomputation as durable jobs", () => {
  it("queues one run per schedule for two instances, runs it once, and queues the next slot", async () => {
    const a = await createWorker(otherInstance(), testConfig(), { clock, schedules });
    const b = await createWorker(otherInstance(), testConfig(), { clock, schedules });
    const pending = await queued();
    expect(pending.map((p) => p.key)).toEqual(["schedule:churn.train", "schedule:commissions.ledger", "schedule:scores.refresh", "schedule:segment.window", "schedule:test.counter"]);

    const id = (
      await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, {
        i: { externalId: unique("crm"), name: "Nightly", mrrCents: 1_000, signedUpAt: daysAgo(90) },
      })
    ).data!.upsertCustomer.id;

    clock.advanceHours(25);
    runs.length = 0;
    // Both instances drain at once: SKIP LOCKED gives each due job to one of them.
    await Promise.all([a.runner.drain(), b.runner.drain()]);
    // Missed slots are not replayed one by one: each schedule runs once and waits for its next slot.
    expect(runs.filter((r) => r === "test.counter")).toHaveLength(1);
    expect(runs.filter((r) => r === "scores.refresh")).toHaveLength(1);
    expect(runs.filter((r) => r === "commissions.ledger")).toHaveLength(1);
    expect(runs.filter((r) => r === "churn.train")).toHaveLength(1);

    const [score] = await queryRows<{ computed_at: string }>(t.database.db, sql`select computed_at::text from customer_scores where customer_id = ${id}::uuid`);
    expect(Math.abs(new Date(score!.computed_at).getTime() - clock.now().getTime())).toBeLessThan(60_000);

    const next = await queued();
    const counter = next.find((p) => p.key === "schedule:test.counter")!;
    expect(new Date(counter.run_at).getTime()).toBe(nextSlot(clock.now(), 1).getTime());
    expect(next.every((p) => p.status === "QUEUED" && new Date(p.run_at) > clock.now())).toBe(true);

    // Not due yet: nothing runs; an hour on, the counter runs again (once, on one instance).
    runs.length = 0;
    await a.runner.drain();
    expect(runs).toEqual([]);
    clock.advanceHours(1);
    await Promise.all([a.runner.drain(), b.runner.drain()]);
    expect(runs.filter((r) => r === "test.counter")).toHaveLength(1);

    // A restart with a schedule disabled drops its pending run; others keep theirs.
    await a.stop();
    await b.stop();
    const restarted = await createWorker(otherInstance(), testConfig(), { clock, schedules: schedules.map((s) => (s.name === "churn.train" ? { ...s, everyHours: 0 } : s)) });
    expect((await queued()).map((p) => p.key)).not.toContain("schedule:churn.train");
    expect(await queued()).toHaveLength(3);
    await restarted.stop();
  });
});
