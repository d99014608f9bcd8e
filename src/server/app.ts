import express from "express";
import type { RequestListener } from "node:http";
import type { DatabaseHandle } from "../db/client.js";
import { shareChanges } from "../db/change-bridge.js";
import { ChangeChannel, SHARED_CHANGE_KINDS } from "../common/changes.js";
import { RateLimiter } from "../common/rate-limit.js";
import type { ServiceContext } from "../common/service-context.js";
import type { AppConfig } from "../config/config.js";
import { systemClock, type Clock, type JobRunner } from "../jobs/job.runner.js";
import type { Mailer } from "../email/mailer.js";
import { unsubscribeRouter } from "../email/unsubscribe.route.js";
import { LandingCache } from "../landing/landing.cache.js";
import { LandingCatalog } from "../landing/catalog/catalog.js";
import { ImpressionBuffer } from "../landing/impressions.js";
import { createLandingHandler } from "../landing/landing.route.js";
import { demoLandingRouter } from "../landing/demo.route.js";
import { createLandingFastPath } from "../landing/fast-path/fast-path.js";
import { webhookRouter } from "../ingestion/webhook.route.js";
import { segmentRouter } from "../ingestion/segment.route.js";
import { graphiqlRouter } from "../graphiql/graphiql.route.js";
import { bundleSnippet } from "../tracking/snippet.bundle.js";
import { snippetRouter } from "../tracking/snippet.route.js";
import { visitsRouter } from "../tracking/visits.route.js";
import { createStripeWebhookHandler } from "../stripe/stripe.route.js";
import { demoCheckoutRouter } from "../stripe/demo-checkout.route.js";
import type { LandingExample } from "../seed/demo.js";
import { graphqlMiddleware, startApollo } from "./apollo.js";
import type { ContextOptions } from "./context.js";
import { dispatch, type Lifecycle } from "./dispatch.js";
import { healthRouter } from "./health.route.js";
import { homeRouter } from "./home.js";
import { bodyErrors } from "./http-errors.js";
import { armorFor, validationRulesOf } from "./limits.js";
import { metricsRouter } from "./metrics.route.js";
import { Metrics } from "./observability.js";
import { requestRateLimit } from "./request-rate-limit.js";
import { sessionRouter } from "./session.route.js";
import { adminHttpAuth } from "./admin-http-auth.js";
import { exportsRouter } from "../exports/exports.route.js";
import { webRouter } from "./web.route.js";
import { getSchema } from "./schema.js";
import { appSchedules, createWorker } from "./worker.js";

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

/**
 * Builds the HTTP application without listening, so tests drive it in-process. `config` is
 * complete (loadConfig() in main.ts, testConfig() in tests): nothing here has a default.
 */
