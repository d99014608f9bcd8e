import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSchema } from "../../../src/server/schema.js";
import { Role } from "../../../src/auth/roles.js";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createServerKey } from "../../helpers/factories.js";
import { access, requiredArgs, selection } from "../../helpers/schema-walk.js";
import { startTestSmtp, type TestSmtp } from "../../helpers/smtp.js";

// The console's and the portal's browser session: a key (or a mailed link) exchanged once for an
// HttpOnly SameSite=Strict cookie; GraphQL through the cookie needs the session's CSRF token;
// signing out ends it on the server. The security matrix's row for the cookie: an admin session
// may call what the admin key may, and nothing at all without its CSRF token.

let t: TestApp;
let smtp: TestSmtp;
let affiliateId: string;
let affiliateKey: string;
const contactEmail = `${unique("partner").toLowerCase()}@example.com`;

type Agent = ReturnType<typeof request.agent>;

async function signIn(body: Record<string, unknown>): Promise<{ agent: Agent; csrf: string; cookie: string }> {
  const agent = request.agent(t.app.handler);
  const res = await agent.post("/session").set("content-type", "application/json").send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { agent, csrf: res.body.csrfToken, cookie: String(res.headers["set-cookie"]) };
}

const gql = (agent: Agent, query: string, csrf?: string, variables: Record<string, unknown> = {}) => {
  const req = agent.post("/graphql").set("content-type", "application/json");
  return (csrf ? req.set("x-csrf-token", csrf) : req).send({ query, variables });
};

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await startTestApp({ email: { smtpUrl: smtp.url, publicUrl: "https://advocate.example.com" } });
  const customer = await t.admin(`mutation($e: String!) { upsertCustomer(input: {externalId: $e, name: "Partner Co", mrrCents: 1000}) { id } }`, { e: unique("crm") });
  const customerId = customer.data!.upsertCustomer.id;
  await t.admin(`mutation($id: ID!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: "Pat Partner", email: $e, role: CHAMPION}) { id } }`, { id: customerId, e: contactEmail });
  const created = await t.admin(`mutation($c: String!, $id: ID!) { createAffiliate(input: {code: $c, name: "Pat", customerId: $id, commissionType: PERCENT, commissionValue: 10}) { id } }`, {
    c: unique("cookie").toLowerCase(),
    id: customerId,
  });
  affiliateId = created.data!.createAffiliate.id;
  affiliateKey = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).data!.createAffiliateApiKey;
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

