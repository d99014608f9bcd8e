import { getNamedType, graphql, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Role, ServerKeyScope } from "../../../src/auth/roles.js";
import { setLogLevel } from "../../../src/common/log.js";
import { getSchema } from "../../../src/server/schema.js";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { access, requiredArgs, selection, walkFields } from "../../helpers/schema-walk.js";
import { createServerKey } from "../../helpers/factories.js";

// The access matrix of the public caller, the admin and server keys, generated from the schema (the
// affiliate's is in affiliate-portal.test.ts): every operation tried with each, every field the
// public can reach tried one by one against an explicit allow-list, so a new operation or field
// fails here until someone decides who may see it. And no key ever reaches the logs.

let t: TestApp;
let schema: GraphQLSchema;
let affiliateKey: string;
let serverKey: string;
let code: string;

/** What a caller without a key may read: the landing page, and nothing about customers beyond a case study's name. */
const PUBLIC_READS = new Set([
  "LandingPage.affiliate", "LandingPage.caseStudies", "LandingPage.matchedOn", "LandingPage.niche", "LandingPage.painPoints", "LandingPage.useCases",
  "PublicAffiliate.code", "PublicAffiliate.name",
  "LandingContent.id", "LandingContent.kind", "LandingContent.title", "LandingContent.body", "LandingContent.url", "LandingContent.customerName",
]);
/** Operations only an affiliate key may call (the admin acts on affiliates by id instead). */
const AFFILIATE_ONLY = ["myAffiliate", "rotateMyApiKey"];
/**
 * What a server key may call, by scope: writes only, no reads (issue 14). INGESTION opens no
 * GraphQL operation: it is the Segment-compatible /v1/* routes' scope (issue 15).
 */
const SERVER_OPERATIONS: Record<ServerKeyScope, string[]> = { [ServerKeyScope.CONVERSIONS]: ["reportConversion"], [ServerKeyScope.INGESTION]: [] };

const roots = () =>
  [
    ["query", schema.getQueryType()!],
    ["mutation", schema.getMutationType()!],
  ] as const;

beforeAll(async () => {
  schema = await getSchema();
  t = await startTestApp();
  code = unique("matrix").toLowerCase();
  const created = await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Matrix", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
  affiliateKey = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: created.data!.createAffiliate.id })).data!.createAffiliateApiKey;
  serverKey = (await createServerKey(t, [ServerKeyScope.CONVERSIONS])).secret;
});
afterAll(async () => {
  await t?.close();
});

describe("the public (no key)", () => {
  it("is UNAUTHENTICATED for every operation that is not public", async () => {
    const tried: string[] = [];
    for (const [kind, root] of roots()) {
      for (const field of Object.values(root.getFields())) {
        if (access(field)!.includes(Role.PUBLIC)) continue;
        const res = await t.gql(`${kind} { ${field.name}${requiredArgs(field.args)}${selection(field.type)} }`);
        expect(res.errors?.[0]?.extensions?.code, `${kind} ${field.name}`).toBe("UNAUTHENTICATED");
        tried.push(field.name);
      }
    }
    expect(tried.length).toBeGreaterThan(40);
  });

  it("reads exactly the landing-page fields it is meant to, each one tried", async () => {
    const landing = schema.getQueryType()!.getFields().landingPage!;
    const found = walkFields(getNamedType(landing.type) as GraphQLObjectType, (inner) => `{ landingPage(affiliateCode: "${code}", niche: "x") { ${inner} } }`, (roles) => roles !== null && !roles.includes(Role.PUBLIC));
    expect([...found.keys()].sort()).toEqual([...PUBLIC_READS].sort());
    for (const [name, { query }] of found) {
      const res = await t.gql(query);
      expect(res.errors, `${name}: ${query}`).toBeUndefined();
    }
  });
});

