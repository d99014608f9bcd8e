import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServiceContext } from "../common/service-context.js";
import type { StripeOptions } from "../config/config.js";
import type { Clock } from "../jobs/job.runner.js";
import { BodyError, readRawBody } from "../common/http-body.js";
import { describeError, log } from "../common/log.js";
import { readEnvelope } from "./stripe.events.js";
import { receiveStripeEvent, type StripeEventResult, type StripeEventSettings } from "./stripe.service.js";
import { STRIPE_SIGNATURE_HEADER, verifyStripeSignature } from "./stripe.signature.js";

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";

/** Told of every event answered 200 (the metrics count them by type and outcome). */
export type StripeEventObserver = (type: string, result: StripeEventResult) => void;

/** POST /webhooks/stripe (with or without a query string): the requests the handler below answers. */
export function isStripeWebhookRequest(req: IncomingMessage): boolean {
  if (req.method !== "POST" || !req.url?.startsWith(STRIPE_WEBHOOK_PATH)) return false;
  const next = req.url.charAt(STRIPE_WEBHOOK_PATH.length);
  return next === "" || next === "?";
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) }).end(text);
}

const fail = (res: ServerResponse, status: number, code: string, message: string, reason?: string) => answer(res, status, { error: { code, message, ...(reason ? { reason } : {}) } });

/**
 * POST /webhooks/stripe: Stripe's events, one a request, answered in front of Express (the
 * webhook's throughput is its CPU per event: BENCHMARKS.md, "Stripe webhook"). The
 * Stripe-Signature is checked on the raw bytes before anything is parsed: missing, wrong or stale
 * is 400 with the reason and nothing is stored. A verified event is answered 200 whatever became
 * of it (applied, duplicate, ignored, stale, rejected: the body says which, stripe_events keeps
 * it), because Stripe retries any other answer for days and a permanently unusable event would
 * only come back; only a failure of ours (the database) is a 5xx, which Stripe retries.
 */
export function createStripeWebhookHandler(context: ServiceContext, options: StripeOptions, settings: Omit<StripeEventSettings, "livemode">, clock: Clock, observe: StripeEventObserver) {
  const eventSettings: StripeEventSettings = { ...settings, livemode: options.livemode };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (options.webhookSecrets.length === 0) {
      req.resume();
      return fail(res, 503, "NOT_CONFIGURED", "the Stripe webhook is not configured: set STRIPE_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…)");
    }
    let body: Buffer;
    try {
      body = await readRawBody(req, options.maxBytes);
    } catch (error) {
      if (!(error instanceof BodyError)) throw error;
      if (error.status === 413) return fail(res, 413, "PAYLOAD_TOO_LARGE", `the event is larger than ${options.maxBytes} bytes (WEBHOOK_MAX_KB)`);
      return fail(res, error.status, "BAD_REQUEST", `the request body could not be read: ${error.message}`);
    }
    const now = clock.now();
    const signature = verifyStripeSignature(req.headers[STRIPE_SIGNATURE_HEADER] as string | undefined, body, options.webhookSecrets, now.getTime());
    if (!signature.ok) return fail(res, 400, "BAD_SIGNATURE", signature.message, signature.reason);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return fail(res, 400, "BAD_REQUEST", "the body is not valid JSON");
    }
    const envelope = readEnvelope(parsed);
    if (!envelope.ok) return fail(res, 400, "BAD_REQUEST", envelope.reason);
    let result: StripeEventResult;
    try {
      result = await receiveStripeEvent(context, envelope.envelope, eventSettings, now);
    } catch (error) {
      log.error("a Stripe event could not be applied", { eventId: envelope.envelope.id, type: envelope.envelope.type, ...describeError(error) });
      return fail(res, 500, "INTERNAL_SERVER_ERROR", "the event could not be stored; nothing was stored, Stripe will deliver it again");
    }
    observe(envelope.envelope.type, result);
    answer(res, 200, { received: true, id: envelope.envelope.id, outcome: result.outcome, ...(result.detail ? { detail: result.detail } : {}) });
  };
}
