import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { signWebhookBody } from "../../../src/ingestion/webhook.signature.js";
import { recomputeAllScores } from "../../../src/intelligence/scores.service.js";
import { loadDataset } from "../../../src/seed/load.js";
import { Random } from "../../../src/seed/random.js";
import { startTestApp, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { DAY_MS as DAY } from "../../helpers/factories.js";

// Success milestones on generated customers whose first steps are known: most successful
// customers connect an integration in their first days, few of the others do; everyone exports
// data as often; successful customers also take an action, but only after their first month.

const SECRET = "milestones-secret";
let t: TestApp;
const now = new Date(Math.floor(Date.now() / DAY) * DAY);

const post = (events: object[]) => {
  const body = JSON.stringify({ events });
  return t.http
    .post("/webhooks/events")
    .set("content-type", "application/json")
    .set("x-advocate-signature", signWebhookBody(body, SECRET))
    .send(body);
};

beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET] } });
  await loadDataset(t.database.db, { customers: 600, seed: "milestones", now, reset: true });
  await recomputeAllScores(t.app.serviceContext, now);
  const customers = await queryRows<{ external_id: string; signed_up_at: string; successful: boolean }>(
    t.database.db,
    sql`select c.external_id, c.signed_up_at, coalesce(s.successful, false) as successful
          from customers c left join customer_scores s on s.customer_id = c.id order by c.external_id`,
  );
  const rng = new Random("milestones-test");
  const events: object[] = [];
  for (const c of customers) {
    const signup = new Date(c.signed_up_at).getTime();
    const at = (days: number) => new Date(Math.min(signup + days * DAY, now.getTime() - DAY)).toISOString();
    const add = (name: string, days: number) => events.push({ id: unique("act"), type: "action", customerExternalId: c.external_id, at: at(days), name });
    if (rng.chance(c.successful ? 0.8 : 0.1)) add("connected_integration", rng.float(1, 20));
    if (rng.chance(0.5)) add("exported_data", rng.float(1, 20));
    if (c.successful && rng.chance(0.9)) add("renewed_contract", 60);
  }
  for (let i = 0; i < events.length; i += 1000) {
    const res = await post(events.slice(i, i + 1000));
    expect(res.status).toBe(200);
    expect(res.body.rejected).toBe(0);
  }
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("success milestones", () => {
  it("finds the first-month action successful customers take far more often, and not the others", async () => {
    const res = await t.admin(`{ successMilestones { action successfulCustomers otherCustomers successfulShare othersShare lift } }`);
    expect(res.errors).toBeUndefined();
    const milestones = res.data!.successMilestones;
    expect(milestones.map((m: any) => m.action)).toEqual(["connected_integration"]);
    const [m] = milestones;
    expect(m.successfulShare).toBeGreaterThan(0.6);
    expect(m.othersShare).toBeLessThan(0.25);
    expect(m.lift).toBeGreaterThan(3);
    // A lower bar lets the noise through, still ranked below the real milestone.
    const loose = await t.admin(`{ successMilestones(minLift: 1) { action lift } }`);
    expect(loose.data!.successMilestones[0].action).toBe("connected_integration");
    expect(loose.data!.successMilestones.map((x: any) => x.action)).not.toContain("renewed_contract");
  });

  it("shows a referred customer's progress against the milestones", async () => {
    const code = unique("ms").toLowerCase();
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "M", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const ids: string[] = [];
    for (const name of ["Fast Starter", "Slow Starter"]) {
      const externalId = unique("crm");
      const c = await t.admin(`mutation($i: CustomerInput!) { upsertCustomer(input: $i) { id } }`, { i: { externalId, name, mrrCents: 5_000, signedUpAt: daysAgo(5) } });
      const id = c.data!.upsertCustomer.id;
      ids.push(id);
      await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
      if (name === "Fast Starter") await post([{ id: unique("act"), type: "action", customerExternalId: externalId, at: daysAgo(2), name: "connected_integration" }]);
    }
    const res = await t.admin(`query($a: ID!, $b: ID!) { a: customer(id: $a) { milestoneProgress { action reached reachedAt } } b: customer(id: $b) { milestoneProgress { action reached reachedAt } } }`, { a: ids[0], b: ids[1] });
    expect(res.errors).toBeUndefined();
    expect(res.data!.a.milestoneProgress).toEqual([{ action: "connected_integration", reached: true, reachedAt: expect.any(String) }]);
    expect(res.data!.b.milestoneProgress).toEqual([{ action: "connected_integration", reached: false, reachedAt: null }]);
  });

  it("success patterns read the same rollups: customers active in their first month succeed more often than those who were not", async () => {
    const res = await t.admin(`{ successPatterns(limit: 50, minSupport: 5) { attribute value customers successRate lift } }`);
    expect(res.errors).toBeUndefined();
    const activity = res.data!.successPatterns.filter((p: { attribute: string }) => p.attribute === "firstMonthActivity");
    expect(activity.map((p: { value: string }) => p.value)).toEqual(["1-99 events"]);
    expect(activity[0].lift).toBeGreaterThan(1.1);
  });

  it("refuses a lift below 1 or a support below 1", async () => {
    expect((await t.admin(`{ successMilestones(minLift: 0.5) { action } }`)).errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "minLift" });
    expect((await t.admin(`{ successMilestones(minSupport: 0) { action } }`)).errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "minSupport" });
  });
});
