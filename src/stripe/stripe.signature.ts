import { checkTimestampedSignature, timestampedSignature } from "../common/timestamped-signature.js";

// Stripe-Signature, as Stripe specifies it (docs: "Verify webhook signatures manually"):
// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…][,v0=…]`, keyed with the
// endpoint's signing secret (whsec_…). Any v1 may match any configured secret (Stripe sends one
// v1 per active secret while one is rolled); v0 (test-mode legacy scheme) is never accepted.
// The scheme is common/timestamped-signature.ts; the answers here are Stripe's endpoint's own.

export const STRIPE_SIGNATURE_HEADER = "stripe-signature";
/** Stripe's libraries' default tolerance, either way. */
export const STRIPE_TOLERANCE_SECONDS = 300;

export type StripeSignatureProblem = "missing_signature" | "missing_timestamp" | "missing_v1" | "no_matching_signature" | "timestamp_out_of_tolerance";

export type StripeSignatureCheck = { ok: true } | { ok: false; reason: StripeSignatureProblem; message: string };

/** Checks Stripe-Signature against the raw body with every secret (each pair in constant time), then its timestamp against `nowMs`. */
export function verifyStripeSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number): StripeSignatureCheck {
  const check = checkTimestampedSignature(header, body, secrets, nowMs, STRIPE_TOLERANCE_SECONDS);
  if (check.ok) return check;
  switch (check.reason) {
    case "missing_signature":
      return { ok: false, reason: "missing_signature", message: "missing Stripe-Signature header" };
    case "missing_timestamp":
    case "bad_timestamp":
      return { ok: false, reason: "missing_timestamp", message: "Stripe-Signature has no timestamp t=<unix seconds>" };
    case "missing_v1":
      return { ok: false, reason: "missing_v1", message: "Stripe-Signature has no v1 signature" };
    case "no_matching_signature":
      return {
        ok: false,
        reason: "no_matching_signature",
        message: "no v1 signature in Stripe-Signature matches the body with STRIPE_WEBHOOK_SECRET (is it this endpoint's signing secret, whsec_…?)",
      };
    case "timestamp_out_of_tolerance":
      return {
        ok: false,
        reason: "timestamp_out_of_tolerance",
        message: `Stripe-Signature's timestamp is ${check.skewSeconds} s from the server's clock, past the ${STRIPE_TOLERANCE_SECONDS} s tolerance`,
      };
  }
}

/** A Stripe-Signature header for `body` (the demo checkout signs as Stripe does). */
export function signStripePayload(body: string, secret: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${timestampedSignature(secret, String(unixSeconds), body)}`;
}
