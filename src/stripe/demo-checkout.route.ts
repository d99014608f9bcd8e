import express, { type Request, type Response, type Router } from "express";
import type { StripeOptions } from "../config/config.js";
import type { Clock } from "../jobs/job.runner.js";
import { DEMO_PLANS, demoCheckoutEvents } from "./demo-events.js";
import { STRIPE_WEBHOOK_PATH } from "./stripe.route.js";
import { signStripePayload } from "./stripe.signature.js";

// GET /demo/checkout plays Stripe Checkout for the demo: the "Start trial" link of the demo
// marketing page comes here (with client_reference_id=adv_<visitorId> from the tracking
// snippet), and the events Stripe would send after a paid checkout are signed with the first
// STRIPE_WEBHOOK_SECRET and POSTed to this server's own /webhooks/stripe over HTTP, as Stripe
// would. On outside production; in production only with STRIPE_DEMO_CHECKOUT=true.

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;

function answer(req: Request, res: Response, status: number, title: string, html: string, json: Record<string, unknown>): void {
  res.status(status).set({ "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff" });
  if (req.accepts(["html", "json"]) === "json") return void res.json({ title, ...json });
  res.type("html").send(page(title, html));
}

/** This server's own listener, from the socket the request came in on (never the Host header, which the client chooses). */
function ownOrigin(req: Request): string {
  let address = req.socket.localAddress ?? "127.0.0.1";
  if (address.startsWith("::ffff:")) address = address.slice("::ffff:".length);
  return `http://${address.includes(":") ? `[${address}]` : address}:${req.socket.localPort}`;
}

const VISITOR_REFERENCE = /^adv_[A-Za-z0-9_-]{1,128}$/;
const AFFILIATE_CODE = /^[A-Za-z0-9_-]{2,64}$/;

export function demoCheckoutRouter(options: StripeOptions, clock: Clock): Router {
  const router = express.Router();
  router.get("/demo/checkout", async (req: Request, res: Response) => {
    const secret = options.webhookSecrets[0];
    if (!secret) {
      const how = "Set STRIPE_WEBHOOK_SECRET (any value for the demo, e.g. STRIPE_WEBHOOK_SECRET=whsec_demo) and restart: the demo checkout signs its events with it, as Stripe signs with the endpoint's secret.";
      return answer(req, res, 503, "The demo checkout needs STRIPE_WEBHOOK_SECRET", `<p>${escape(how)}</p>`, { error: how });
    }
    const plan = typeof req.query.plan === "string" ? req.query.plan : "";
    const reference = typeof req.query.client_reference_id === "string" && req.query.client_reference_id !== "" ? req.query.client_reference_id : null;
    const affiliate = typeof req.query.affiliate === "string" && req.query.affiliate !== "" ? req.query.affiliate : null;
    const problem = !DEMO_PLANS[plan]
      ? `plan must be one of ${Object.keys(DEMO_PLANS).join(", ")}`
      : reference !== null && !VISITOR_REFERENCE.test(reference)
        ? "client_reference_id must be adv_<visitor id> (letters, digits, _ and -)"
        : affiliate !== null && !AFFILIATE_CODE.test(affiliate)
          ? "affiliate must be an affiliate code"
          : null;
    if (problem) return answer(req, res, 400, "This checkout link is not valid", `<p>${escape(problem)}</p>`, { error: problem });

    const checkout = demoCheckoutEvents({ plan, clientReferenceId: reference, affiliateCode: affiliate, at: Math.floor(clock.now().getTime() / 1000) });
    const delivered: { type: string; status: number; outcome: unknown }[] = [];
    for (const event of checkout.events) {
      const body = JSON.stringify(event);
      const signature = signStripePayload(body, secret, Math.floor(clock.now().getTime() / 1000));
      try {
        const sent = await fetch(`${ownOrigin(req)}${STRIPE_WEBHOOK_PATH}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signature }, body });
        const reply = (await sent.json().catch(() => ({}))) as { outcome?: unknown };
        delivered.push({ type: String(event.type), status: sent.status, outcome: reply.outcome ?? null });
      } catch (error) {
        delivered.push({ type: String(event.type), status: 0, outcome: (error as Error).message });
      }
    }
    const failed = delivered.filter((d) => d.status !== 200);
    const details = { plan, amount: checkout.amount, ids: checkout.ids, events: delivered };
    if (failed.length > 0) {
      const list = failed.map((d) => `<li>${escape(d.type)}: ${d.status} ${escape(String(d.outcome))}</li>`).join("");
      return answer(req, res, 502, "The demo checkout could not deliver its events", `<ul>${list}</ul>`, details);
    }
    const price = `$${(checkout.amount / 100).toFixed(2)}`;
    const html =
      `<p>${escape(DEMO_PLANS[plan]!.name)}: the first month (${escape(price)}) is paid.</p>` +
      `<p data-stripe-customer="${escape(checkout.ids.customer)}" data-stripe-invoice="${escape(checkout.ids.invoice)}" data-stripe-charge="${escape(checkout.ids.charge)}">` +
      `Stripe customer ${escape(checkout.ids.customer)}, invoice ${escape(checkout.ids.invoice)}.</p>`;
    answer(req, res, 200, "Thanks, your trial started", html, details);
  });
  return router;
}
