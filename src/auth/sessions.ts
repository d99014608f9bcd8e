import { randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliates, magicLinks, webSessions } from "../db/schema/index.js";
import { hashApiKey } from "./api-keys.js";
import { Role, type Caller } from "./roles.js";

// Browser sign-in for the console and the portal: the key (or a mailed link) is exchanged once
// for a random session token kept in an HttpOnly cookie, so no key ever sits in page storage.

/** The cookie's name; SameSite=Strict keeps other sites' requests from carrying it. */
export const SESSION_COOKIE = "advocate_session";
/** The header every cookie-authenticated GraphQL request and sign-out must carry (CSRF). */
export const CSRF_HEADER = "x-csrf-token";
export const SESSION_TTL_MS = 12 * 3_600_000;
export const MAGIC_LINK_TTL_MS = 15 * 60_000;

const newToken = () => randomBytes(32).toString("base64url");

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface Session {
  caller: Caller;
  csrfToken: string;
  expiresAt: Date;
}

/** Opens a session for an admin or an affiliate caller (never a server key); sweeps expired ones. */
export async function createSession(ex: Executor, caller: Caller, now: Date): Promise<NewSession> {
  if (caller.role !== Role.ADMIN && caller.role !== Role.AFFILIATE) throw new Error("only admins and affiliates sign in to a browser session");
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await ex.delete(webSessions).where(lt(webSessions.expiresAt, now));
  await ex.insert(webSessions).values({ tokenHash: hashApiKey(token), role: caller.role, affiliateId: caller.affiliateId ?? null, csrfToken, expiresAt });
  return { token, csrfToken, expiresAt };
}

/** The live session of a cookie's token: one indexed lookup (its affiliate must still exist). */
export async function findSession(ex: Executor, token: string, now: Date): Promise<Session | undefined> {
  const [row] = await ex
    .select({ role: webSessions.role, affiliateId: webSessions.affiliateId, csrfToken: webSessions.csrfToken, expiresAt: webSessions.expiresAt })
    .from(webSessions)
    .where(and(eq(webSessions.tokenHash, hashApiKey(token)), gt(webSessions.expiresAt, now)));
  if (!row) return undefined;
  const caller: Caller = row.role === Role.ADMIN ? { role: Role.ADMIN } : { role: Role.AFFILIATE, affiliateId: row.affiliateId! };
  return { caller, csrfToken: row.csrfToken, expiresAt: row.expiresAt };
}

/** Signs an affiliate out everywhere: its sessions and unused sign-in links go (a suspension). */
export async function endAffiliateSessions(ex: Executor, affiliateId: string): Promise<void> {
  await ex.delete(webSessions).where(eq(webSessions.affiliateId, affiliateId));
  await ex.delete(magicLinks).where(eq(magicLinks.affiliateId, affiliateId));
}

export async function deleteSession(ex: Executor, token: string): Promise<void> {
  await ex.delete(webSessions).where(eq(webSessions.tokenHash, hashApiKey(token)));
}

/** A one-time sign-in token for an affiliate, to mail to its contact. */
export async function createMagicLink(ex: Executor, affiliateId: string, now: Date): Promise<string> {
  const token = newToken();
  await ex.delete(magicLinks).where(lt(magicLinks.expiresAt, now));
  await ex.insert(magicLinks).values({ tokenHash: hashApiKey(token), affiliateId, expiresAt: new Date(now.getTime() + MAGIC_LINK_TTL_MS) });
  return token;
}

/** Uses a magic link up (at most once, before it expires): the affiliate it signs in, else undefined. */
export async function consumeMagicLink(ex: Executor, token: string, now: Date): Promise<string | undefined> {
  const [row] = await ex
    .update(magicLinks)
    .set({ usedAt: now })
    .where(and(eq(magicLinks.tokenHash, hashApiKey(token)), isNull(magicLinks.usedAt), gt(magicLinks.expiresAt, now)))
    .returning({ affiliateId: magicLinks.affiliateId });
  if (!row) return undefined;
  // A suspended affiliate's links were deleted at its suspension; one mailed since is refused too.
  const [affiliate] = await ex.select({ id: affiliates.id }).from(affiliates).where(and(eq(affiliates.id, row.affiliateId), isNull(affiliates.suspendedAt)));
  return affiliate?.id;
}

/** The value of one cookie in a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eqAt = part.indexOf("=");
    if (eqAt > 0 && part.slice(0, eqAt).trim() === name) return decodeURIComponent(part.slice(eqAt + 1).trim());
  }
  return undefined;
}
