import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAsset, createCustomer } from "../../helpers/factories.js";

// Editing and deleting what the console manages: segments (updateSegment, deleteSegment) and
// content assets (deleteContentAsset, beside archiveContentAsset), validated, nothing half-done.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

async function segment(name: string, mrrAbove: number) {
  const res = await t.admin(`mutation($i: SegmentInput!) { createSegment(input: $i) { id } }`, { i: { name, rules: [{ field: "MRR_CENTS", op: "GT", values: [String(mrrAbove)] }] } });
  expect(res.errors).toBeUndefined();
  return res.data!.createSegment.id as string;
}

describe("updateSegment and deleteSegment", () => {
  it("renames and re-rules a segment (its members follow); a name in use or bad rules change nothing", async () => {
    const tag = unique("seg");
    await createCustomer(t, { name: `${tag}-small`, mrrCents: 1_000 });
    await createCustomer(t, { name: `${tag}-big`, mrrCents: 900_000 });
    const id = await segment(`${tag}-a`, 800_000);
    await segment(`${tag}-b`, 1);
    const updated = await t.admin(`mutation($id: ID!, $i: SegmentInput!) { updateSegment(id: $id, input: $i) { id name rules { field op values } } }`, {
      id,
      i: { name: `${tag}-renamed`, rules: [{ field: "MRR_CENTS", op: "GT", values: ["500"] }] },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateSegment).toEqual({ id, name: `${tag}-renamed`, rules: [{ field: "MRR_CENTS", op: "GT", values: ["500"] }] });
    const clash = await t.admin(`mutation($id: ID!, $i: SegmentInput!) { updateSegment(id: $id, input: $i) { id } }`, { id, i: { name: `${tag}-b`, rules: [] } });
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "name" });
    const badRules = await t.admin(`mutation($id: ID!, $i: SegmentInput!) { updateSegment(id: $id, input: $i) { id } }`, { id, i: { name: "x", rules: [{ field: "MRR_CENTS", op: "GT", values: ["lots"] }] } });
    expect(badRules.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const { data } = await t.admin(`{ segments { id name rules { values } } }`);
    expect(data!.segments.find((s: any) => s.id === id)).toEqual({ id, name: `${tag}-renamed`, rules: [{ values: ["500"] }] });
  });

  it("deletes a segment, but not while a journey branches on it", async () => {
    const id = await segment(unique("seg-del"), 10);
    const journeyName = unique("journey");
    const journey = await t.admin(`mutation($i: JourneyInput!) { createJourney(input: $i) { id } }`, {
      i: { name: journeyName, steps: [{ kind: "BRANCH", condition: { inSegmentId: id }, then: "STOP" }, { kind: "EMAIL", subject: "Hi", body: "There" }] },
    });
    expect(journey.errors).toBeUndefined();
    const refused = await t.admin(`mutation($id: ID!) { deleteSegment(id: $id) }`, { id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
    expect(refused.errors?.[0]?.message).toContain(journeyName);
    const free = await segment(unique("seg-free"), 10);
    const deleted = await t.admin(`mutation($id: ID!) { deleteSegment(id: $id) }`, { id: free });
    expect(deleted.data).toEqual({ deleteSegment: free });
    const { data } = await t.admin(`{ segments { id } }`);
    const ids = data!.segments.map((s: any) => s.id);
    expect(ids).toContain(id);
    expect(ids).not.toContain(free);
    const again = await t.admin(`mutation($id: ID!) { deleteSegment(id: $id) }`, { id: free });
    expect(again.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("deleteContentAsset", () => {
  it("removes the asset from lists and landing pages for good; an unknown id is refused", async () => {
    const title = unique("Pain");
    const id = await createAsset(t, { kind: "PAIN_POINT", title, body: "Too slow.", niches: ["logistics"] });
    const before = await t.gql(`{ landingPage(niche: "logistics") { painPoints { title } } }`);
    expect(before.data!.landingPage.painPoints.map((p: any) => p.title)).toContain(title);
    const deleted = await t.admin(`mutation($id: ID!) { deleteContentAsset(id: $id) }`, { id });
    expect(deleted.data).toEqual({ deleteContentAsset: id });
    // The landing cache forgot the page before the mutation answered.
    const after = await t.gql(`{ landingPage(niche: "logistics") { painPoints { title } } }`);
    expect(after.data!.landingPage.painPoints.map((p: any) => p.title)).not.toContain(title);
    const { data } = await t.admin(`{ contentAssets { id } }`);
    expect(data!.contentAssets.map((a: any) => a.id)).not.toContain(id);
    expect((await t.admin(`mutation($id: ID!) { deleteContentAsset(id: $id) }`, { id })).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
