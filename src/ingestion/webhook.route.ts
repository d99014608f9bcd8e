import express, { type Request, type Response, type Router } from "express";
import type { ServiceContext } from "../common/service-context.js";
import type { WebhookOptions } from "../config/config.js";
import { describeError, log } from "../common/log.js";
import type { Clock } from "../jobs/job.runner.js";
import { ingestEvents, IngestRequestError } from "./ingestion.service.js";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./webhook.signature.js";

const fail = (res: Response, status: number, code: string, message: string, reason?: string) => res.status(status).json({ error: { code, message, ...(reason ? { reason } : {}) } });

/**
 * POST /webhooks/events: CS events from the CRM, billing and product analytics, signed with
 * WEBHOOK_SECRET (webhook.signature.ts). The signature and its timestamp are checked on the raw
 * bytes before anything is parsed; a bad, missing or stale one is 401 and nothing is stored.
 */
export function webhookRouter(context: ServiceContext, options: WebhookOptions, clock: Clock): Router {
  const { secrets } = options;
  const router = express.Router();
  router.post("/webhooks/events", express.raw({ type: () => true, limit: options.maxBytes }), async (req: Request, res: Response) => {
    if (secrets.length === 0) return void fail(res, 503, "NOT_CONFIGURED", "webhooks are not configured (set WEBHOOK_SECRET)");
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = clock.now();
    const signature = verifyWebhookSignature(req.headers[SIGNATURE_HEADER] as string | undefined, body, secrets, now.getTime());
    if (!signature.ok) return void fail(res, 401, "UNAUTHENTICATED", signature.message, signature.reason);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return void fail(res, 400, "BAD_REQUEST", "the body is not valid JSON");
    }
    try {
      res.json(await ingestEvents(context, parsed, now));
    } catch (error) {
      if (error instanceof IngestRequestError) return void fail(res, 400, "BAD_REQUEST", error.message);
      log.error("webhook ingestion failed", describeError(error));
      fail(res, 500, "INTERNAL_SERVER_ERROR", "the events could not be stored; nothing was stored, retry the batch");
    }
  });
  return router;
}
