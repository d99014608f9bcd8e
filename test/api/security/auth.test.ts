import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSchema } from "../../../src/server/schema.js";
import { Allow, Role, server, ServerKeyScope } from "../../../src/auth/roles.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";

let t: TestApp;
let affiliateId: string;
let affiliateCode: string;
let affiliateKey: string;

beforeAll(async () => {
  t = await startTestApp();
  affiliateCode = unique("aff").toLowerCase();
  const created = await t.admin(
    `mutation($code: String!) { createAffiliate(input: {code: $code, name: "Ana", commissionType: PERCENT, commissionValue: 20}) { id } }`,
    { code: affiliateCode },
  );
  affiliateId = created.data!.createAffiliate.id;
  affiliateKey = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).data!.createAffiliateApiKey;
});
afterAll(async () => {
  await t?.close();
});

describe("every operation declares who may call it", () => {
  it("each query and mutation carries an access declaration", async () => {
    const schema = await getSchema();
    const undeclared: string[] = [];
    for (const root of [schema.getQueryType()!, schema.getMutationType()!]) {
      for (const field of Object.values(root.getFields())) {
        const access = field.extensions?.access as Role[] | undefined;
        const scopes = field.extensions?.scopes as ServerKeyScope[] | undefined;
        if (!Array.isArray(access) || access.length === 0 || !access.every((r) => Object.values(Role).includes(r))) {
          undeclared.push(`${root.name}.${field.name}`);
        }
        if (!Array.isArray(scopes) || !scopes.every((s) => Object.values(ServerKeyScope).includes(s))) undeclared.push(`${root.name}.${field.name} (scopes)`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it("server keys are granted by scope only: a bare Role.SERVER, which would admit every server key, is refused", () => {
    expect(() => Allow(Role.ADMIN, Role.SERVER)).toThrow(/server\(scope/);
    expect(() => Allow(Role.ADMIN, server())).toThrow(/at least one scope/);
    expect(() => Allow(Role.ADMIN, server(ServerKeyScope.CONVERSIONS))).not.toThrow();
  });

  it("only landingPage and trackReferralVisit are public", async () => {
    const schema = await getSchema();
    const publicOps = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
      Object.values(root.getFields())
        .filter((f) => (f.extensions?.access as Role[]).includes(Role.PUBLIC))
        .map((f) => f.name),
    );
    expect(publicOps.sort()).toEqual(["landingPage", "trackReferralVisit"]);
  });
});

describe("keys and roles", () => {
  it("an admin operation without a key is UNAUTHENTICATED", async () => {
    const res = await t.gql(`{ affiliates { totalCount } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(res.data?.affiliates ?? null).toBeNull();
  });

  it("an unknown key is UNAUTHENTICATED, with HTTP 401", async () => {
    const res = await t.gql(`{ affiliates { totalCount } }`, {}, "adv_aff_not-a-real-key");
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("an affiliate key on an admin operation is FORBIDDEN", async () => {
    const res = await t.gql(`{ affiliates { totalCount } }`, {}, affiliateKey);
    expect(res.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("an affiliate sees its own profile, and not what is admin-only on it", async () => {
    const own = await t.gql(`{ myAffiliate { id code name commissionType commissionValue } }`, {}, affiliateKey);
    expect(own.data!.myAffiliate).toEqual({ id: affiliateId, code: affiliateCode, name: "Ana", commissionType: "PERCENT", commissionValue: 20 });
    const referrals = await t.gql(`{ myAffiliate { referrals { totalCount } } }`, {}, affiliateKey);
    expect(referrals.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("myAffiliate needs an affiliate key: the admin key is FORBIDDEN, no key UNAUTHENTICATED", async () => {
    expect((await t.admin(`{ myAffiliate { id } }`)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await t.gql(`{ myAffiliate { id } }`)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a public mutation needs no key", async () => {
    const res = await t.gql(`mutation($code: String!) { trackReferralVisit(affiliateCode: $code, visitorId: "v1") }`, { code: affiliateCode });
    expect(res.errors).toBeUndefined();
    expect(res.data!.trackReferralVisit).toBe(true);
  });

  it("stores only a hash of the key, lists it by prefix, and a revoked key stops working at once", async () => {
    const secret = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).data!.createAffiliateApiKey;
    expect((await t.gql(`{ myAffiliate { id } }`, {}, secret)).data!.myAffiliate.id).toBe(affiliateId);

    const keys = await t.admin(`query($code: String!) { affiliate(code: $code) { apiKeys { id keyPrefix revokedAt } } }`, { code: affiliateCode });
    const listed = keys.data!.affiliate.apiKeys.find((k: any) => secret.startsWith(k.keyPrefix) && k.keyPrefix.length < secret.length);
    expect(listed).toBeDefined();
    expect(JSON.stringify(await t.database.fingerprint())).not.toContain(secret);

    const revoked = await t.admin(`mutation($id: ID!) { revokeAffiliateApiKey(id: $id) { revokedAt } }`, { id: listed.id });
    expect(revoked.data!.revokeAffiliateApiKey.revokedAt).not.toBeNull();
    const after = await t.gql(`{ myAffiliate { id } }`, {}, secret);
    expect(after.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("a malformed Authorization header is UNAUTHENTICATED", async () => {
    const res = await t.http.post("/graphql").set("authorization", "Basic abc").send({ query: "{ segments { id } }" });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("introspection still shows the contract to tools", async () => {
    const res = await t.admin(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
  });
});
