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
