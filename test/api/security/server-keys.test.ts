import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { createAffiliate, createServerKey } from "../../helpers/factories.js";

// Server keys (issue 14, point 3): created by the admin with scopes, shown once, stored as a
// hash, listed without secrets, revoked at once, and rate-limited per key like other keys.

let t: TestApp;
let affiliateKey: string;
beforeAll(async () => {
  t = await startTestApp();
  const affiliate = await createAffiliate(t);
  affiliateKey = (await t.admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliate.id })).data!.createAffiliateApiKey;
});
afterAll(async () => {
  await t?.close();
});

const CONVERSION = `mutation { reportConversion(input: {visitorId: "v-keys", customer: {externalId: "keys-1", name: "Keys Co"}}) { status } }`;
const listKeys = async () => (await t.admin(`{ serverKeys { id name scopes keyPrefix createdAt revokedAt lastUsedAt } }`)).data!.serverKeys as Record<string, any>[];

describe("server keys", () => {
  it("returns the secret once (adv_srv_…), stores only its hash, and lists the key by prefix with its scopes", async () => {
    const name = unique("marketing-backend");
    const res = await t.admin(`mutation($n: String!) { createServerKey(input: {name: $n, scopes: [CONVERSIONS, CONVERSIONS]}) { secret key { id name scopes keyPrefix revokedAt lastUsedAt } } }`, { n: name });
    expect(res.errors).toBeUndefined();
    const { secret, key } = res.data!.createServerKey;
    expect(secret).toMatch(/^adv_srv_[A-Za-z0-9_-]{40,}$/);
    expect(key).toMatchObject({ name, scopes: ["CONVERSIONS"], revokedAt: null, lastUsedAt: null });
    expect(secret.startsWith(key.keyPrefix) && key.keyPrefix.length < secret.length).toBe(true);
    expect(JSON.stringify(await t.database.fingerprint())).not.toContain(secret);
    expect((await listKeys()).find((k) => k.id === key.id)).toMatchObject({ name, keyPrefix: key.keyPrefix });
    expect(JSON.stringify(await listKeys())).not.toContain(secret);
  });

  it("records when a key was last used", async () => {
    const { id, secret } = await createServerKey(t);
    expect((await t.gql(CONVERSION, {}, secret)).errors).toBeUndefined();
    const used = (await listKeys()).find((k) => k.id === id)!;
    expect(used.lastUsedAt).not.toBeNull();
    expect(Math.abs(Date.parse(used.lastUsedAt) - Date.now())).toBeLessThan(60_000);
  });

  it("a revoked key stops working at once (401), revoking twice is harmless, other keys go on", async () => {
    const revoked = await createServerKey(t);
    const kept = await createServerKey(t);
    expect((await t.gql(CONVERSION, {}, revoked.secret)).errors).toBeUndefined();
    const first = await t.admin(`mutation($id: ID!) { revokeServerKey(id: $id) { revokedAt } }`, { id: revoked.id });
    expect(first.data!.revokeServerKey.revokedAt).not.toBeNull();
    const second = await t.admin(`mutation($id: ID!) { revokeServerKey(id: $id) { revokedAt } }`, { id: revoked.id });
    expect(second.data!.revokeServerKey.revokedAt).toBe(first.data!.revokeServerKey.revokedAt);
    const refused = await t.gql(CONVERSION, {}, revoked.secret);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(CONVERSION, {}, kept.secret)).errors).toBeUndefined();
  });

  it("an unknown adv_srv_ key is UNAUTHENTICATED (401)", async () => {
    const res = await t.gql(CONVERSION, {}, "adv_srv_not-a-real-key-0000000000000000000000");
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it.each([
    ["a blank name", "name", `mutation { createServerKey(input: {name: " ", scopes: [CONVERSIONS]}) { secret } }`],
    ["no scope", "scopes", `mutation { createServerKey(input: {name: "none", scopes: []}) { secret } }`],
    ["revoking an unknown key", "id", `mutation { revokeServerKey(id: "00000000-0000-4000-8000-000000000000") { id } }`],
    ["revoking a malformed id", "id", `mutation { revokeServerKey(id: "42") { id } }`],
  ])("%s → BAD_USER_INPUT on %s, nothing written", async (_name, field, query) => {
    const before = await t.database.fingerprint();
    const res = await t.admin(query);
    expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await t.database.fingerprint()).toEqual(before);
  });

  it.each([
    ["createServerKey", `mutation { createServerKey(input: {name: "x", scopes: [CONVERSIONS]}) { secret } }`],
    ["serverKeys", `{ serverKeys { id } }`],
    ["revokeServerKey", `mutation { revokeServerKey(id: "00000000-0000-4000-8000-000000000000") { id } }`],
  ])("%s is for the admin: the public is UNAUTHENTICATED, an affiliate and a server key FORBIDDEN", async (_op, query) => {
    const serverKey = (await createServerKey(t)).secret;
    const before = await t.database.fingerprint();
    expect((await t.gql(query)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(query, {}, affiliateKey)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // The server key's first request marks it used: compare what is not the key itself.
    const refused = await t.gql(query, {}, serverKey);
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const after = await t.database.fingerprint();
    expect({ ...after, server_keys: null }).toEqual({ ...before, server_keys: null });
  });
});

describe("rate limit", () => {
  it("limits each server key like any other key (RATE_LIMIT_PER_KEY_PER_MINUTE), one key apart from another", async () => {
    const limited = await startTestApp({ requestRateLimit: { perKeyPerMinute: 2, perAddressPerMinute: 0 } });
    try {
      const a = (await createServerKey(limited)).secret;
      const b = (await createServerKey(limited)).secret;
      for (let i = 0; i < 2; i++) expect((await limited.gql(CONVERSION, {}, a)).status).toBe(200);
      const refused = await limited.http.post("/graphql").set("authorization", `Bearer ${a}`).send({ query: CONVERSION });
      expect(refused.status).toBe(429);
      expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
      expect(refused.body.errors[0].extensions.code).toBe("TOO_MANY_REQUESTS");
      expect((await limited.gql(CONVERSION, {}, b)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
