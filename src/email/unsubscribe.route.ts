import express, { Router } from "express";
import type { Database } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import { optOutByToken } from "./preferences.js";

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${title}</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">${body}</body></html>`;

const tokenOf = (req: express.Request) => (typeof req.query.token === "string" ? req.query.token : "");

/**
 * The link in every journey email. GET only shows a button: mail scanners fetch links, and a
 * fetch must not unsubscribe anyone. POST unsubscribes, from that button or from a mail
 * client's one-click button (RFC 8058: `List-Unsubscribe=One-Click` in the form body).
 */
export function unsubscribeRouter(db: Database): Router {
  const router = Router();
  router.get("/unsubscribe", (req, res) => {
    const token = tokenOf(req);
    res.set("cache-control", "no-store").type("html");
    if (!token) return res.status(400).send(page("Unsubscribe", "<p>This unsubscribe link is incomplete.</p>"));
    res.send(
      page(
        "Unsubscribe",
        `<h1>Unsubscribe</h1><p>Stop receiving these emails?</p>` +
          `<form method="post" action="/unsubscribe?token=${encodeURIComponent(token)}"><button type="submit">Unsubscribe</button></form>`,
      ),
    );
  });
  router.post("/unsubscribe", express.urlencoded({ extended: false, limit: "1kb" }), async (req, res) => {
    res.set("cache-control", "no-store").type("html");
    const oneClick = (req.body as Record<string, unknown> | undefined)?.["List-Unsubscribe"] === "One-Click";
    try {
      const customerId = await optOutByToken(db, tokenOf(req), oneClick ? "ONE_CLICK" : "UNSUBSCRIBE_LINK");
      if (!customerId) return res.status(404).send(page("Unsubscribe", "<p>This unsubscribe link is not valid.</p>"));
      res.send(page("Unsubscribed", "<h1>You are unsubscribed</h1><p>You will not receive these emails any more.</p>"));
    } catch (error) {
      log.error("unsubscribe failed", describeError(error));
      res.status(503).send(page("Unsubscribe", "<p>We could not record this right now. Please try again in a minute.</p>"));
    }
  });
  return router;
}