describe("the admin", () => {
  it("may call every operation but the affiliate's own (tried with placeholder arguments)", async () => {
    const denied: string[] = [];
    for (const [kind, root] of roots()) {
      for (const field of Object.values(root.getFields())) {
        const res = await t.admin(`${kind} { ${field.name}${requiredArgs(field.args)}${selection(field.type)} }`);
        const code = res.errors?.[0]?.extensions?.code;
        if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") denied.push(field.name);
      }
    }
    expect(denied).toEqual(AFFILIATE_ONLY);
  });

  it("may read every field of every type (no field declares roles without ADMIN; PUBLIC is everyone)", () => {
    const notAdmin: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || !("getFields" in type) || type === schema.getMutationType()) continue;
      for (const field of Object.values((type as GraphQLObjectType).getFields())) {
        const roles = access(field as never);
        if (roles !== null && !roles.includes(Role.ADMIN) && !roles.includes(Role.PUBLIC)) notAdmin.push(`${type.name}.${field.name}`);
      }
    }
    expect(notAdmin).toEqual(["Query.myAffiliate"]);
  });
});

describe("a server key", () => {
  it("is FORBIDDEN on every operation but its scope's, public ones included; its own is allowed", async () => {
    const allowed = new Set(Object.values(SERVER_OPERATIONS).flat());
    const forbidden: string[] = [];
    const answered: string[] = [];
    for (const [kind, root] of roots()) {
      for (const field of Object.values(root.getFields())) {
        const res = await t.gql(`${kind} { ${field.name}${requiredArgs(field.args)}${selection(field.type)} }`, {}, serverKey);
        const errorCode = res.errors?.[0]?.extensions?.code;
        (errorCode === "FORBIDDEN" ? forbidden : answered).push(field.name);
        if (errorCode === "FORBIDDEN") expect(res.data?.[field.name] ?? null, field.name).toBeNull();
      }
    }
    expect(answered.sort()).toEqual([...allowed].sort());
    expect(forbidden.length).toBeGreaterThan(40);
  });

  it("is granted exactly the operations the scopes list, each declaring its scopes in the schema", () => {
    const granted: Record<string, string[]> = {};
    for (const [, root] of roots()) {
      for (const field of Object.values(root.getFields())) {
        const scopes = (field.extensions?.scopes as ServerKeyScope[] | undefined) ?? [];
        expect(scopes.length > 0, field.name).toBe(access(field)!.includes(Role.SERVER));
        for (const scope of scopes) (granted[scope] ??= []).push(field.name);
      }
    }
    expect(granted).toEqual(Object.fromEntries(Object.entries(SERVER_OPERATIONS).filter(([, operations]) => operations.length > 0)));
  });

  it("without the operation's scope is FORBIDDEN (the auth checker, in-process: a stored key needs a scope)", async () => {
    const schema = await getSchema();
    const res = await graphql({
      schema,
      source: `mutation { reportConversion(input: {visitorId: "v", customer: {externalId: "x", name: "X"}}) { status } }`,
      contextValue: { caller: { role: Role.SERVER, serverKeyId: "k", scopes: [] } },
    });
    // In-process, the error is the checker's own (the app's formatError maps its code to extensions).
    expect((res.errors?.[0]?.originalError as { code?: string } | undefined)?.code).toBe("FORBIDDEN");
    expect(res.data).toBeNull();
  });

  it("gets nothing readable from its operation: the result holds scalars only, no customer to expand", () => {
    const result = getNamedType(schema.getMutationType()!.getFields().reportConversion!.type) as GraphQLObjectType;
    const objectFields = Object.values(result.getFields()).filter((f) => isObjectType(getNamedType(f.type)));
    expect(objectFields.map((f) => f.name)).toEqual([]);
  });
});