describe("signing in", () => {
  it("exchanges the admin key for an HttpOnly, SameSite=Strict cookie that is not the key, and a CSRF token", async () => {
    const res = await request(t.app.handler).post("/session").set("content-type", "application/json").send({ key: ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: "ADMIN", csrfToken: expect.any(String) });
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^advocate_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(ADMIN_KEY);
    expect(JSON.stringify(res.body)).not.toContain(ADMIN_KEY);
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("refuses a wrong key (401), a server key (403), and anything but JSON (415, no login CSRF from a form)", async () => {
    const post = () => request(t.app.handler).post("/session");
    expect((await post().set("content-type", "application/json").send({ key: "adv_aff_nope" })).status).toBe(401);
    expect((await post().set("content-type", "application/json").send({ key: "not-the-admin-key" })).status).toBe(401);
    const server = await createServerKey(t);
    expect((await post().set("content-type", "application/json").send({ key: server.secret })).status).toBe(403);
    const form = await post().type("form").send({ key: ADMIN_KEY });
    expect(form.status).toBe(415);
    expect(form.headers["set-cookie"]).toBeUndefined();
  });
});

describe("GraphQL through the cookie", () => {
  it("acts as the admin with the CSRF token, and is FORBIDDEN (403) without it or with another", async () => {
    const { agent, csrf } = await signIn({ key: ADMIN_KEY });
    const ok = await gql(agent, `{ customers { totalCount } }`, csrf);
    expect(ok.body.errors).toBeUndefined();
    const count = (await t.admin(`{ customers { totalCount } }`)).data!.customers.totalCount;
    expect(ok.body.data.customers.totalCount).toBe(count);
    for (const token of [undefined, "x".repeat(43)]) {
      const refused = await gql(agent, `{ customers { totalCount } }`, token);
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].extensions.code).toBe("FORBIDDEN");
      expect(refused.body.data ?? null).toBeNull();
    }
    // A refused write wrote nothing.
    await gql(agent, `mutation { upsertCustomer(input: {externalId: "csrf-victim", name: "X", mrrCents: 1}) { id } }`);
    expect((await t.admin(`{ customers { totalCount } }`)).data!.customers.totalCount).toBe(count);
  });

  it("the matrix row: an admin session may call every operation the admin key may, and none without its CSRF token", async () => {
    const schema = await getSchema();
    const { agent, csrf } = await signIn({ key: ADMIN_KEY });
    const denied: string[] = [];
    let tried = 0;
    for (const [kind, root] of [["query", schema.getQueryType()!], ["mutation", schema.getMutationType()!]] as const) {
      for (const field of Object.values(root.getFields())) {
        const document = `${kind} { ${field.name}${requiredArgs(field.args)}${selection(field.type)} }`;
        const res = await gql(agent, document, csrf);
        const code = res.body.errors?.[0]?.extensions?.code;
        if (code === "UNAUTHENTICATED" || code === "FORBIDDEN") denied.push(field.name);
        if (!access(field)!.includes(Role.PUBLIC)) {
          const without = await gql(agent, document);
          expect(without.body.errors?.[0]?.extensions?.code, field.name).toBe("FORBIDDEN");
        }
        tried++;
      }
    }
    expect(denied.sort()).toEqual(["myAffiliate", "rotateMyApiKey"]);
    expect(tried).toBeGreaterThan(40);
  });

  it("an affiliate's session reads its own myAffiliate and nothing of the admin's", async () => {
    const { agent, csrf } = await signIn({ key: affiliateKey });
    const own = await gql(agent, `{ myAffiliate { id } }`, csrf);
    expect(own.body.data.myAffiliate.id).toBe(affiliateId);
    const admin = await gql(agent, `{ customers { totalCount } }`, csrf);
    expect(admin.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });

  it("an Authorization header wins over a cookie (a key sent explicitly is what the caller means)", async () => {
    const { agent } = await signIn({ key: ADMIN_KEY });
    const res = await agent.post("/graphql").set("content-type", "application/json").set("authorization", `Bearer ${affiliateKey}`).send({ query: `{ myAffiliate { id } }` });
    expect(res.body.data.myAffiliate.id).toBe(affiliateId);
  });
});

describe("signing out", () => {
  it("needs the CSRF token, then ends the session on the server: the same cookie is the public's", async () => {
    const { agent, csrf, cookie } = await signIn({ key: ADMIN_KEY });
    expect((await agent.get("/session")).body).toMatchObject({ role: "ADMIN", csrfToken: csrf });
    expect((await agent.delete("/session")).status).toBe(403);
    expect((await gql(agent, `{ customers { totalCount } }`, csrf)).body.errors).toBeUndefined();
    const out = await agent.delete("/session").set("x-csrf-token", csrf);
    expect(out.status).toBe(204);
    expect(String(out.headers["set-cookie"])).toMatch(/advocate_session=;/);
    // Replaying the old cookie by hand: the server no longer knows it.
    const replay = await request(t.app.handler).post("/graphql").set("content-type", "application/json").set("cookie", cookie.split(";")[0]!).set("x-csrf-token", csrf).send({ query: `{ customers { totalCount } }` });
    expect(replay.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect((await request(t.app.handler).get("/session").set("cookie", cookie.split(";")[0]!)).status).toBe(401);
  });
});

describe("the portal's magic link and key rotation", () => {
  it("mails a one-time link to the affiliate's contact; the link signs in once; an unknown address gets the same answer and no mail", async () => {
    const before = smtp.messages.length;
    const unknown = await request(t.app.handler).post("/portal/magic-link").set("content-type", "application/json").send({ email: "nobody@example.com" });
    expect(unknown.status).toBe(202);
    const known = await request(t.app.handler).post("/portal/magic-link").set("content-type", "application/json").send({ email: contactEmail.toUpperCase() });
    expect(known.status).toBe(202);
    expect(known.body).toEqual(unknown.body);
    expect(smtp.messages.length).toBe(before + 1);
    const [mail] = smtp.to(contactEmail).slice(-1);
    const link = /https:\/\/advocate\.example\.com\/portal\/#magic=([\w-]+)/.exec(mail!.text ?? "");
    expect(link, mail!.text).not.toBeNull();
    const { agent, csrf } = await signIn({ magicToken: link![1] });
    expect((await gql(agent, `{ myAffiliate { id } }`, csrf)).body.data.myAffiliate.id).toBe(affiliateId);
    const again = await request(t.app.handler).post("/session").set("content-type", "application/json").send({ magicToken: link![1] });
    expect(again.status).toBe(401);
  });

  it("rotateMyApiKey revokes the affiliate's keys and returns a new one that works", async () => {
    const old = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).data!.createAffiliateApiKey;
    const rotated = await t.gql(`mutation { rotateMyApiKey }`, {}, old);
    const fresh: string = rotated.data!.rotateMyApiKey;
    expect(fresh).toMatch(/^adv_aff_/);
    expect((await t.gql(`{ myAffiliate { id } }`, {}, old)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(`{ myAffiliate { id } }`, {}, affiliateKey)).errors![0]!.extensions!.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(`{ myAffiliate { id } }`, {}, fresh)).data!.myAffiliate.id).toBe(affiliateId);
    const keys = await t.admin(`query($c: String!) { affiliate(code: $c) { apiKeys { revokedAt } } }`, { c: (await t.gql(`{ myAffiliate { code } }`, {}, fresh)).data!.myAffiliate.code });
    expect(keys.data!.affiliate.apiKeys.filter((k: { revokedAt: string | null }) => k.revokedAt === null)).toHaveLength(1);
    affiliateKey = fresh;
  });
});
