import { createHmac, timingSafeEqual } from "node:crypto";

// Stripe-Signature, as Stripe specifies it (docs: "Verify webhook signatures manually"):
// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…][,v0=…]`, keyed with the
// endpoint's signing secret (whsec_…). Any v1 may match any configured secret (Stripe sends one
// v1 per active secret while one is rolled); v0 (test-mode legacy scheme) is never accepted.
// The same scheme as X-Advocate-Signature (ingestion/webhook.signature.ts), kept apart: the two
// endpoints' secrets, headers and answers are separate contracts.

export const STRIPE_SIGNATURE_HEADER = "stripe-signature";
/** Stripe's libraries' default tolerance, either way. */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type StripeSignatureProblem = "missing_signature" | "missing_timestamp" | "missing_v1" | "no_matching_signature" | "timestamp_out_of_tolerance";

export type StripeSignatureCheck = { ok: true } | { ok: false; reason: StripeSignatureProblem; message: string };

const digest = (secret: string, timestamp: string, body: Buffer) => createHmac("sha256", secret).update(`${timestamp}.`, "utf8").update(body).digest();

const refuse = (reason: StripeSignatureProblem, message: string): StripeSignatureCheck => ({ ok: false, reason, message });

/** Checks Stripe-Signature against the raw body with every secret (each pair in constant time), then its timestamp against `nowMs`. */
export function verifyStripeSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number): StripeSignatureCheck {
  if (!header) return refuse("missing_signature", "missing Stripe-Signature header");
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
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return refuse("missing_timestamp", "Stripe-Signature has no timestamp t=<unix seconds>");
  if (given.length === 0) return refuse("missing_v1", "Stripe-Signature has no v1 signature");
  let matched = false;
  // Every pair is compared, so the time taken does not tell which one matched.
  for (const secret of secrets) {
    const expected = digest(secret, timestamp, body);
    for (const g of given) matched = timingSafeEqual(expected, g) || matched;
  }
  if (!matched) return refuse("no_matching_signature", "no v1 signature in Stripe-Signature matches the body with STRIPE_WEBHOOK_SECRET (is it this endpoint's signing secret, whsec_…?)");
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skew > STRIPE_TOLERANCE_SECONDS) {
    return refuse("timestamp_out_of_tolerance", `Stripe-Signature's timestamp is ${skew} s from the server's clock, past the ${STRIPE_TOLERANCE_SECONDS} s tolerance`);
  }
  return { ok: true };
}

/** A Stripe-Signature header for `body` (the demo checkout signs as Stripe does). */
export function signStripePayload(body: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${digest(secret, String(unixSeconds), Buffer.from(body, "utf8")).toString("hex")}`;
}
