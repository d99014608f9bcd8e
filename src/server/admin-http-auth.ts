import type { RequestHandler } from "express";
import { GraphQLError } from "graphql";
import type { Database } from "../db/client.js";
import { parseAuthorization } from "../auth/api-keys.js";
import { Role, type Caller } from "../auth/roles.js";
import { cookieValue, findSession, SESSION_COOKIE } from "../auth/sessions.js";
import type { Clock } from "../jobs/job.runner.js";
import { resolveCaller } from "./context.js";

export interface AdminHttpAuthOptions {
  db: Database;
  adminApiKey: string | undefined;
  clock: Clock;
  onAuthenticationFailure?: (clientIp: string | undefined) => void;
}

/** Who the request is for an admin-only HTTP route, or why it is refused (status and reason). */
async function adminCaller(req: Parameters<RequestHandler>[0], { db, adminApiKey, clock, onAuthenticationFailure }: AdminHttpAuthOptions): Promise<Caller | { status: number; error: string }> {
  const now = clock.now();
  if (parseAuthorization(req.headers.authorization).kind !== "none") {
    const caller = await resolveCaller(db, req.headers.authorization, adminApiKey, now).catch((error: unknown) => {
      if (!(error instanceof GraphQLError)) throw error;
      onAuthenticationFailure?.(req.ip);
      return { status: 401, error: error.message };
    });
    if (!("role" in caller) || caller.role === Role.ADMIN) return caller;
    return { status: 403, error: caller.role === Role.AFFILIATE ? "an affiliate key may not export: this route needs the admin key" : "a server key may not export: this route needs the admin key" };
  }
  const token = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const session = token ? await findSession(db, token, now) : undefined;
  if (!session) return { status: 401, error: "send Authorization: Bearer <admin key>, or sign in to the console" };
  // The cookie is SameSite=Strict; a browser that says the request came from another site is
  // refused as well, so a link elsewhere can never start a download with the admin's session.
  if (req.get("sec-fetch-site") === "cross-site") return { status: 403, error: "a console session may not be used from another site" };
  if (session.caller.role !== Role.ADMIN) return { status: 403, error: "an affiliate session may not export: sign in to the console as an admin" };
  return { ...session.caller, credential: "console-session" };
}

/**
 * Lets through the admin key (as /graphql takes it) or an admin console session cookie; GET
 * routes only (safe reads), so no CSRF token is asked. The caller goes to `res.locals.caller`.
 */
export function adminHttpAuth(options: AdminHttpAuthOptions): RequestHandler {
  return (req, res, next) => {
    adminCaller(req, options).then((result) => {
      res.set("Cache-Control", "no-store");
      if ("role" in result) {
        res.locals.caller = result;
        return next();
      }
      res.status(result.status).json({ error: result.error });
    }, next);
  };
}
