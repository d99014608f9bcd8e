import { createHash } from "node:crypto";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/server/app.js";
import { ADMIN_KEY, startTestApp, testConfig, type TestApp } from "../helpers/app.js";
import { Random } from "../../src/seed/random.js";

// The GraphQL fast path must be invisible: for every landingPage request it serves, the bytes
// are exactly those Apollo sends (compared against an instance without the fast path).

let fast: TestApp;
let apolloOnly: App;
const niche = "fastpath";

beforeAll(async () => {
  fast = await startTestApp();
  apolloOnly = await createApp(testConfig({ graphqlFastPath: false }), { database: fast.database });
  await fast.admin(`mutation { createAffiliate(input: {code: "fast-aff", name: "Fast \\"Quoted\\" Affiliate", commissionType: PERCENT, commissionValue: 5}) { id } }`);
  for (const [kind, title] of [["USE_CASE", "Use it fast"], ["PAIN_POINT", "Slow pages – ünïcödé"], ["PAIN_POINT", "Another pain"]]) {
    await fast.admin(`mutation { createContentAsset(input: {kind: ${kind}, title: "${title}", body: "Body\\nwith lines", niches: ["${niche}"], affiliateCode: "fast-aff"}) { id } }`);
  }
});
afterAll(async () => {
  await apolloOnly?.stop();
  await fast?.close();
});

const post = (app: App["handler"], body: object, headers: Record<string, string> = {}) =>
  request(app).post("/graphql").set({ "content-type": "application/json", ...headers }).send(body);

const documents: [string, object][] = [
  [`{ landingPage(affiliateCode: "FAST-AFF", niche: "${niche}") { matchedOn niche affiliate { name code } painPoints { title body url } } }`, {}],
  [`query Landing($c: String, $n: String, $l: Int) { page: landingPage(affiliateCode: $c, niche: $n, limit: $l) { useCases { id kind title customerName } painPoints { title } matchedOn } }`, { c: "fast-aff", n: niche, l: 1 }],
  [`query { landingPage { __typename matchedOn caseStudies { title } } }`, {}],
  [`query Q($n: String) { landingPage(niche: $n) { ...F } } fragment F on LandingPage { niche painPoints { title } }`, { n: "  FASTPATH " }],
];

