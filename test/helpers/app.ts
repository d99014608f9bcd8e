import request from "supertest";
import { createApp, type App, type AppDeps } from "../../src/server/app.js";
import type { ConfigOverrides } from "../../src/config/config.js";
import { openTestDatabase, type TestDatabase } from "./db.js";
import { ADMIN_KEY, testConfig } from "./config.js";

export { ADMIN_KEY, testConfig };

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string } }[] | undefined;
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  http: ReturnType<typeof request>;
  /** POSTs a GraphQL operation; `key` undefined sends no Authorization header. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GraphQLResponse<T>>;
  /** The same, as the admin. */
  admin<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /**
   * Resolves once the app's background work after earlier writes is done: no statement sent for
   * 250 ms, so a statement count taken next sees only the request under test (the landing
   * catalog hears PostgreSQL's NOTIFY of a write some time after it).
   */
  quiet(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the real app on a fresh database of the kind under test; one per test file. `overrides`
 * change the configuration (testConfig), `deps` give a clock or a mailer of the test's own.
 */
export async function startTestApp(overrides: ConfigOverrides = {}, deps: Omit<AppDeps, "database"> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const app = await createApp(testConfig(overrides), { ...deps, database });
  const http = request(app.handler);
  const gql: TestApp["gql"] = async (query, variables, key) => {
    let req = http.post("/graphql").set("content-type", "application/json");
    if (key) req = req.set("authorization", `Bearer ${key}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body.data, errors: res.body.errors };
  };
  return {
    app,
    database,
    http,
    gql,
    admin: (query, variables) => gql(query, variables, ADMIN_KEY),
    async quiet() {
      let before = -1;
      while (before !== database.queryCount()) {
        before = database.queryCount();
        await new Promise((r) => setTimeout(r, 250));
      }
    },
    async close() {
      await app.stop();
      await database.close();
    },
  };
}

let counter = 0;
/** Unique values per call, so tests never collide on external ids or codes. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/** An ISO timestamp `days` days before now, for history written in the past. */
export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
