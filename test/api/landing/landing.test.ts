import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSchema } from "../../../src/server/schema.js";
import { startTestApp, unique, type TestApp, daysAgo } from "../../helpers/app.js";
import { createAffiliate, createAsset, createCustomer } from "../../helpers/factories.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});


async function customer(name: string, niche: string, nps: number, active: number): Promise<string> {
  const { id } = await createCustomer(t, { name, niche, mrrCents: 20_000, signedUpAt: daysAgo(400) });
  await t.admin(`mutation($id: ID!, $s: Int!) { recordNpsResponse(customerId: $id, score: $s) { id } }`, { id, s: nps });
  await t.admin(`mutation($id: ID!, $a: Int!) { recordUsage(input: {customerId: $id, activeUsers: $a, licensedSeats: 10}) { id } }`, { id, a: active });
  return id;
}

const asset = (input: Record<string, unknown>) => createAsset(t, input);
const affiliate = (code: string, name = "Jane Doe") => createAffiliate(t, { code, name });

const landing = async (query: string) => {
  const res = await t.http.get(`/landing?${query}`);
  expect(res.status).toBe(200);
  return res.body;
};
const titles = (items: { title: string }[]) => items.map((i) => i.title);

describe("landing page content", () => {
  const niche = `fintech-${Date.now().toString(36)}`;
  const code = unique("jane").toLowerCase();
  let star: string;
  let good: string;

  beforeAll(async () => {
    await affiliate(code);
    star = await customer("Star Co", niche, 10, 10);
    good = await customer("Good Co", niche, 8, 6);
    await asset({ kind: "CASE_STUDY", title: "Good story", niches: [niche], customerId: good });
    await asset({ kind: "CASE_STUDY", title: "Star story", niches: [niche], customerId: star });
    await asset({ kind: "PAIN_POINT", title: "Generic pain", niches: [] });
    await asset({ kind: "USE_CASE", title: "Niche use case", niches: [niche] });
    await asset({ kind: "USE_CASE", title: "Jane's use case", niches: [niche], affiliateCode: code });
    await asset({ kind: "USE_CASE", title: "Jane's general use case", niches: [], affiliateCode: code });
    await asset({ kind: "PAIN_POINT", title: "Old niche pain", niches: [niche] });
    await asset({ kind: "PAIN_POINT", title: "New niche pain", niches: [niche] });
  });

  it("ranks case studies by the customer's advocacy, fills each kind from the most specific level down", async () => {
    const page = await landing(`affiliate=${code}&niche=${niche}`);
    expect(page.affiliate).toEqual({ code, name: "Jane Doe" });
    expect(page.niche).toBe(niche);
    expect(page.matchedOn).toBe("AFFILIATE_AND_NICHE");
    expect(titles(page.caseStudies)).toEqual(["Star story", "Good story"]);
    expect(titles(page.useCases)).toEqual(["Jane's use case", "Niche use case", "Jane's general use case"]);
    expect(titles(page.painPoints)).toEqual(["New niche pain", "Old niche pain", "Generic pain"]);
    expect(page.caseStudies[0].customerName).toBe("Star Co");
  });

  it("answers NICHE without an affiliate, never showing another affiliate's audience content", async () => {
    const page = await landing(`niche=${niche}`);
    expect(page).toMatchObject({ affiliate: null, niche, matchedOn: "NICHE" });
    expect(titles(page.useCases)).toEqual(["Niche use case"]);
  });

  it("answers AFFILIATE for a niche with no content, and DEFAULT with neither", async () => {
    const other = await landing(`affiliate=${code}&niche=gardening`);
    expect(other).toMatchObject({ niche: null, matchedOn: "AFFILIATE" });
    expect(titles(other.useCases)).toEqual(["Jane's general use case", "Jane's use case"]);
    const bare = await landing("");
    expect(bare).toMatchObject({ affiliate: null, niche: null, matchedOn: "DEFAULT" });
    expect(titles(bare.painPoints)).toContain("Generic pain");
  });

  it("normalizes inputs: case and spaces in code and niche give the same page; a bad code is no code; a long niche no niche", async () => {
    const normalized = await landing(`affiliate=${code}&niche=${niche}`);
    const messy = await landing(`affiliate=${encodeURIComponent(` ${code.toUpperCase()} `)}&niche=${encodeURIComponent(`  ${niche.toUpperCase()} `)}`);
    expect(messy).toEqual(normalized);
    const unknown = await landing(`affiliate=nobody-here&niche=${niche}`);
    expect(unknown.affiliate).toBeNull();
    const tooLong = await landing(`niche=${"x".repeat(65)}`);
    expect(tooLong).toMatchObject({ niche: null, matchedOn: "DEFAULT" });
    expect((await landing(`niche=${niche}&limit=1`)).painPoints).toHaveLength(1);
    expect((await landing(`niche=${niche}&limit=999`)).painPoints.length).toBeLessThanOrEqual(10);
  });

  it("drops a churned customer's case study on the very next request", async () => {
    expect(titles((await landing(`niche=${niche}`)).caseStudies)).toContain("Good story");
    await t.admin(`mutation($id: ID!) { markChurned(customerId: $id, reason: "budget") { id } }`, { id: good });
    expect(titles((await landing(`niche=${niche}`)).caseStudies)).toEqual(["Star story"]);
  });

  it("drops an archived asset on the very next request, and shows an updated one", async () => {
    const id = await asset({ kind: "PAIN_POINT", title: "Brand new pain", niches: [niche] });
    expect(titles((await landing(`niche=${niche}`)).painPoints)[0]).toBe("Brand new pain");
    await t.admin(`mutation($id: ID!) { updateContentAsset(id: $id, input: {title: "Renamed pain"}) { id } }`, { id });
    expect(titles((await landing(`niche=${niche}`)).painPoints)[0]).toBe("Renamed pain");
    await t.admin(`mutation($id: ID!) { archiveContentAsset(id: $id) { id } }`, { id });
    expect(titles((await landing(`niche=${niche}`)).painPoints)).not.toContain("Renamed pain");
  });

  it("never shows a RED customer's story", async () => {
    const sick = await customer("Sick Co", niche, 0, 0);
    for (let i = 0; i < 10; i++) await t.admin(`mutation($id: ID!) { recordSupportTicket(customerId: $id) { id } }`, { id: sick });
    await asset({ kind: "CASE_STUDY", title: "Sick story", niches: [niche], customerId: sick });
    expect(titles((await landing(`niche=${niche}&limit=10`)).caseStudies)).not.toContain("Sick story");
  });

  it("knows a new affiliate at once, though its code was asked for (and cached) before", async () => {
    const late = unique("late").toLowerCase();
    expect((await landing(`affiliate=${late}`)).affiliate).toBeNull();
    await affiliate(late, "Late Comer");
    expect((await landing(`affiliate=${late}`)).affiliate).toEqual({ code: late, name: "Late Comer" });
  });

  it("answers the same object through GraphQL", async () => {
    const rest = await landing(`affiliate=${code}&niche=${niche}`);
    const res = await t.gql(
      `query($c: String, $n: String) { landingPage(affiliateCode: $c, niche: $n) { affiliate { code name } niche matchedOn
        caseStudies { id kind title body url customerName } useCases { id kind title body url customerName } painPoints { id kind title body url customerName } } }`,
      { c: code, n: niche },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.landingPage).toEqual(rest);
  });
});

