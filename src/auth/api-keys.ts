import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// Keys are 32 random bytes, so a fast hash (SHA-256) is enough to make a stolen table useless;
// a slow password hash would only add latency to every affiliate request.
const AFFILIATE_KEY_PREFIX = "adv_aff_";

export const hashApiKey = (secret: string) => createHash("sha256").update(secret).digest("hex");

export function generateAffiliateKey(): { secret: string; hash: string; prefix: string } {
  const secret = AFFILIATE_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { secret, hash: hashApiKey(secret), prefix: secret.slice(0, AFFILIATE_KEY_PREFIX.length + 6) };
}

export const looksLikeAffiliateKey = (secret: string) => secret.startsWith(AFFILIATE_KEY_PREFIX);

export function generateAdminKey(): string {
  return "adv_admin_" + randomBytes(24).toString("base64url");
}

/** Constant-time comparison: hashing first makes both sides the same length. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(expected).digest());
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
