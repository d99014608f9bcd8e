import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, type TestApp } from "../../helpers/app.js";
import { createAffiliate } from "../../helpers/factories.js";

// CORS for the public surface (PUBLIC_CORS_ORIGINS): GET /landing, POST /visits, and the public
// GraphQL operations, on the fast path and through Apollo; never the keyed operations.

const SHOP = "https://shop.example";
const ELSEWHERE = "https://evil.example";
const LANDING = `query($c: String) { landingPage(affiliateCode: $c) { matchedOn } }`;
// Two root fields: not the fast path's kind of document, so Apollo answers it.
const LANDING_VIA_APOLLO = `query($c: String) { landingPage(affiliateCode: $c) { matchedOn } __typename }`;
const TRACK = `mutation($c: String!) { trackReferralVisit(affiliateCode: $c, visitorId: "cors-visitor") }`;

let t: TestApp;
let open: TestApp;
let code: string;
beforeAll(async () => {
  t = await startTestApp({ publicCorsOrigins: [SHOP] });
  open = await startTestApp({ publicCorsOrigins: ["*"] });
  code = (await createAffiliate(t)).code;
});
afterAll(async () => {
  await t?.close();
  await open?.close();
});

const graphql = (app: TestApp, query: string, origin: string, key?: string) => {
  let req = app.http.post("/graphql").set("content-type", "application/json").set("origin", origin);
  if (key) req = req.set("authorization", `Bearer ${key}`);
  return req.send({ query, variables: { c: code } });
};
const preflight = (app: TestApp, path: string, origin: string, headers = "content-type", method = "POST") =>
  app.http.options(path).set("origin", origin).set("access-control-request-method", method).set("access-control-request-headers", headers);

function expectApproved(res: { headers: Record<string, string> }, origin: string) {
  expect(res.headers["access-control-allow-origin"]).toBe(origin);
  expect(res.headers["vary"]).toMatch(/Origin/);
  expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
}
function expectRefused(res: { headers: Record<string, string> }) {
  expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
}

describe("CORS preflight", () => {
  it.each(["/landing", "/visits", "/graphql"])("approves %s for an allowed origin: GET, POST, OPTIONS and content-type only", async (path) => {
    const res = await preflight(t, path, SHOP);
    expect(res.status).toBe(204);
    expectApproved(res, SHOP);
    expect(res.headers["access-control-allow-methods"]).toBe("GET, POST, OPTIONS");
    expect(res.headers["access-control-allow-headers"]?.split(", ")[0]).toBe("content-type");
    expect(res.headers["access-control-allow-headers"]).not.toMatch(/authorization/i);
  });

  it.each(["/landing", "/visits", "/graphql"])("refuses %s for another origin, for the authorization header, and for other methods", async (path) => {
    expectRefused(await preflight(t, path, ELSEWHERE));
    expectRefused(await preflight(t, path, SHOP, "content-type, authorization"));
    expectRefused(await preflight(t, path, SHOP, "authorization"));
    expectRefused(await preflight(t, path, SHOP, "content-type", "PUT"));
    expectRefused(await preflight(open, path, SHOP, "authorization"));
  });

  it("lets a GET to /graphql send the header Apollo's CSRF prevention asks for", async () => {
    expectApproved(await preflight(t, "/graphql", SHOP, "apollo-require-preflight", "GET"), SHOP);
  });
});

describe("CORS on answers", () => {
  it("GET /landing: the allowed origin, or any with *", async () => {
    expectApproved(await t.http.get(`/landing?affiliate=${code}`).set("origin", SHOP), SHOP);
    expectRefused(await t.http.get(`/landing?affiliate=${code}`).set("origin", ELSEWHERE));
    expectApproved(await open.http.get("/landing").set("origin", ELSEWHERE), "*");
  });

  it("POST /visits: the allowed origin, or any with *", async () => {
    const body = JSON.stringify({ affiliate: code, visitorId: "cors-visitor-1" });
    expectApproved(await t.http.post("/visits").set("origin", SHOP).set("content-type", "text/plain").send(body), SHOP);
    expectRefused(await t.http.post("/visits").set("origin", ELSEWHERE).set("content-type", "text/plain").send(body));
    expectApproved(await open.http.post("/visits").set("origin", ELSEWHERE).set("content-type", "text/plain").send(body), "*");
    // Even a refusal of the body is readable by the page.
    const bad = await t.http.post("/visits").set("origin", SHOP).set("content-type", "text/plain").send("{");
    expect(bad.status).toBe(400);
    expectApproved(bad, SHOP);
  });

  it("landingPage on the fast path and through Apollo, and trackReferralVisit", async () => {
    const fast = await graphql(t, LANDING, SHOP);
    expect(fast.headers["x-advocate-fast-path"]).toBe("1");
    expectApproved(fast, SHOP);
    const apollo = await graphql(t, LANDING_VIA_APOLLO, SHOP);
    expect(apollo.headers["x-advocate-fast-path"]).toBeUndefined();
    expect(apollo.body.errors).toBeUndefined();
    expectApproved(apollo, SHOP);
    const track = await graphql(t, TRACK, SHOP);
    expect(track.body).toEqual({ data: { trackReferralVisit: true } });
    expectApproved(track, SHOP);
    expectRefused(await graphql(t, LANDING, ELSEWHERE));
    expectRefused(await graphql(t, TRACK, ELSEWHERE));
    expectApproved(await graphql(open, LANDING, ELSEWHERE), "*");
    expectApproved(await graphql(open, TRACK, ELSEWHERE), "*");
  });

  it("never approves an answer to a request with an Authorization header, a public operation included", async () => {
    for (const app of [t, open]) {
      const admin = await graphql(app, `{ customers(first: 1) { totalCount } }`, SHOP, ADMIN_KEY);
      expect(admin.body.errors).toBeUndefined();
      expectRefused(admin);
      const publicWithKey = await graphql(app, LANDING, SHOP, ADMIN_KEY);
      expect(publicWithKey.body.errors).toBeUndefined();
      expectRefused(publicWithKey);
      expectRefused(await app.http.get("/landing").set("origin", SHOP).set("authorization", `Bearer ${ADMIN_KEY}`));
    }
  });

  it("does not approve a keyless request for a keyed operation, nor one mixing it with a public one", async () => {
    for (const app of [t, open]) {
      const anonymous = await graphql(app, `{ customers(first: 1) { totalCount } }`, SHOP);
      expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
      expectRefused(anonymous);
      expectRefused(await graphql(app, `query($c: String) { landingPage(affiliateCode: $c) { matchedOn } customers(first: 1) { totalCount } }`, SHOP));
      expectRefused(await graphql(app, `query($c: String) { ...F } fragment F on Query { landingPage(affiliateCode: $c) { matchedOn } customers(first: 1) { totalCount } }`, SHOP));
    }
  });
});
