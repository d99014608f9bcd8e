import crypto from "node:crypto";
import { parseRfc3339, RFC3339_HINT } from "../common/dates.js";
import * as v from "../common/validate.js";
import { ACTION_NAME } from "./event.rules.js";
import { SKETCH_BITS } from "./activity.repository.js";

// Segment's HTTP tracking API calls (and RudderStack's, which has the same shape), checked on
// their own, before any database work (pure functions). README, "Segment-compatible ingestion".

export const SEGMENT_TYPES = ["track", "identify", "group", "page", "screen"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** Segment's limits: 500 KB a batch request, 32 KB a call (400 past either). */
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_EVENT_BYTES = 32 * 1024;

export interface SegmentEvent {
  type: SegmentType;
  /** The MD5 of the messageId as a uuid (the window's key); null when the call has none. */
  messageKey: string | null;
  /** The account's external id (a customer's), null when the call names none. */
  account: string | null;
  at: Date;
  /** track: the event name as an action name; page and screen: "page", "screen". */
  name: string;
  /** The user's bit in the day's distinct-users sketch (userId, else anonymousId). */
  userBit: number;
  traits: Record<string, unknown>;
}

export type CheckedCall = { ok: true; event: SegmentEvent } | { ok: false; reason: string };

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);
const objectAt = (value: unknown): Record<string, unknown> => (isObject(value) ? value : {});

const paths = new Map<string, string[]>();

/** A dotted path (company.id) into an object; numbers are ids too. A few paths are asked of every call: split once. */
export function pathValue(root: Record<string, unknown>, path: string): string | null {
  let value: unknown;
  if (!path.includes(".")) {
    value = root[path];
  } else {
    let keys = paths.get(path);
    if (!keys) {
      if (paths.size >= 1_000) paths.clear();
      paths.set(path, (keys = path.split(".")));
    }
    value = root;
    for (const key of keys) value = isObject(value) ? value[key] : undefined;
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

const names = new Map<string, string | null>();

/** "Report Created" → "report_created": Segment's event names as action names (event.rules.ts); a product has few, so they are remembered. */
export function actionNameOf(event: string): string | null {
  const known = names.get(event);
  if (known !== undefined) return known;
  if (names.size >= 10_000) names.clear();
  const name = normalizedName(event);
  names.set(event, name);
  return name;
}

function normalizedName(event: string): string | null {
  const name = event
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.:-]+/g, "_")
    .replace(/^[^a-z0-9]+|_+$/g, "");
  return ACTION_NAME.test(name) ? name : null;
}

/** FNV-1a over the id's UTF-16 units: which of the sketch's bits this user sets. */
export function userBitOf(user: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < user.length; i++) hash = Math.imul(hash ^ user.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SKETCH_BITS;
}

// crypto.hash (Node 20.12+, engines ≥ 20.19) skips a Hash object per call: a third of the time.
const md5Hex = (text: string) => (crypto as unknown as { hash(algorithm: string, data: string): string }).hash("md5", text);

export function messageKeyOf(messageId: string): string {
  const hex = md5Hex(messageId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Two digits of `text` at `at` as a number (NaN past a non-digit). */
const pair = (text: string, at: number) => {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
};
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * toISOString's own form (what Segment's clients send) parsed fast; any other RFC 3339 text the
 * strict way. The Date must show the fields as written (a 30 February or a 24:00 would roll over).
 */
export function parseTime(text: string): Date | null {
  if (text.length === 24 && ISO_UTC.test(text)) {
    const date = new Date(text);
    if (
      date.getUTCDate() === pair(text, 8) &&
      date.getUTCHours() === pair(text, 11) &&
      date.getUTCMinutes() === pair(text, 14) &&
      date.getUTCSeconds() === pair(text, 17) &&
      date.getUTCMonth() + 1 === pair(text, 5)
    ) {
      return date;
    }
  }
  return parseRfc3339(text);
}

function dateField(raw: Record<string, unknown>, field: string): Date | null {
  if (raw[field] == null) return null;
  const parsed = typeof raw[field] === "string" ? parseTime(raw[field]) : null;
  if (!parsed) throw new Error(`${field}: must be an ISO-8601 date-time: ${RFC3339_HINT}`);
  return parsed;
}

/** How far ahead of the server's clock a call's time may be (clock skew); later is refused. */
const FUTURE_SKEW_MS = 10 * 60_000;

/**
 * When the call happened, as Segment reads it: `timestamp`; else `originalTimestamp` corrected by
 * the sender's clock skew (receivedAt − (sentAt − originalTimestamp), sentAt the call's or the
 * batch's); else when it was received.
 */
function timeOf(raw: Record<string, unknown>, batchSentAt: Date | null, now: Date): Date {
  const timestamp = dateField(raw, "timestamp");
  const original = dateField(raw, "originalTimestamp");
  const sentAt = dateField(raw, "sentAt") ?? batchSentAt;
  const at = timestamp ?? (original && sentAt ? new Date(now.getTime() - (sentAt.getTime() - original.getTime())) : original) ?? now;
  if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) throw new Error("timestamp: more than 10 minutes in the future");
  return at.getTime() > now.getTime() ? now : at;
}

