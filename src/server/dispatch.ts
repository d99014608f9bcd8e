import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { describeError, log } from "../common/log.js";
import { isLandingRequest, type createLandingHandler } from "../landing/landing.route.js";
import { isGraphQLRequest, type createLandingFastPath } from "../landing/fast-path/fast-path.js";
import { answerPreflight } from "../common/cors.js";
import { GRAPHQL_CORS_HEADERS } from "./graphql-cors.js";
import type { Metrics } from "./observability.js";
import { isStripeWebhookRequest, type createStripeWebhookHandler } from "../stripe/stripe.route.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Whether the app is shutting down (drain() sets it): /readyz says 503, every answer Connection: close. */
export interface Lifecycle {
  draining: boolean;
}

const landingFailed = (res: ServerResponse) => (error: unknown) => {
  log.error("landing request failed", describeError(error));
  if (!res.headersSent) res.writeHead(500).end();
};

/**
 * The app's request handler. The landing page is every page view's request: GET /landing and
 * anonymous landingPage queries are answered before Express (see landing.route.ts and
 * landing/fast-path/), and so are Stripe's events (the busiest machine-to-machine route: Express's
 * routing and body parsing were a tenth of an event's CPU); everything else goes to Express.
 * Every request is counted in metrics.
 */
export function dispatch(parts: {
  express: Handler;
  serveLanding: ReturnType<typeof createLandingHandler>;
  /** The fast path for /graphql, unless off; `next` hands the request to Express. */
  landingGraphQL: ReturnType<typeof createLandingFastPath> | undefined;
  metrics: Metrics;
  lifecycle: Lifecycle;
  /** POST /webhooks/stripe. */
  stripeWebhook: ReturnType<typeof createStripeWebhookHandler>;
  /** PUBLIC_CORS_ORIGINS, for /graphql's preflight. */
  corsOrigins: readonly string[];
}): RequestListener {
  const { express: app, serveLanding, landingGraphQL, stripeWebhook, metrics, lifecycle, corsOrigins } = parts;
  return ((req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (lifecycle.draining) res.setHeader("connection", "close");
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
    if (isStripeWebhookRequest(req)) {
      stripeWebhook(req, res).catch((error: unknown) => {
        log.error("Stripe webhook request failed", describeError(error));
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    // A preflight has no operation to judge: the headers decide (never Authorization).
    if (req.method === "OPTIONS" && isGraphQLRequest(req)) return answerPreflight(res, corsOrigins, req.headers, GRAPHQL_CORS_HEADERS);
    if (landingGraphQL && isGraphQLRequest(req)) {
      landingGraphQL(req, res, () => app(req, res));
      return;
    }
    app(req, res);
  }) as RequestListener;
}
