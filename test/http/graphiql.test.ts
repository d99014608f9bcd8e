import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";

/** What Chromium sends when it opens a page. */
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

// GraphiQL itself, offline in Chromium, is test/process/graphiql-browser.test.ts; here, when
// GET /graphql is the IDE and when it stays an operation.
describe("GET /graphql with GraphiQL off", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ graphqlLimits: { introspection: false, fieldSuggestions: false, graphiql: false } });
  });
  afterAll(() => t.close());

  it("shows no IDE (neither GraphiQL nor Apollo's Sandbox) to a browser, and serves none of its files", async () => {
    const res = await t.http.get("/graphql").set("accept", BROWSER_ACCEPT);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).not.toContain("text/html");
    expect(res.text).not.toMatch(/graphiql|sandbox/i);
    const script = await t.http.get("/graphql/ide/graphiql.js");
    expect(script.status).not.toBe(200);
    expect(script.headers["content-type"]).not.toContain("javascript");
  });
});

describe("GET /graphql with GraphiQL on", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("still answers an operation in the query string, or asked for JSON, as GraphQL", async () => {
    const res = await t.http.get("/graphql").query({ query: "{ __typename }" }).set("accept", BROWSER_ACCEPT).set("apollo-require-preflight", "true");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __typename: "Query" } });
    const json = await t.http.get("/graphql").set("accept", "application/json");
    expect(json.headers["content-type"]).toContain("application/json");
  });
});