/** The call's account: context.groupId, else properties.groupId, else the configured trait (identify: its traits; others: context.traits). */
function accountOf(type: SegmentType, raw: Record<string, unknown>, traits: Record<string, unknown>, accountTrait: string): string | null {
  if (type === "group") return pathValue(raw, "groupId");
  return pathValue(objectAt(raw.context), "groupId") ?? pathValue(objectAt(raw.properties), "groupId") ?? pathValue(traits, accountTrait);
}

/**
 * The call's traits: its own (identify, group) over context.traits (where RudderStack's identify
 * and every track carry them). Read only: a call with no traits of its own (a track) shares its
 * context's object instead of a copy.
 */
const traitsOf = (raw: Record<string, unknown>): Record<string, unknown> =>
  raw.traits === undefined ? objectAt(objectAt(raw.context).traits) : { ...objectAt(objectAt(raw.context).traits), ...objectAt(raw.traits) };

/** One call, validated and normalized, or the reason it is refused. `type` is the route's (/v1/track) or the call's own. */
export function checkCall(raw: unknown, routeType: SegmentType | null, batchSentAt: Date | null, accountTrait: string, now: Date): CheckedCall {
  if (!isObject(raw)) return { ok: false, reason: "a call must be a JSON object" };
  try {
    const type = routeType ?? raw.type;
    if (typeof type !== "string" || !(SEGMENT_TYPES as readonly string[]).includes(type)) throw new Error(`type: must be one of ${SEGMENT_TYPES.join(", ")}`);
    const messageId = raw.messageId;
    if (messageId != null && (typeof messageId !== "string" || messageId.length === 0 || messageId.length > 200)) throw new Error("messageId: text of at most 200 characters");
    const user = pathValue(raw, "userId") ?? pathValue(raw, "anonymousId");
    if (user === null) throw new Error("userId or anonymousId: one is required");
    let name: string = type;
    if (type === "track") {
      if (typeof raw.event !== "string" || raw.event.trim() === "") throw new Error("event: required text (the track call's name)");
      const action = actionNameOf(v.storableText("event", raw.event));
      if (!action) throw new Error("event: must hold a letter or digit, at most 100 characters once lowercased with spaces as _");
      name = action;
    }
    const traits = traitsOf(raw);
    return {
      ok: true,
      event: {
        type: type as SegmentType,
        messageKey: typeof messageId === "string" ? messageKeyOf(messageId) : null,
        account: accountOf(type as SegmentType, raw, traits, accountTrait),
        at: timeOf(raw, batchSentAt, now),
        name,
        userBit: userBitOf(user),
        traits,
      },
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The bytes of the largest object or array two levels into a JSON document as sent: for
 * {"batch": [...]} the largest call of the batch. A linear scan of the bytes, cheaper than
 * serializing every call again; the body must be valid JSON (JSON.parse accepted it).
 */
export function largestNestedSpan(body: Uint8Array): number {
  let depth = 0;
  let start = -1;
  let largest = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === 0x22) {
      // A string: skipped whole, escapes included.
      for (i++; i < body.length && body[i] !== 0x22; i++) if (body[i] === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 2) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 2 && i + 1 - start > largest) largest = i + 1 - start;
    }
  }
  return largest;
}
