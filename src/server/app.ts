import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../db/client.js";
import { shareChanges } from "../db/change-bridge.js";
import { ChangeChannel, SHARED_CHANGE_KINDS } from "../common/changes.js";
import type { ServiceContext } from "../common/service-context.js";
import { createErrorFormatter } from "../common/errors.js";
import { describeError, log } from "../common/log.js";
import { createContext, type ContextOptions } from "./context.js";
import type { Context } from "../graphql/context.js";
import { getSchema } from "./schema.js";
import { LandingCache } from "../landing/landing.cache.js";
import { createLandingHandler, isLandingRequest } from "../landing/landing.route.js";
import { demoLandingRouter } from "../landing/demo.route.js";
import { createLandingFastPath, isGraphQLRequest } from "../landing/fast-path/fast-path.js";
import { prereadBodyErrors } from "../landing/fast-path/body.js";
import { ImpressionBuffer } from "../landing/impressions.js";
import { RateLimiter } from "../common/rate-limit.js";
import type { AppConfig } from "../config/config.js";
import { webhookRouter } from "../ingestion/webhook.route.js";
import { appSchedules, createWorker } from "./worker.js";
import { systemClock, type Clock, type JobRunner } from "../jobs/job.runner.js";
import type { Mailer } from "../email/mailer.js";
import { unsubscribeRouter } from "../email/unsubscribe.route.js";
import { Metrics, observabilityPlugin } from "./observability.js";
import { bearerToken, sameSecret } from "../auth/api-keys.js";
import { requestRateLimit } from "./request-rate-limit.js";
import { armorFor, validationRulesOf } from "./limits.js";
import { homeRouter } from "./home.js";
import type { LandingExample } from "../seed/demo.js";
import { storableInputPlugin } from "./storable-input.js";

/** What the app works with that is not configuration. */
export interface AppDeps {
  database: DatabaseHandle;
  /** Default: the system clock (tests move one by hand: journey waits, backoff, schedules, webhook signatures). */
  clock?: Clock;
  /** Default: one made from config.email. */
  mailer?: Mailer;
  /** The affiliate and niche GET / links to (main.ts finds them in the data). */
  landingExample?: LandingExample | null;
}