export async function createApp(config: AppConfig, { database, clock = systemClock, mailer, landingExample = null }: AppDeps): Promise<App> {
  const { graphqlLimits: limits, requestRateLimit: rateLimits } = config;
  const armor = armorFor(limits);
  // Writes announce what they changed here, after commit; what reacts is subscribed below.
  const changes = new ChangeChannel();
  const serviceContext: ServiceContext = { db: database.db, changes, scoring: config.scoring, programCurrency: config.program.currency };
  const worker = await createWorker(serviceContext, config, { clock, mailer, schedules: appSchedules(serviceContext, config) });
  const impressions = new ImpressionBuffer(database.db, config.impressions);
  // Loaded before the first request: misses are decided in memory from then on (or by SQL, as
  // the log says, past its size).
  const catalog = new LandingCatalog(database.db, config.landingCatalog, config.landingCache.dbTimeoutMs);
  await catalog.start();
  const landing = new LandingCache(database.db, config.landingCache, impressions, catalog);
  // The landing cache forgets changed pages before the mutation answers; queued jobs wake the
  // runner; landing changes go to (and come from) the other instances on the database.
  changes.subscribe("landing", (change) => landing.apply(change));
  changes.subscribe("jobs", () => worker.runner.kick());
  const bridge = await shareChanges(database, changes, SHARED_CHANGE_KINDS);
  const metrics = new Metrics({ database, landing, jobs: worker.runner });
  const schema = await getSchema();
  const apollo = await startApollo(schema, limits, armor, metrics, config.publicCorsOrigins);
  const snippet = await bundleSnippet({ attributionWindowDays: config.attributionWindowDays });
  // One allowance per address for visits, through GraphQL or POST /visits.
  const visitLimiter = new RateLimiter(config.visitRateLimit);
  const rateLimit = rateLimits.perKeyPerMinute > 0 || rateLimits.perAddressPerMinute > 0 ? requestRateLimit(rateLimits) : undefined;
  const contextOptions: ContextOptions = {
    ...serviceContext,
    landing,
    adminApiKey: config.adminApiKey,
    visitLimiter,
    attributionWindowDays: config.attributionWindowDays,
    attributionModel: config.attributionModel,
    program: config.program,
    onAuthenticationFailure: rateLimit?.authenticationFailed,
    clock,
  };
  const lifecycle: Lifecycle = { draining: false };
  const attribution = { windowDays: config.attributionWindowDays, model: config.attributionModel };

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(healthRouter({ database, landing, runner: worker.runner, lifecycle }));
  app.use(metricsRouter(metrics, config.metricsToken));
  app.use(homeRouter(landingExample));
  app.use(demoLandingRouter(snippet.version));
  app.use(snippetRouter(snippet));
  app.use(visitsRouter({ db: database.db, landing, visitLimiter, corsOrigins: config.publicCorsOrigins }));
  app.use(unsubscribeRouter(database.db));
  app.use(webhookRouter(serviceContext, config.webhook, clock));
  app.use(segmentRouter(serviceContext, config.segment, clock, (outcomes) => metrics.segment(outcomes)));
  if (config.stripe.demoCheckout) app.use(demoCheckoutRouter(config.stripe, clock));
  if (limits.graphiql) app.use(graphiqlRouter());
  app.use(webRouter());
  app.use(
    sessionRouter({
      db: database.db,
      adminApiKey: config.adminApiKey,
      mailer: worker.mailer,
      publicUrl: config.email.publicUrl,
      clock,
      onAuthenticationFailure: rateLimit?.authenticationFailed,
    }),
  );
  const adminOnly = adminHttpAuth({ db: database.db, adminApiKey: config.adminApiKey, clock, onAuthenticationFailure: rateLimit?.authenticationFailed });
  app.use(exportsRouter({ db: database.db, scoring: config.scoring, clock, adminOnly }));
  app.use("/graphql", ...graphqlMiddleware(apollo, contextOptions, rateLimit));
  app.use(bodyErrors);

  const handler = dispatch({
    express: app,
    serveLanding: createLandingHandler(landing, { corsOrigins: config.publicCorsOrigins }),
    landingGraphQL: config.graphqlFastPath
      ? createLandingFastPath(schema, landing, { validationRules: validationRulesOf(armor), maxTokens: limits.maxTokens, corsOrigins: config.publicCorsOrigins })
      : undefined,
    // Stripe's events, answered in front of Express (dispatch.ts).
    stripeWebhook: createStripeWebhookHandler(serviceContext, config.stripe, { attribution }, clock, (type, result) => metrics.stripeEvent(type, result.outcome, result.unlinked)),
    metrics,
    lifecycle,
    corsOrigins: config.publicCorsOrigins,
  });

  return {
    handler,
    landing,
    changes,
    serviceContext,
    impressions,
    jobs: worker.runner,
    metrics,
    drain: () => {
      lifecycle.draining = true;
    },
    stop: async ({ timeoutMs }: { timeoutMs?: number } = {}) => {
      await worker.stop(timeoutMs);
      catalog.stop();
      await bridge.close();
      await impressions.stop();
      await apollo.stop();
    },
  };
}
