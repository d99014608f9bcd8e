import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Keys are 32 random bytes, so a fast hash (SHA-256) is enough to make a stolen table useless;
// a slow password hash would only add latency to every affiliate request.
const AFFILIATE_KEY_PREFIX = "adv_aff_";
const SERVER_KEY_PREFIX = "adv_srv_";

export const hashApiKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** A new key: the secret (shown once), its hash (stored), and a prefix an admin can tell it by. */
export interface GeneratedKey {
  secret: string;
  hash: string;
  prefix: string;
}

function generateKey(kind: string): GeneratedKey {
  const secret = kind + randomBytes(32).toString("base64url");
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, kind.length + 6) };
}

export const generateAffiliateKey = () => generateKey(AFFILIATE_KEY_PREFIX);
export const generateServerKey = () => generateKey(SERVER_KEY_PREFIX);

export const looksLikeAffiliateKey = (secret: string) => secret.startsWith(AFFILIATE_KEY_PREFIX);
export const looksLikeServerKey = (secret: string) => secret.startsWith(SERVER_KEY_PREFIX);

export function generateAdminKey(): string {
  return "adv_admin_" + randomBytes(24).toString("base64url");
}

/** Constant-time comparison: hashing first makes both sides the same length. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

/**
 * What an Authorization header carries: nothing (absent or blank), a bearer token ("Bearer" in
 * any case, any spacing), or something else. Authentication and the rate limiter both read the
 * header here, so every spelling of one key is one key to both.
 */
export type Credential = { kind: "none" } | { kind: "bearer"; token: string } | { kind: "malformed" };

export function parseAuthorization(header: string | undefined): Credential {
  if (header === undefined || header.trim() === "") return { kind: "none" };
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? { kind: "bearer", token: match[1]! } : { kind: "malformed" };
}

export function bearerToken(header: string | undefined): string | undefined {
  const credential = parseAuthorization(header);
  return credential.kind === "bearer" ? credential.token : undefined;
}