describe("GET /landing over HTTP", () => {
  it("has a strong ETag, answers 304 to If-None-Match, and may be cached by CDNs", async () => {
    const first = await t.http.get("/landing?niche=anything");
    expect(first.headers.etag).toMatch(/^"[^"]+"$/);
    expect(first.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=600");
    expect(first.headers["content-type"]).toMatch(/application\/json/);
    const again = await t.http.get("/landing?niche=anything").set("if-none-match", first.headers.etag);
    expect(again.status).toBe(304);
    expect(again.text ?? "").toBe("");
    const changed = await t.http.get("/landing?niche=anything").set("if-none-match", '"something-else"');
    expect(changed.status).toBe(200);
  });

  it("sends CORS headers only to configured origins", async () => {
    const res = await t.http.get("/landing").set("origin", "https://evil.example");
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("exposes nothing about a customer but its name", async () => {
    const schema = await getSchema();
    const content = schema.getType("LandingContent") as any;
    expect(Object.keys(content.getFields()).sort()).toEqual(["body", "customerName", "id", "kind", "title", "url"]);
    const aff = schema.getType("PublicAffiliate") as any;
    expect(Object.keys(aff.getFields()).sort()).toEqual(["code", "name"]);
  });
});

describe("the landing cache", () => {
  it("costs at most 3 statements on a miss, none on a hit, and one computation for concurrent misses", async () => {
    await t.http.get("/landing?niche=warmup");
    const code = unique("cnt").toLowerCase();
    await affiliate(code);
    await t.quiet();
    let before = t.database.queryCount();
    await t.http.get(`/landing?affiliate=${code}&niche=count-test`);
    expect(t.database.queryCount() - before).toBeLessThanOrEqual(3);
    before = t.database.queryCount();
    await t.http.get(`/landing?affiliate=${code}&niche=count-test`);
    expect(t.database.queryCount() - before).toBe(0);
    before = t.database.queryCount();
    const pages = await Promise.all(Array.from({ length: 10 }, () => t.http.get(`/landing?affiliate=${code}&niche=concurrent`)));
    expect(new Set(pages.map((p) => p.headers.etag)).size).toBe(1);
    expect(t.database.queryCount() - before).toBeLessThanOrEqual(3);
  });
});
