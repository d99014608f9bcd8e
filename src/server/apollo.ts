import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type RequestHandler } from "express";
import type { GraphQLSchema } from "graphql";
import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import type { GraphQLLimits } from "../config/config.js";
import { createErrorFormatter } from "../common/errors.js";
import type { Context } from "../graphql/context.js";
import { prereadBodyErrors } from "../landing/fast-path/body.js";
import { graphqlCorsPlugin } from "./graphql-cors.js";
import { createContext, type ContextOptions } from "./context.js";
import type { armorFor } from "./limits.js";
import { observabilityPlugin, type Metrics } from "./observability.js";
import type { RequestRateLimit } from "./request-rate-limit.js";
import { storableInputPlugin } from "./storable-input.js";

/** Apollo Server for the schema, with the limits (graphql-armor), metrics, input checks and CORS for public operations; started. */
export async function startApollo(
  schema: GraphQLSchema,
  limits: GraphQLLimits,
  armor: ReturnType<typeof armorFor>,
  metrics: Metrics,
  corsOrigins: readonly string[],
): Promise<ApolloServer<Context>> {
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    introspection: limits.introspection,
    allowBatchedHttpRequests: false,
    // main.ts drains and stops in order on SIGTERM; Apollo's own handler stopped it while
    // requests were still arriving, then re-raised the signal and killed the process.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    // GET /graphql in a browser is GraphiQL, served offline by graphiql.route.ts, not Apollo's CDN-loaded Sandbox.
    plugins: [ApolloServerPluginLandingPageDisabled(), ...armor.plugins, observabilityPlugin(metrics), storableInputPlugin(), graphqlCorsPlugin(corsOrigins)],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    // Unexpected errors are logged with their request id by the observability plugin.
    formatError: createErrorFormatter(() => undefined),
  });
  await apollo.start();
  return apollo;
}

/** A proxy's X-Request-Id when it looks like one (it ends up in logs), else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/** What runs for /graphql in Express: the rate limit, the body (read here or before), Apollo with each request's context. */
export function graphqlMiddleware(apollo: ApolloServer<Context>, contextOptions: ContextOptions, rateLimit: RequestRateLimit | undefined): RequestHandler[] {
  return [
    ...(rateLimit ? [rateLimit.handler] : []),
    prereadBodyErrors,
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: ({ req }) => createContext(contextOptions, {
          authorization: req.headers.authorization,
          cookie: req.headers.cookie,
          csrfToken: req.get("x-csrf-token"),
          clientIp: req.ip,
          requestId: requestIdOf(req),
        }),
    }),
  ];
}
