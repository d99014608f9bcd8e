import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../db/client.js";
import { createErrorFormatter } from "../common/errors.js";
import { describeError, log } from "../common/log.js";
import { createContext, type Context } from "./context.js";
import { getSchema } from "./schema.js";

export interface AppOptions {
  database: DatabaseHandle;
  adminApiKey: string | undefined;
}

export interface App {
  /** The request handler: give it to http.createServer, or to supertest. */
  handler: express.Express;
  stop(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the HTTP application without listening, so tests drive it in-process. */
export async function createApp({ database, adminApiKey }: AppOptions): Promise<App> {
  const apollo = new ApolloServer<Context>({
    schema: await getSchema(),
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter((error) => log.error("unexpected error in a request", describeError(error))),
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    try {
      await withTimeout(database.ping(), READINESS_TIMEOUT_MS);
      res.json({ status: "ready", database: database.kind });
    } catch (error) {
      res.status(503).json({ status: "unavailable", reason: `database: ${describeError(error).error}` });
    }
  });

  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        createContext(database.db, req.headers.authorization, adminApiKey, (req.headers["x-request-id"] as string) || randomUUID()),
    }),
  );

  return { handler: app, stop: () => apollo.stop() };
}
