import { checkTimestampedSignature, timestampedSignature, type TimestampedSignatureProblem } from "../common/timestamped-signature.js";

// X-Advocate-Signature, as Stripe signs its webhooks (common/timestamped-signature.ts): the
// timestamp is signed with the body, so a captured request stops being accepted once it is older
// than the tolerance: a replay cannot deliver events again later (say, a plan change refused then
// because its customer did not exist yet). Several v1 values may be sent, and several secrets
// configured, so a secret can be rotated without downtime.

export const SIGNATURE_HEADER = "x-advocate-signature";
/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const SIGNATURE_FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">';

export type SignatureProblem = TimestampedSignatureProblem;

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureProblem; message: string };

/** The X-Advocate-Signature header for `body` sent at `unixSeconds` (one v1 per secret given). */
export function signWebhookBody(body: Buffer | string, secrets: string | readonly string[], unixSeconds = Math.floor(Date.now() / 1000)): string {
  const t = String(unixSeconds);
  const list = typeof secrets === "string" ? [secrets] : secrets;
  return [`t=${t}`, ...list.map((secret) => `v1=${timestampedSignature(secret, t, body)}`)].join(",");
}

const MESSAGES: Record<Exclude<SignatureProblem, "bad_timestamp" | "timestamp_out_of_tolerance">, string> = {
  missing_signature: `missing X-Advocate-Signature (${SIGNATURE_FORMAT})`,
  missing_timestamp: `X-Advocate-Signature has no timestamp t= (${SIGNATURE_FORMAT})`,
  missing_v1: `X-Advocate-Signature has no v1= signature of 64 hex digits (${SIGNATURE_FORMAT})`,
  no_matching_signature: `no v1 signature in X-Advocate-Signature matches the body with the webhook secret (${SIGNATURE_FORMAT})`,
};

/** Checks the header against the raw body with every configured secret, then its timestamp against `nowMs`. */
export function verifyWebhookSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number): SignatureCheck {
  const check = checkTimestampedSignature(header, body, secrets, nowMs, SIGNATURE_TOLERANCE_SECONDS);
  if (check.ok) return check;
  if (check.reason === "bad_timestamp") {
    const t = /(?:^|,)\s*t=([^,]*)/.exec(header ?? "")?.[1]?.trim() ?? "";
    return { ok: false, reason: check.reason, message: `X-Advocate-Signature's timestamp t=${t.slice(0, 40)} is not whole Unix seconds` };
  }
  if (check.reason === "timestamp_out_of_tolerance") {
    return {
      ok: false,
      reason: check.reason,
      message: `X-Advocate-Signature's timestamp is ${check.skewSeconds} s from the server's clock, past the ${SIGNATURE_TOLERANCE_SECONDS} s tolerance: sign each delivery when it is sent (a replayed request is refused)`,
    };
  }
  return { ok: false, reason: check.reason, message: MESSAGES[check.reason] };
}