describe("secrets", () => {
  it("never logs a key, whoever sends it and whatever the answer", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
    setLogLevel("debug");
    try {
      await t.gql(`{ myAffiliate { code } }`, {}, affiliateKey);
      await t.gql(`{ customers(first: 1) { totalCount } }`, {}, affiliateKey);
      await t.admin(`{ customers(first: 1) { totalCount } }`);
      await t.gql(`{ customers(first: 1) { totalCount } }`, {}, "adv_aff_not-a-real-key-000000000000");
      await t.gql(`{ customers(first: 1) { totalCount } }`, {}, serverKey);
      await t.gql(`mutation { reportConversion(input: {visitorId: "v", customer: {externalId: "secrets", name: "S"}}) { status } }`, {}, serverKey);
      await t.http.post("/webhooks/events").set("x-advocate-signature", "sha256=00").send({ events: [] });
    } finally {
      setLogLevel("warn");
      spy.mockRestore();
    }
    const text = lines.join("");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const secret of [ADMIN_KEY, affiliateKey, serverKey, "adv_aff_not-a-real-key-000000000000"]) expect(text).not.toContain(secret);
  });
});

describe("payments and exchange rates", () => {
  const operations = [
    `{ unlinkedPayments { id amountCents currency } }`,
    `{ exchangeRates { currency rate } }`,
    `mutation { setExchangeRate(currency: "EUR", rate: 1.1) { id } }`,
  ];

  it("are the admin's: an affiliate key is FORBIDDEN, no key UNAUTHENTICATED", async () => {
    for (const query of operations) {
      expect((await t.gql(query, {}, affiliateKey)).errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
      expect((await t.gql(query)).errors?.[0]?.extensions?.code, query).toBe("UNAUTHENTICATED");
      expect((await t.admin(query)).errors, query).toBeUndefined();
    }
  });

  it("keeps a customer's payments from affiliates, and shows them why a commission waits", async () => {
    const fields = schema.getType("Customer") as GraphQLObjectType;
    expect(access(fields.getFields().payments as never)).toEqual([Role.ADMIN]);
    const own = await t.gql(`{ myAffiliate { commissionsWaiting { customerLabel currency reason } } }`, {}, affiliateKey);
    expect(own.errors).toBeUndefined();
    expect(own.data!.myAffiliate.commissionsWaiting).toEqual([]);
  });
});

describe("the CSV export routes (GET /exports/*.csv)", () => {
  const ROUTES = ["/exports/customers.csv", "/exports/affiliates.csv", "/exports/ledger.csv"];
  /** A browser session of a key: the cookie POST /session sets. */
  const sessionOf = async (key: string) => {
    const res = await t.http.post("/session").set("content-type", "application/json").send({ key });
    return String(res.headers["set-cookie"]![0]).split(";")[0]!;
  };

  it("answer the admin key and an admin console session (no CSRF token: a safe read); refuse everyone else with the reason", async () => {
    const adminCookie = await sessionOf(ADMIN_KEY);
    const affiliateCookie = await sessionOf(affiliateKey);
    const callers: [string, Record<string, string>, number, RegExp | null][] = [
      ["admin key", { authorization: `Bearer ${ADMIN_KEY}` }, 200, null],
      ["admin session", { cookie: adminCookie }, 200, null],
      ["admin session from another site", { cookie: adminCookie, "sec-fetch-site": "cross-site" }, 403, /another site/],
      ["no credential", {}, 401, /admin key.*sign in to the console/],
      ["expired or unknown session", { cookie: "advocate_session=nope" }, 401, /sign in to the console/],
      ["unknown key", { authorization: "Bearer adv_aff_not-a-real-key-000000000000" }, 401, /unknown or revoked/],
      ["affiliate key", { authorization: `Bearer ${affiliateKey}` }, 403, /affiliate key may not export/],
      ["affiliate session", { cookie: affiliateCookie }, 403, /affiliate session may not export/],
      ["server key", { authorization: `Bearer ${serverKey}` }, 403, /server key may not export/],
    ];
    for (const route of ROUTES) {
      for (const [who, headers, status, reason] of callers) {
        const res = await t.http.get(route).set(headers);
        expect(res.status, `${who} ${route}`).toBe(status);
        if (reason) expect(res.body.error, `${who} ${route}`).toMatch(reason);
        else expect(res.headers["content-type"], `${who} ${route}`).toBe("text/csv; charset=utf-8");
      }
    }
  });
});
