import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";
import { createAsset } from "../../helpers/factories.js";

// The public page names a customer only while it is live (ACTIVE and not RED), whatever the kind
// of the asset about it: case studies about other customers are not shown at all, use cases and
// pain points are shown without the name.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function greenCustomer(name: string, niche: string): Promise<string> {
  const c = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, {
    input: { externalId: unique("crm"), name, niche, mrrCents: 20_000, signedUpAt: daysAgo(400) },
  });
  const id = c.data!.upsertCustomer.id;
  await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id });
  await t.admin(`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 10, licensedSeats: 10}) { id } }`, { id });
  expect(await band(id)).toBe("GREEN");
  return id;
}

async function churn(id: string): Promise<void> {
  const res = await t.admin(`mutation($id: ID!) { markChurned(customerId: $id, reason: "budget") { id } }`, { id });
  expect(res.errors).toBeUndefined();
}

/** A detractor with no active users and many tickets: its health falls to RED. */
async function makeRed(id: string): Promise<void> {
  await t.admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 0) { id } }`, { id });
  await t.admin(`mutation($id: ID!) { recordUsage(input: {customerId: $id, activeUsers: 0, licensedSeats: 10}) { id } }`, { id });
  for (let i = 0; i < 10; i++) await t.admin(`mutation($id: ID!) { recordSupportTicket(customerId: $id) { id } }`, { id });
  expect(await band(id)).toBe("RED");
}

async function band(id: string): Promise<string> {
  const res = await t.admin(`query($id: ID!) { customer(id: $id) { healthBand status } }`, { id });
  expect(res.errors).toBeUndefined();
  return res.data!.customer.healthBand;
}

const asset = (kind: string, title: string, niche: string, customerId: string) => createAsset(t, { kind, title, niches: [niche], customerId });

type Item = { title: string; customerName: string | null };
type Page = { useCases: Item[]; painPoints: Item[] };

/** The names shown next to each title, through GET /landing and the landingPage query alike. */
async function names(niche: string): Promise<Record<string, string | null>> {
  const rest = await t.http.get(`/landing?niche=${niche}&limit=10`);
  expect(rest.status).toBe(200);
  const gql = await t.gql<{ landingPage: Page }>(
    `query($n: String) { landingPage(niche: $n, limit: 10) { useCases { title customerName } painPoints { title customerName } } }`,
    { n: niche },
  );
  expect(gql.errors).toBeUndefined();
  const pick = (page: Page) => Object.fromEntries([...page.useCases, ...page.painPoints].map((i) => [i.title, i.customerName]));
  expect(pick(gql.data!.landingPage)).toEqual(pick(rest.body as Page));
  return pick(rest.body as Page);
}

describe("customer names on the public landing page", () => {
  const falls: [string, (id: string) => Promise<void>][] = [
    ["churns", churn],
    ["falls to RED", makeRed],
  ];
  it.each(falls)("names an ACTIVE GREEN customer on a use case and a pain point, and stops at once when it %s", async (how, fall) => {
    const niche = unique("names").toLowerCase();
    const id = await greenCustomer(`Co that ${how}`, niche);
    await asset("USE_CASE", "A use case", niche, id);
    await asset("PAIN_POINT", "A pain", niche, id);
    expect(await names(niche)).toEqual({ "A use case": `Co that ${how}`, "A pain": `Co that ${how}` });
    await fall(id);
    // The very next request: the page cached above was invalidated by the customer's write.
    expect(await names(niche)).toEqual({ "A use case": null, "A pain": null });
  });

  it("never names a customer that was churned or RED before the asset was written", async () => {
    const niche = unique("names-late").toLowerCase();
    const gone = await greenCustomer("Gone Co", niche);
    await churn(gone);
    const sick = await greenCustomer("Sick Co", niche);
    await makeRed(sick);
    await asset("USE_CASE", "Gone use case", niche, gone);
    await asset("PAIN_POINT", "Sick pain", niche, sick);
    expect(await names(niche)).toEqual({ "Gone use case": null, "Sick pain": null });
  });
});
