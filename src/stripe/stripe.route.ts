import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { ServiceContext } from "../common/service-context.js";
import type { StripeOptions } from "../config/config.js";
import type { Clock } from "../jobs/job.runner.js";
import { readEnvelope } from "./stripe.events.js";
import { receiveStripeEvent, type StripeEventResult, type StripeEventSettings } from "./stripe.service.js";
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from "./stripe.signature.js";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

/** Told of every event answered 200 (the metrics count them by type and outcome). */
export type StripeEventObserver = (type: string, result: StripeEventResult) => void;

const fail = (res: Response, status: number, code: string, message: string, reason?: string) => res.status(status).json({ error: { code, message, ...(reason ? { reason } : {}) } });

/**
 * POST /webhooks/stripe: Stripe's events, one a request. The Stripe-Signature is checked on the
 * raw bytes before anything is parsed: missing, wrong or stale is 400 with the reason and nothing
 * is stored. A verified event is answered 200 whatever became of it (applied, duplicate,
 * ignored, stale, rejected: the body says which, stripe_events keeps it), because Stripe retries
 * any other answer for days and a permanently unusable event would only come back; only a
 * failure of ours (the database) is a 5xx, which Stripe retries.
 */
export function stripeWebhookRouter(context: ServiceContext, options: StripeOptions, settings: Omit<StripeEventSettings, "livemode">, clock: Clock, observe: StripeEventObserver): Router {
  const router = express.Router();
  const eventSettings: StripeEventSettings = { ...settings, livemode: options.livemode };
  router.post(STRIPE_WEBHOOK_PATH, express.raw({ type: () => true, limit: options.maxBytes }), async (req: Request, res: Response, next: NextFunction) => {
    if (options.webhookSecrets.length === 0) {
      return void fail(res, 503, "NOT_CONFIGURED", "the Stripe webhook is not configured: set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…)");
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = clock.now();
    const signature = verifyStripeSignature(req.headers[STRIPE_SIGNATURE_HEADER] as string | undefined, body, options.webhookSecrets, now.getTime());
    if (!signature.ok) return void fail(res, 400, "BAD_SIGNATURE", signature.message, signature.reason);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return void fail(res, 400, "BAD_REQUEST", "the body is not valid JSON");
    }
    const envelope = readEnvelope(parsed);
    if (!envelope.ok) return void fail(res, 400, "BAD_REQUEST", envelope.reason);
    try {
      const result = await receiveStripeEvent(context, envelope.envelope, eventSettings, now);
      observe(envelope.envelope.type, result);
      res.json({ received: true, id: envelope.envelope.id, outcome: result.outcome, ...(result.detail ? { detail: result.detail } : {}) });
    } catch (error) {
      next(error);
    }
  });
  // This endpoint's own answers for a body it could not read (too large): JSON with a reason.
  router.use(STRIPE_WEBHOOK_PATH, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: unknown } | null)?.status;
    if (res.headersSent) return next(error);
    if (status === 413) return void fail(res, 413, "PAYLOAD_TOO_LARGE", `the event is larger than ${options.maxBytes} bytes (WEBHOOK_MAX_KB)`);
    if (typeof status === "number" && status >= 400 && status < 500) return void fail(res, status, "BAD_REQUEST", "the request body could not be read");
    fail(res, 500, "INTERNAL_SERVER_ERROR", "the event could not be stored; nothing was stored, Stripe will deliver it again");
  });
  return router;
}
