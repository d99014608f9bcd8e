import { createHmac, timingSafeEqual } from "node:crypto";

// The signature scheme Stripe made common for webhooks: a header
// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]`. The timestamp is signed with
// the body, so a captured request stops being accepted once it is older than the tolerance; any
// v1 may match any configured secret, so a secret can be rotated without downtime. Other schemes
// (v0, …) are never accepted. Stripe-Signature and X-Advocate-Signature both use it; each endpoint
// words its own answers.

export type TimestampedSignatureProblem = "missing_signature" | "missing_timestamp" | "bad_timestamp" | "missing_v1" | "no_matching_signature" | "timestamp_out_of_tolerance";

export type TimestampedSignatureCheck = { ok: true } | { ok: false; reason: TimestampedSignatureProblem; skewSeconds?: number };

/** The v1 HMAC of `body` sent at `timestamp`, in hex. */
export const timestampedSignature = (secret: string, timestamp: string, body: Buffer | string): string => digest(secret, timestamp, body).toString("hex");

const digest = (secret: string, timestamp: string, body: Buffer | string) => createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(body).digest();

/**
 * Checks the header against the raw body with every secret, each pair compared in constant time
 * (and every pair compared, so the time taken does not tell which matched); then the timestamp
 * against `nowMs`: only a signed timestamp is worth judging.
 */
export function checkTimestampedSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number, toleranceSeconds: number): TimestampedSignatureCheck {
  if (!header) return { ok: false, reason: "missing_signature" };
  let timestamp: string | undefined;
  const given: Buffer[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === "t") timestamp ??= value;
    else if (key === "v1" && /^[0-9a-fA-F]{64}$/.test(value)) given.push(Buffer.from(value, "hex"));
  }
  if (timestamp === undefined) return { ok: false, reason: "missing_timestamp" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  if (given.length === 0) return { ok: false, reason: "missing_v1" };
  let matched = false;
  for (const secret of secrets) {
    const expected = digest(secret, timestamp, body);
    for (const g of given) matched = timingSafeEqual(expected, g) || matched;
  }
  if (!matched) return { ok: false, reason: "no_matching_signature" };
  const skewSeconds = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skewSeconds > toleranceSeconds) return { ok: false, reason: "timestamp_out_of_tolerance", skewSeconds };
  return { ok: true };
}