describe("the landingPage fast path", () => {
  it.each(documents)("answers %s with Apollo's exact bytes", async (query, variables) => {
    for (let i = 0; i < 2; i++) {
      const viaFast = await post(fast.app.handler, { query, variables });
      const viaApollo = await post(apolloOnly.handler, { query, variables });
      expect(viaFast.headers["x-advocate-fast-path"]).toBe("1");
      expect(viaApollo.headers["x-advocate-fast-path"]).toBeUndefined();
      expect(viaFast.status).toBe(viaApollo.status);
      expect(viaFast.headers["content-type"]).toBe(viaApollo.headers["content-type"]);
      expect(viaFast.text).toBe(viaApollo.text);
    }
  });

  it("leaves everything else to Apollo: keys, other fields, directives, mutations, bad documents", async () => {
    const cases: [object, Record<string, string>][] = [
      [{ query: `{ landingPage { matchedOn } }` }, { authorization: `Bearer ${ADMIN_KEY}` }],
      [{ query: `{ landingPage { matchedOn } churnModel { version } }` }, {}],
      [{ query: `query($x: Boolean!) { landingPage { matchedOn @include(if: $x) } }`, variables: { x: true } }, {}],
      [{ query: `{ landingPage { nope } }` }, {}],
      [{ query: `{ landingPage(limit: "many") { matchedOn } }` }, {}],
      [{ query: `mutation { trackReferralVisit(affiliateCode: "fast-aff", visitorId: "v") }` }, {}],
    ];
    for (const [body, headers] of cases) {
      const viaFast = await post(fast.app.handler, body, headers);
      const viaApollo = await post(apolloOnly.handler, body, headers);
      expect(viaFast.headers["x-advocate-fast-path"]).toBeUndefined();
      expect(viaFast.status).toBe(viaApollo.status);
    }
  });

  it("answers a malformed or unusual body exactly as Express and Apollo do", async () => {
    const landing = JSON.stringify({ query: `{ landingPage { matchedOn } }` });
    const cases: [string, string][] = [
      ["application/json", "{ not json"],
      ["application/json", `"a string"`],
      ["application/json", "[1, 2]"],
      ["application/json", "null"],
      ["application/json; charset=latin1", landing],
      ["text/plain", landing],
      ["application/json", JSON.stringify({ query: `{ landingPage { matchedOn } }`, padding: "x".repeat(20_000) })],
    ];
    for (const [contentType, body] of cases) {
      const send = (app: App["handler"]) => request(app).post("/graphql").set("content-type", contentType).send(body);
      const viaFast = await send(fast.app.handler);
      const viaApollo = await send(apolloOnly.handler);
      expect(viaFast.headers["x-advocate-fast-path"], body.slice(0, 40)).toBeUndefined();
      expect([viaFast.status, viaFast.text], body.slice(0, 40)).toEqual([viaApollo.status, viaApollo.text]);
    }
    const malformed = await request(fast.app.handler).post("/graphql").set("content-type", "application/json").send("{ not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].extensions.code).toBe("BAD_REQUEST");
    expect(malformed.text).not.toMatch(/at |node_modules/);
    // The same document in a body Express reads (too large for the fast path) is still answered.
    const large = await request(fast.app.handler)
      .post("/graphql")
      .set("content-type", "application/json")
      .send(JSON.stringify({ query: `{ landingPage { matchedOn } }`, padding: "x".repeat(20_000) }));
    expect(large.body.data.landingPage.matchedOn).toBeDefined();
  });

  it("answers random selections (subsets, any order, aliases, __typename, fragments, repeated fields) with Apollo's exact bytes", async () => {
    // Plain selections are read off the page without execute() (fast-path/projection.ts); a
    // repeated response key is executed. Either way the bytes must be Apollo's.
    const random = new Random("landing-projection");
    const item = ["id", "kind", "title", "body", "url", "customerName", "__typename"];
    const page: [string, string[] | null][] = [
      ["affiliate", ["code", "name", "__typename"]],
      ["niche", null],
      ["matchedOn", null],
      ["caseStudies", item],
      ["useCases", item],
      ["painPoints", item],
      ["__typename", null],
    ];
    let alias = 0;
    let fragments: string[] = [];
    const TYPES: Record<string, string> = { affiliate: "PublicAffiliate", caseStudies: "LandingContent", useCases: "LandingContent", painPoints: "LandingContent" };
    const select = (fields: readonly (readonly [string, string[] | null])[]): string => {
      const chosen = fields.filter(() => random.chance(0.6));
      if (chosen.length === 0) chosen.push(fields[random.int(0, fields.length - 1)]!);
      if (random.chance(0.15)) chosen.push(chosen[0]!);
      chosen.sort(() => random.next() - 0.5);
      return chosen
        .map(([name, sub]) => {
          if (!sub) return `${random.chance(0.25) ? `a${alias++}: ` : ""}${name}`;
          // The subselection as it is, in an inline fragment (typed or not), or in a named one.
          let inner = select(sub.map((s) => [s, null] as const));
          const form = random.next();
          if (form < 0.2) inner = `... on ${TYPES[name]} { ${inner} }`;
          else if (form < 0.3) inner = `... { ${inner} }`;
          else if (form < 0.5) {
            fragments.push(`fragment F${fragments.length} on ${TYPES[name]} { ${inner} }`);
            inner = `...F${fragments.length - 1}`;
          }
          return `${random.chance(0.25) ? `a${alias++}: ` : ""}${name} { ${inner} }`;
        })
        .join(" ");
    };
    for (let round = 0; round < 40; round++) {
      const variables = {
        c: [null, "fast-aff", "no-such-affiliate"][random.int(0, 2)],
        n: [null, niche, "elsewhere"][random.int(0, 2)],
        l: random.int(1, 4),
      };
      fragments = [];
      const selection = select(page);
      const query = `query P($c: String, $n: String, $l: Int) { ${random.chance(0.3) ? "p: " : ""}landingPage(affiliateCode: $c, niche: $n, limit: $l) { ${selection} } } ${fragments.join(" ")}`;
      // Each document is asked for two pages: the second reads items the first one wrote (a
      // compiled list remembers each item's JSON), and must still be Apollo's bytes.
      for (const asked of [variables, { ...variables, l: variables.l === 4 ? 2 : variables.l + 1 }]) {
        const viaFast = await post(fast.app.handler, { query, variables: asked });
        const viaApollo = await post(apolloOnly.handler, { query, variables: asked });
        expect(viaFast.headers["x-advocate-fast-path"], query).toBe("1");
        expect(viaFast.text, query).toBe(viaApollo.text);
      }
    }
  });

  it("reflects a content change on the very next request", async () => {
    const query = `{ landingPage(niche: "${niche}") { painPoints { title } } }`;
    const before = await post(fast.app.handler, { query });
    await fast.admin(`mutation { createContentAsset(input: {kind: PAIN_POINT, title: "Newest pain", body: "B", niches: ["${niche}"]}) { id } }`);
    const after = await post(fast.app.handler, { query });
    expect(after.text).not.toBe(before.text);
    expect(after.body.data.landingPage.painPoints[0].title).toBe("Newest pain");
  });

  it("serves GET with a persisted-query hash, cacheable by CDNs, after the hash was registered", async () => {
    const query = `query Landing($n: String) { landingPage(niche: $n) { matchedOn painPoints { title } } }`;
    const sha256Hash = createHash("sha256").update(query).digest("hex");
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    const variables = JSON.stringify({ n: niche });
    const get = () => request(fast.app.handler).get("/graphql").query({ extensions, variables });

    const unknown = await get();
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const registered = await post(fast.app.handler, { query, variables: { n: niche }, extensions: JSON.parse(extensions) });
    expect(registered.body.errors).toBeUndefined();
    const viaGet = await get();
    expect(viaGet.status).toBe(200);
    expect(viaGet.text).toBe(registered.text);
    expect(viaGet.headers["cache-control"]).toBe("public, max-age=60, stale-while-revalidate=600");
    const revalidated = await get().set("if-none-match", viaGet.headers.etag);
    expect(revalidated.status).toBe(304);
  });
});
