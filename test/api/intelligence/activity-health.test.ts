import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { SCORE_QUEUE_DELAY_MS } from "../../../src/intelligence/score-queue.js";
import { recomputeAllScores } from "../../../src/intelligence/scores.service.js";
import { ManualClock } from "../../helpers/smtp.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { createCustomer, DAY_MS } from "../../helpers/factories.js";

// The health score's usage factor without seat snapshots: the customer's product events in the
// last 28 days (counted action events, rolled up) ranked against customers of the same plan;
// healthBreakdown names the activity behind it.

const SECRET = "activity-health-secret";
const clock = new ManualClock();
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET], maxBytes: 1024 * 1024 } }, { clock });
});
afterAll(async () => {
  await t?.close();
});

const post = async (events: object[]) => {
  const body = JSON.stringify({ events });
  const res = await t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signWebhookBody(body, SECRET)).send(body);
  expect(res.body.rejected, JSON.stringify(res.body)).toBe(0);
  // Webhook events rescore through the score queue, a moment later.
  clock.advanceMs(SCORE_QUEUE_DELAY_MS);
  await t.app.jobs.drain();
};
const actions = (externalId: string, name: string, total: number, days = 4, ago = 1) =>
  Array.from({ length: days }, (_, d) => ({ id: unique("act"), type: "action", customerExternalId: externalId, at: daysAgo(ago + d), name, count: Math.ceil(total / days) }));

interface Factor {
  name: string;
  score: number;
  detail: string | null;
  activity: { events: number; activeDays: number; percentile: number | null; peers: number; plan: string | null; topEvents: { name: string; events: number }[] } | null;
}
const breakdownOf = async (id: string): Promise<Factor[]> =>
  (await t.admin(`query($id: ID!) { customer(id: $id) { healthBreakdown { name score detail activity { events activeDays percentile peers plan topEvents { name events } } } } }`, { id })).data!.customer.healthBreakdown;
const usageOf = async (id: string) => (await breakdownOf(id)).find((f) => f.name === "usage");

async function planOf(plan: string, totals: number[]) {
  const members: { id: string; externalId: string; total: number }[] = [];
  for (const total of totals) members.push({ ...(await createCustomer(t, { plan, signedUpAt: daysAgo(200) })), total });
  await post(members.flatMap((m) => [...actions(m.externalId, "report_created", (m.total * 3) / 4), ...actions(m.externalId, "invited_teammate", m.total / 4)]));
  return members;
}

describe("health usage from product activity", () => {
  let growth: Awaited<ReturnType<typeof planOf>>;
  let enterprise: Awaited<ReturnType<typeof planOf>>;
  const growthPlan = unique("growth");
  beforeAll(async () => {
    growth = await planOf(growthPlan, [8, 16, 24, 32, 40, 48]);
    enterprise = await planOf(unique("enterprise"), [400, 800, 880, 960, 1040, 1120]);
  });

  it("ranks a customer without seat snapshots against the customers of its plan, not against everyone", async () => {
    const growthScores = await Promise.all(growth.map(async (m) => (await usageOf(m.id))!.score));
    // More activity than the plan's other customers: a higher usage factor, monotonically.
    expect([...growthScores].sort((a, b) => a - b)).toEqual(growthScores);
    expect(growthScores[0]).toBe(0);
    expect(growthScores.at(-1)).toBe(100);
    // The quietest enterprise customer does 8 times the busiest growth customer's events, yet is last on its plan.
    expect((await usageOf(enterprise[0]!.id))!.score).toBe(0);
    expect((await usageOf(enterprise[3]!.id))!.score).toBe(60);
  });

  it("healthBreakdown names the activity behind it: events, active days, event names, the plan and how many it was compared with", async () => {
    const busiest = growth.at(-1)!;
    const usage = (await usageOf(busiest.id))!;
    const plan = growthPlan;
    expect(usage.activity).toEqual({
      events: 48, // 36 + 12 counted actions over 4 days
      activeDays: 4,
      percentile: 1,
      peers: 5,
      plan,
      topEvents: [
        { name: "report_created", events: 36 },
        { name: "invited_teammate", events: 12 },
      ],
    });
    expect(usage.detail).toBe(`product activity: 48 events on 4 active days in the last 28 days (report_created 36, invited_teammate 12), percentile 100 of 5 customers on plan ${plan}`);
  });

  it("seat snapshots, when there are, still decide the factor; activity older than 28 days counts as none; no activity at all leaves the factor out", async () => {
    const seated = await createCustomer(t, { plan: growthPlan, signedUpAt: daysAgo(200) });
    await post([...actions(seated.externalId, "report_created", 400), { id: unique("u"), type: "usage", customerExternalId: seated.externalId, at: daysAgo(2), activeUsers: 4, licensedSeats: 10 }]);
    expect(await usageOf(seated.id)).toMatchObject({ score: 50, detail: null, activity: null });

    const lapsed = await createCustomer(t, { plan: "lapsed-plan", signedUpAt: daysAgo(200) });
    await post(actions(lapsed.externalId, "report_created", 400, 4, 40));
    const usage = (await usageOf(lapsed.id))!;
    // Alone on its plan: ranked against all plans' customers, with no event in the window.
    expect(usage.activity).toMatchObject({ events: 0, activeDays: 0, plan: null, topEvents: [] });
    expect(usage.activity!.peers).toBeGreaterThanOrEqual(12);
    expect(usage.score).toBe(0);
    expect(usage.detail).toMatch(/customers of all plans \(fewer than 5 on its plan\)$/);

    const silent = await createCustomer(t, { plan: "quiet", signedUpAt: daysAgo(200) });
    await t.admin(`mutation($c: ID!) { recordNpsResponse(customerId: $c, score: 9) { id } }`, { c: silent.id });
    expect((await breakdownOf(silent.id)).map((f) => f.name)).not.toContain("usage");
  });

  it("a batch recompute reads the rollups in a bounded number of statements, however many customers", async () => {
    const statements = async () => {
      const before = t.database.queryCount();
      await recomputeAllScores(t.app.serviceContext, new Date(clock.now().getTime() + DAY_MS), { batchSize: 2_000 });
      return t.database.queryCount() - before;
    };
    const few = await statements();
    await planOf(unique("more"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await statements()).toBe(few);
    expect(few).toBeLessThanOrEqual(10);
  });
});
