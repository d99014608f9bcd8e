import { createHmac, timingSafeEqual } from "node:crypto";
import express, { type Request, type Response, type Router } from "express";
import type { ServiceContext } from "../common/service-context.js";
import type { WebhookOptions } from "../config/config.js";
import { describeError, log } from "../common/log.js";
import { ingestEvents, IngestRequestError } from "./ingestion.service.js";

/** `sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time. */
export function validSignature(header: string | undefined, body: Buffer, secret: string): boolean {
  if (!header?.startsWith("sha256=")) return false;
  const given = Buffer.from(header.slice("sha256=".length), "hex");
  const expected = createHmac("sha256", secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

/**
 * POST /webhooks/events: CS events from the CRM, billing and product analytics, signed with
 * WEBHOOK_SECRET. The signature is checked on the raw bytes before anything is parsed; a bad or
 * missing one is 401 and nothing is stored.
 */
export function webhookRouter(context: ServiceContext, options: WebhookOptions): Router {
  const router = express.Router();
  router.post("/webhooks/events", express.raw({ type: () => true, limit: options.maxBytes }), async (req: Request, res: Response) => {
    if (!options.secret) return void fail(res, 503, "NOT_CONFIGURED", "webhooks are not configured (set WEBHOOK_SECRET)");
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(req.headers["x-advocate-signature"] as string | undefined, body, options.secret)) {
      return void fail(res, 401, "UNAUTHENTICATED", "missing or bad X-Advocate-Signature (sha256=<hex HMAC-SHA256 of the body>)");
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      return void fail(res, 400, "BAD_REQUEST", "the body is not valid JSON");
    }
    try {
      res.json(await ingestEvents(context, parsed));
    } catch (error) {
      if (error instanceof IngestRequestError) return void fail(res, 400, "BAD_REQUEST", error.message);
      log.error("webhook ingestion failed", describeError(error));
      fail(res, 500, "INTERNAL_SERVER_ERROR", "the events could not be stored; nothing was stored, retry the batch");
    }
  });
  return router;
}
