import { expect } from "vitest";
import { daysAgo, unique, type TestApp } from "./app.js";
import { attribute, createAffiliate, createAsset, createCustomer } from "./factories.js";

// A small program for the console and portal tests, made through the public API: customers in
// every health band (NPS, usage, tickets, churn), two affiliates with referred customers and a
// ledger, stakeholders, content, a segment and a journey.

export interface ConsoleWorld {
  customerIds: string[];
  /** A customer with a champion, referred by `affiliates[0]`. */
  starId: string;
  championEmail: string;
  affiliates: { id: string; code: string; key: string; contactEmail: string }[];
  assetIds: string[];
  segmentId: string;
  journeyId: string;
}

async function ok(t: TestApp, query: string, variables: Record<string, unknown> = {}) {
  const res = await t.admin(query, variables);
  expect(res.errors, `${query}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  return res.data!;
}

export async function buildConsoleWorld(t: TestApp): Promise<ConsoleWorld> {
  const niches = ["fintech", "health"];
  const customerIds: string[] = [];
  for (let i = 0; i < 14; i++) {
    const { id } = await createCustomer(t, {
      name: `${["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne"][i % 7]} ${["Payments", "Clinics"][i % 2]} ${i}`,
      niche: niches[i % 2],
      plan: i % 3 === 0 ? "enterprise" : "pro",
      mrrCents: 20_000 + i * 5_000,
      signedUpAt: daysAgo(200 + i * 30),
    });
    customerIds.push(id);
    await ok(t, `mutation($id: ID!, $s: Int!, $at: DateTime) { recordNpsResponse(customerId: $id, score: $s, at: $at) { id } }`, { id, s: [10, 9, 7, 3, 0, 8, 10][i % 7], at: daysAgo(20) });
    await ok(t, `mutation($id: ID!, $u: Int!) { recordUsage(input: {customerId: $id, activeUsers: $u, licensedSeats: 10}) { id } }`, { id, u: [10, 9, 6, 2, 1, 8, 10][i % 7] });
    if (i % 7 === 3 || i % 7 === 4) for (let k = 0; k < 4; k++) await ok(t, `mutation($id: ID!, $at: DateTime) { recordSupportTicket(customerId: $id, openedAt: $at) { id } }`, { id, at: daysAgo(10 + k) });
  }

  const affiliates: ConsoleWorld["affiliates"] = [];
  for (const [n, name] of ["Jane Partner", "Omar Reseller"].entries()) {
    const host = customerIds[n]!;
    const contactEmail = `${unique(`contact${n}`).toLowerCase()}@example.com`;
    await ok(t, `mutation($id: ID!, $n: String!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: $n, email: $e, role: CHAMPION}) { id } }`, { id: host, n: name, e: contactEmail });
    const affiliate = await createAffiliate(t, { name, customerId: host, commissionType: "PERCENT", commissionValue: 20 - n * 5 });
    const key = (await ok(t, `mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliate.id })).createAffiliateApiKey as string;
    affiliates.push({ ...affiliate, key, contactEmail });
  }
  // Jane referred four customers (all still here), Omar three (one churned since).
  const referred = [[2, 4, 6, 8], [3, 5, 12]] as const;
  for (const [n, list] of referred.entries()) {
    for (const i of list) await attribute(t, affiliates[n]!.code, customerIds[i]!, daysAgo(150));
  }
  for (const id of customerIds.slice(12)) await ok(t, `mutation($id: ID!) { markChurned(customerId: $id, reason: "budget") { id } }`, { id });
  const starId = customerIds[2]!;
  const championEmail = `${unique("champion").toLowerCase()}@example.com`;
  await ok(t, `mutation($id: ID!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: "Carla Champion", email: $e, role: CHAMPION}) { id } }`, { id: starId, e: championEmail });
  await ok(t, `mutation($id: ID!) { upsertStakeholder(input: {customerId: $id, name: "Dan Decider", email: "dan@example.com", role: DECISION_MAKER}) { id } }`, { id: starId });
  await ok(t, `mutation { runCommissionLedger { accrued } }`);

  const assetIds = [
    await createAsset(t, { kind: "CASE_STUDY", title: "Acme cut fraud by 40%", niches: ["fintech"], customerId: customerIds[0] }),
    await createAsset(t, { kind: "USE_CASE", title: "Automated reconciliation", niches: ["fintech"] }),
    await createAsset(t, { kind: "PAIN_POINT", title: "Month-end takes two weeks", niches: ["health"] }),
  ];
  // Jane's fintech landing page shows the fintech assets: impressions for the content page.
  for (let i = 0; i < 3; i++) expect((await t.http.get(`/landing?affiliate=${affiliates[0]!.code}&niche=fintech`)).status).toBe(200);
  await t.app.impressions.flush();
  const segmentId = (await ok(t, `mutation { createSegment(input: {name: "Fintech accounts", rules: [{field: NICHE, op: EQ, values: ["fintech"]}]}) { id } }`)).createSegment.id as string;
  const journey = await ok(t, `mutation { createJourney(input: {name: "Welcome partners", steps: [{kind: EMAIL, subject: "Welcome, {{customer.name}}", body: "Hello"}, {kind: WAIT, waitHours: 48}, {kind: EMAIL, subject: "Your kit", body: "Here"}]}) { id } }`);
  const journeyId = journey.createJourney.id as string;
  await ok(t, `mutation($j: ID!, $c: ID!) { enrollCustomer(journeyId: $j, customerId: $c) { id } }`, { j: journeyId, c: starId });
  return { customerIds, starId, championEmail, affiliates, assetIds, segmentId, journeyId };
}
