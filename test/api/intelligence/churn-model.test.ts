import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset } from "../../../src/seed/load.js";
import { recomputeAllScores } from "../../../src/intelligence/scores.service.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";

// The churn model learns from the company's own history: here, the deterministic generator's,
// whose churn depends on the CS signals (usage, NPS, tickets) as real churn does.

let t: TestApp;
// The history ends today: training describes customers as they were 30 and 90 days before the
// real clock, so a history that ended at a fixed date would leave those windows empty as time passes.
const now = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("churn model", () => {
  it("is null before the first training, and refuses to train on too little history", async () => {
    expect((await t.admin(`{ churnModel { version } }`)).data!.churnModel).toBeNull();
    await t.admin(`mutation { upsertCustomer(input: {externalId: "lonely", name: "Only", mrrCents: 100}) { id } }`);
    const res = await t.admin(`mutation { trainChurnModel { version } }`);
    expect(res.errors![0]!.extensions!.code).toBe("FAILED_PRECONDITION");
    expect(res.errors![0]!.message).toMatch(/churned/);
    expect((await t.admin(`{ churnModel { version } }`)).data!.churnModel).toBeNull();
  });

  it("trains on generated history, separates churners from stayers on held-out customers, and rescores everyone", async () => {
    await loadDataset(t.database.db, { customers: 1500, seed: "churn-test", now, reset: true });
    await recomputeAllScores(t.app.serviceContext, now);
    const before = await t.admin(`{ customers(first: 100, filter: {status: ACTIVE}) { edges { node { churnRisk } } } }`);

    const trained = await t.admin(`mutation { trainChurnModel { version examples positives auc trainedAt features { name weight } } }`);
    expect(trained.errors).toBeUndefined();
    const model = trained.data!.trainChurnModel;
    expect(model.version).toBeGreaterThanOrEqual(1);
    expect(model.examples).toBeGreaterThan(500);
    expect(model.positives).toBeGreaterThan(20);
    expect(model.auc).toBeGreaterThan(0.7);
    expect(model.features.map((f: any) => f.name)).toEqual(expect.arrayContaining(["usageRatio", "nps", "tickets90d"]));
    // More tickets and less usage mean more churn: the learned signs say so.
    const weight = (name: string) => model.features.find((f: any) => f.name === name).weight;
    expect(weight("tickets90d")).toBeGreaterThan(0);
    expect(weight("usageRatio")).toBeLessThan(0);

    expect((await t.admin(`{ churnModel { version auc } }`)).data!.churnModel).toEqual({ version: model.version, auc: model.auc });
    const after = await t.admin(`{ customers(first: 100, filter: {status: ACTIVE}) { edges { node { churnRisk } } } }`);
    expect(after.data!.customers.edges).not.toEqual(before.data!.customers.edges);
    const risks = after.data!.customers.edges.map((e: any) => e.node.churnRisk);
    expect(risks.every((r: number) => r >= 0 && r <= 1)).toBe(true);
  }, 120_000);
});