export interface App {
  /** The request handler: give it to http.createServer, or to supertest. */
  handler: RequestListener;
  landing: LandingCache;
  /** The change channel of this app, and what services called outside a request (tests, tools) work with. */
  changes: ChangeChannel;
  serviceContext: ServiceContext;
  /** Counts the assets landing pages show; flush() writes what is pending. */
  impressions: ImpressionBuffer;
  jobs: JobRunner;
  metrics: Metrics;
  /** Shutdown begins: /readyz answers 503 and every answer says Connection: close. */
  drain(): void;
  /** Stops the job runner (running jobs get `timeoutMs` to finish), flushes impressions, stops Apollo. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
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

const landingFailed = (res: ServerResponse) => (error: unknown) => {
  log.error("landing request failed", describeError(error));
  if (!res.headersSent) res.writeHead(500).end();
};

/** The 4xx status an HTTP-level error (body-parser's, the fast path's) carries, if any. */
function httpStatusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

/** A proxy's X-Request-Id when it looks like one (it ends up in logs), else a new one. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

function bodyErrorMessage(status: number): string {
  if (status === 413) return "the request body is too large";
  if (status === 415) return "the request body must be JSON in UTF-8";
  return "the request body is not valid JSON";
}

/**
 * Builds the HTTP application without listening, so tests drive it in-process. `config` is
 * complete (loadConfig() in main.ts, testConfig() in tests): nothing here has a default.
 */
export async function createApp(config: AppConfig, { database, clock = systemClock, mailer, landingExample = null }: AppDeps): Promise<App> {
  const { graphqlLimits: limits, requestRateLimit: rateLimits, adminApiKey, attributionWindowDays, program, metricsToken } = config;
  const armor = armorFor(limits);
  // Writes announce what they changed here, after commit; what reacts is subscribed below.
  const changes = new ChangeChannel();
  const serviceContext: ServiceContext = { db: database.db, changes, scoring: config.scoring };
  const worker = await createWorker(serviceContext, config, { clock, mailer, schedules: appSchedules(serviceContext, config) });
  const impressions = new ImpressionBuffer(database.db, config.impressions);
  const landing = new LandingCache(database.db, config.landingCache, impressions);
  // The landing cache forgets changed pages before the mutation answers; queued jobs wake the
  // runner; landing changes go to (and come from) the other instances on the database.
  changes.subscribe("landing", (change) => landing.apply(change));
  changes.subscribe("jobs", () => worker.runner.kick());
  const bridge = await shareChanges(database, changes, SHARED_CHANGE_KINDS);
  const metrics = new Metrics({ database, landing, jobs: worker.runner });
  const schema = await getSchema();
  const apollo = new ApolloServer<Context>({
    schema,
    includeStacktraceInErrorResponses: false,
    introspection: limits.introspection,
    allowBatchedHttpRequests: false,
    // main.ts drains and stops in order on SIGTERM; Apollo's own handler stopped it while
    // requests were still arriving, then re-raised the signal and killed the process.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    plugins: [...armor.plugins, observabilityPlugin(metrics), storableInputPlugin()],
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: limits.maxTokens },
    // Unexpected errors are logged with their request id by the observability plugin.
    formatError: createErrorFormatter(() => undefined),
  });
  await apollo.start();

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  const visitLimiter = new RateLimiter(config.visitRateLimit);

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  // Scraped from inside the network; with METRICS_TOKEN set, only with that bearer token.
  app.get("/metrics", async (req, res) => {
    if (metricsToken !== undefined && !sameSecret(bearerToken(req.headers.authorization ?? "") ?? "", metricsToken)) {
      return res.status(401).set("www-authenticate", "Bearer").json({ error: { code: "UNAUTHENTICATED", message: "a valid metrics token is required" } });
    }
    res.set("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(homeRouter(landingExample));
  app.use(demoLandingRouter());
  app.use(unsubscribeRouter(database.db));
  app.use(webhookRouter(serviceContext, config.webhook, clock));

  let draining = false;
  // Readiness is public: it says what fails, never the driver's message (the database's address,
  // SQL). The detail goes to the log, once per new detail, not once per probe.
  let lastUnready: string | undefined;
  app.get("/readyz", async (_req, res) => {
    if (draining) return res.status(503).json({ status: "unavailable", reason: "shutting down" });
    try {
      await withTimeout(database.ping(), READINESS_TIMEOUT_MS);
      lastUnready = undefined;
      // The database answers again: landing pages will be fresh from the next miss on.
      landing.degraded = false;
      const runner = worker.runner;
      const jobs = !runner.polling ? "off" : runner.lastPollError ? "failing" : "running";
      // The poll's own error is logged by the runner ("job poll failed").
      if (jobs === "failing") return res.status(503).json({ status: "unavailable", reason: "job polling fails", database: database.kind, jobs });
      res.json({ status: "ready", database: database.kind, jobs });
    } catch (error) {
      const detail = describeError(error);
      if (detail.error !== lastUnready) log.warn("not ready: database unreachable", detail);
      lastUnready = detail.error as string;
      res.status(503).json({ status: "unavailable", reason: "database unreachable", landing: landing.degraded ? "fallback" : "ok" });
    }
  });

  const rateLimit = rateLimits.perKeyPerMinute > 0 || rateLimits.perAddressPerMinute > 0 ? requestRateLimit(rateLimits) : undefined;
  const contextOptions: ContextOptions = {
    ...serviceContext,
    landing,
    adminApiKey,
    visitLimiter,
    attributionWindowDays,
    program,
    onAuthenticationFailure: rateLimit?.authenticationFailed,
  };
  app.use(
    "/graphql",
    ...(rateLimit ? [rateLimit.handler] : []),
    prereadBodyErrors,
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: ({ req }) =>
        createContext(
          contextOptions,
          { authorization: req.headers.authorization, clientIp: req.ip, requestId: requestIdOf(req) },
        ),
    }),
  );

  // A body Express could not read (malformed JSON, too large, bad charset) is answered as a
  // GraphQL error, never as Express's HTML page with its stack trace.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    const status = httpStatusOf(error);
    if (res.headersSent || status === undefined) return next(error);
    res.status(status).json({ errors: [{ message: bodyErrorMessage(status), extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" } }] });
  });

  const serveLanding = createLandingHandler(landing, { corsOrigins: config.corsOrigins });
  const landingGraphQL = config.graphqlFastPath ? createLandingFastPath(schema, landing, { validationRules: validationRulesOf(armor), maxTokens: limits.maxTokens }) : undefined;
  // The landing page is every page view's request: GET /landing and anonymous landingPage
  // queries are answered before Express (see landing.route.ts and landing/fast-path/).
  const handler = ((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (draining) res.setHeader("connection", "close");
    if (isLandingRequest(req)) {
      try {
        const pending = serveLanding(req, res);
        // A cached page is answered synchronously: counted here, without a listener per request.
        if (pending) pending.catch(landingFailed(res)).finally(() => metrics.record(req, res, started, "landing"));
        else metrics.record(req, res, started, "landing");
      } catch (error) {
        landingFailed(res)(error);
        metrics.record(req, res, started, "landing");
      }
      return;
    }
    metrics.observe(req, res, started);
    if (landingGraphQL && isGraphQLRequest(req)) {
      landingGraphQL(req, res, () => app(req, res));
      return;
    }
    app(req, res);
  }) as RequestListener;

  return {
    handler,
    landing,
    changes,
    serviceContext,
    impressions,
    jobs: worker.runner,
    metrics,
    drain: () => {
      draining = true;
    },
    stop: async ({ timeoutMs }: { timeoutMs?: number } = {}) => {
      await worker.stop(timeoutMs);
      await bridge.close();
      await impressions.stop();
      await apollo.stop();
    },
  };
}
