import express, { Router, type Request, type Response } from "express";
import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { affiliates, stakeholders } from "../db/schema/index.js";
import { describeError, log } from "../common/log.js";
import { sameSecret } from "../auth/api-keys.js";
import { Role, type Caller } from "../auth/roles.js";
import {
  consumeMagicLink,
  cookieValue,
  createMagicLink,
  createSession,
  CSRF_HEADER,
  deleteSession,
  findSession,
  MAGIC_LINK_TTL_MS,
  SESSION_COOKIE,
  SESSION_TTL_MS,
} from "../auth/sessions.js";
import type { Mailer } from "../email/mailer.js";
import type { Clock } from "../jobs/job.runner.js";
import { resolveCaller } from "./context.js";

export interface SessionRouteOptions {
  db: Database;
  adminApiKey: string | undefined;
  mailer: Mailer;
  /** This server's public URL, for the portal links mailed to affiliates. */
  publicUrl: string;
  clock: Clock;
  onAuthenticationFailure?: (clientIp: string | undefined) => void;
}

function setSessionCookie(req: Request, res: Response, token: string, maxAgeMs: number) {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", secure: req.secure, path: "/", maxAge: maxAgeMs });
}

const refuse = (res: Response, status: number, error: string) => res.status(status).json({ error });

/** The affiliates, not suspended, whose contact (the person the program deals with) has this email. */
async function affiliatesByContactEmail(db: Database, email: string) {
  return db
    .select({ id: affiliates.id, name: affiliates.name, email: stakeholders.email })
    .from(affiliates)
    .innerJoin(stakeholders, eq(stakeholders.id, affiliates.contactStakeholderId))
    .where(and(eq(sql`lower(${stakeholders.email})`, email.toLowerCase()), isNull(affiliates.suspendedAt)));
}

function magicLinkEmail(to: string, name: string, link: string, domain: string) {
  const minutes = MAGIC_LINK_TTL_MS / 60_000;
  return {
    to,
    subject: "Your Advocate partner portal sign-in link",
    text: `Hello ${name},\n\nSign in to your partner portal: ${link}\n\nThe link works once, for ${minutes} minutes. If you did not ask for it, ignore this email.\n`,
    html: `<p>Hello ${name.replace(/[<>&"]/g, "")},</p><p><a href="${link}">Sign in to your partner portal</a></p><p>The link works once, for ${minutes} minutes. If you did not ask for it, ignore this email.</p>`,
    messageId: `<${randomUUID()}@${domain}>`,
  };
}

/**
 * Browser sign-in for the console and the portal. POST /session exchanges an admin or affiliate
 * key, or a mailed link's token, for an HttpOnly SameSite=Strict cookie and returns the CSRF token
 * the page sends with each request; GET /session tells the page who it is signed in as; DELETE
 * /session (with the CSRF token) signs out. POST /portal/magic-link mails an affiliate's contact a
 * one-time link, answering the same whether or not the address is known.
 */
export function sessionRouter(options: SessionRouteOptions): Router {
  const { db, adminApiKey, mailer, clock } = options;
  const router = Router();
  const json = express.json({ limit: "4kb" });
  router.use(["/session", "/portal/magic-link"], (_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });

  router.post("/session", json, async (req, res) => {
    // JSON only: a cross-site form cannot send it without a preflight, so no login CSRF.
    if (!req.is("application/json")) return refuse(res, 415, "send JSON: {\"key\": \"…\"} or {\"magicToken\": \"…\"}");
    const body = (req.body ?? {}) as { key?: unknown; magicToken?: unknown };
    const now = clock.now();
    try {
      let caller: Caller | undefined;
      if (typeof body.magicToken === "string" && body.magicToken.length > 0) {
        const affiliateId = await consumeMagicLink(db, body.magicToken, now);
        if (affiliateId) caller = { role: Role.AFFILIATE, affiliateId };
      } else if (typeof body.key === "string" && body.key.trim().length > 0) {
        const resolved = await resolveCaller(db, `Bearer ${body.key.trim()}`, adminApiKey, now).catch((error: unknown) => {
          if (error instanceof GraphQLError) return error;
          throw error;
        });
        // A known key refused for a reason (a suspended affiliate) says why; an unknown one does not.
        if (resolved instanceof GraphQLError && resolved.extensions.code === "FORBIDDEN") return refuse(res, 403, resolved.message);
        caller = resolved instanceof GraphQLError ? undefined : resolved;
      } else {
        return refuse(res, 400, "send {\"key\": \"…\"} or {\"magicToken\": \"…\"}");
      }
      if (!caller || caller.role === Role.PUBLIC) {
        options.onAuthenticationFailure?.(req.ip);
        return refuse(res, 401, "unknown or revoked key, or a used or expired link");
      }
      if (caller.role === Role.SERVER) return refuse(res, 403, "server keys do not sign in to the console");
      const session = await createSession(db, caller, now);
      setSessionCookie(req, res, session.token, SESSION_TTL_MS);
      res.json({ role: caller.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
    } catch (error) {
      log.error("sign-in failed", describeError(error));
      refuse(res, 500, "sign-in failed");
    }
  });

  router.get("/session", async (req, res) => {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await findSession(db, token, clock.now()) : undefined;
    if (!session) return refuse(res, 401, "not signed in");
    res.json({ role: session.caller.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() });
  });

  router.delete("/session", async (req, res) => {
    const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = token ? await findSession(db, token, clock.now()) : undefined;
    if (token && session) {
      const csrf = req.get(CSRF_HEADER);
      if (!csrf || !sameSecret(csrf, session.csrfToken)) return refuse(res, 403, "signing out needs the session's X-CSRF-Token");
      await deleteSession(db, token);
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", secure: req.secure, path: "/" });
    res.status(204).end();
  });

  router.post("/portal/magic-link", json, async (req, res) => {
    if (!req.is("application/json")) return refuse(res, 415, "send JSON: {\"email\": \"…\"}");
    const email = typeof req.body?.email === "string" ? req.body.email.trim() : "";
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) return refuse(res, 400, "email: not an email address");
    try {
      const domain = new URL(options.publicUrl).hostname || "advocate.localhost";
      for (const affiliate of await affiliatesByContactEmail(db, email)) {
        const token = await createMagicLink(db, affiliate.id, clock.now());
        await mailer.send(magicLinkEmail(affiliate.email, affiliate.name, `${options.publicUrl.replace(/\/$/, "")}/portal/#magic=${token}`, domain));
      }
    } catch (error) {
      log.error("magic link not sent", describeError(error));
    }
    // The same answer for a known and an unknown address: the form tells no one who is a partner.
    res.status(202).json({ sent: true });
  });
  return router;
}
