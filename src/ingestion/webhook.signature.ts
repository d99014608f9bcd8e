import { createHmac, timingSafeEqual } from "node:crypto";

// X-Advocate-Signature, as Stripe signs its webhooks: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">`. The timestamp is signed with the body, so a captured request stops being
// accepted once it is older than the tolerance: a replay cannot deliver events again later
// (say, a plan change refused then because its customer did not exist yet). Several v1 values
// may be sent, and several secrets configured, so a secret can be rotated without downtime.

export const SIGNATURE_HEADER = "x-advocate-signature";
/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
export const SIGNATURE_FORMAT = 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">';

export type SignatureProblem = "missing_signature" | "missing_timestamp" | "bad_timestamp" | "missing_v1" | "no_matching_signature" | "timestamp_out_of_tolerance";

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureProblem; message: string };

const digest = (secret: string, timestamp: string, body: Buffer | string) => createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest();

/** The X-Advocate-Signature header for `body` sent at `unixSeconds` (one v1 per secret given). */
export function signWebhookBody(body: Buffer | string, secrets: string | readonly string[], unixSeconds = Math.floor(Date.now() / 1000)): string {
  const t = String(unixSeconds);
  const list = typeof secrets === "string" ? [secrets] : secrets;
  return [`t=${t}`, ...list.map((secret) => `v1=${digest(secret, t, body).toString("hex")}`)].join(",");
}

const refuse = (reason: SignatureProblem, message: string): SignatureCheck => ({ ok: false, reason, message });

/**
 * Checks the header against the raw body with every configured secret, in constant time per
 * comparison; then the timestamp against `nowMs` (only a signed timestamp is worth judging).
 */
export function verifyWebhookSignature(header: string | undefined, body: Buffer, secrets: readonly string[], nowMs: number): SignatureCheck {
  if (!header) return refuse("missing_signature", `missing X-Advocate-Signature (${SIGNATURE_FORMAT})`);
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
  if (timestamp === undefined) return refuse("missing_timestamp", `X-Advocate-Signature has no timestamp t= (${SIGNATURE_FORMAT})`);
  if (!/^\d{1,12}$/.test(timestamp)) return refuse("bad_timestamp", `X-Advocate-Signature's timestamp t=${timestamp.slice(0, 40)} is not whole Unix seconds`);
  if (given.length === 0) return refuse("missing_v1", `X-Advocate-Signature has no v1= signature of 64 hex digits (${SIGNATURE_FORMAT})`);
  const expected = secrets.map((secret) => digest(secret, timestamp, body));
  let matched = false;
  // Every pair is compared, so the time taken does not say which one matched.
  for (const e of expected) for (const g of given) matched = timingSafeEqual(e, g) || matched;
  if (!matched) return refuse("no_matching_signature", `no v1 signature in X-Advocate-Signature matches the body with the webhook secret (${SIGNATURE_FORMAT})`);
  const skew = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skew > SIGNATURE_TOLERANCE_SECONDS) {
    return refuse(
      "timestamp_out_of_tolerance",
      `X-Advocate-Signature's timestamp is ${skew} s from the server's clock, past the ${SIGNATURE_TOLERANCE_SECONDS} s tolerance: sign each delivery when it is sent (a replayed request is refused)`,
    );
  }
  return { ok: true };
}
