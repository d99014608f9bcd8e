import { AppError } from "../common/errors.js";
import { parseRfc3339, RFC3339_HINT } from "../common/dates.js";
import * as v from "../common/validate.js";
import { isoCurrency } from "../common/currency.js";
import { termMonthsInput } from "../customers/contract-terms.js";

// What a webhook event may say, checked on its own, before any database work (pure functions).

export const EVENT_TYPES = ["usage", "action", "nps", "csat", "ticket", "plan_change", "churn", "payment", "refund"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Events one request may carry. */
export const MAX_EVENTS_PER_REQUEST = 1_000;

interface Base {
  id: string;
  customerExternalId: string;
  at: Date;
}

export type IngestEvent =
  | (Base & { type: "usage"; activeUsers: number; licensedSeats: number })
  /** count: how many times (a warehouse's daily line, default 1); users: distinct users among them, null when not said. */
  | (Base & { type: "action"; name: string; count: number; users: number | null })
  | (Base & { type: "nps"; score: number })
  | (Base & { type: "csat"; score: number })
  | (Base & { type: "ticket" })
  | (Base & { type: "plan_change"; plan: string; mrrCents: number; termMonths: number | null })
  | (Base & { type: "churn"; reason: string | null })
  /** at: when it was paid. */
  | (Base & { type: "payment"; payment: PaymentFields })
  /** at: when the charge was (last) refunded. */
  | (Base & { type: "refund"; refund: RefundFields });

/** A payment event's fields (payments/payment.service.ts, PaymentInput, with source WEBHOOK and the customer by external id). */
export interface PaymentFields {
  externalId: string;
  amountCents: number;
  currency: string;
  periodStart: Date;
  periodEnd: Date;
  paymentIntentId: string | null;
  chargeId: string | null;
}

/** A refund event's fields (RefundInput): the charge's cumulative refunded amount. */
export interface RefundFields {
  chargeId: string;
  paymentExternalId: string | null;
  paymentIntentId: string | null;
  amountRefundedCents: number;
  currency: string;
}

export type Checked = { ok: true; event: IngestEvent } | { ok: false; id: string | null; reason: string };

export const ACTION_NAME = /^[a-z0-9][a-z0-9_.:-]{0,99}$/;
/** Most events one counted action line may stand for (a day of one event name of one customer). */
export const MAX_ACTION_COUNT = 1_000_000_000;

/**
 * Every string an event carries goes through here: one the database cannot hold (a NUL byte, a
 * lone surrogate) is this event's refusal, not a failure of the whole batch's transaction.
 */
function text(raw: Record<string, unknown>, field: string, max: number): string {
  const value = raw[field];
  if (typeof value !== "string" || value.trim() === "") throw new Error(`${field}: required text`);
  if (value.length > max) throw new Error(`${field}: at most ${max} characters`);
  return v.storableText(field, value).trim();
}

/** The event id is the idempotency key, compared as sent: not trimmed. */
function eventId(raw: Record<string, unknown>): string {
  const value = raw.id;
  if (typeof value !== "string" || value.length === 0 || value.length > 200) throw new Error("id: required text of at most 200 characters");
  return v.storableText("id", value);
}

function integer(raw: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = raw[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new Error(`${field}: must be an integer from ${min} to ${max}`);
  return value;
}

/** A plan change's optional contract term (customers/contract-terms.ts): null when absent. */
function termMonthsOf(raw: Record<string, unknown>): number | null {
  const value = raw.termMonths;
  return value == null ? null : termMonthsInput("termMonths", typeof value === "number" ? value : Number.NaN);
}

function date(raw: Record<string, unknown>, field: string): Date {
  const parsed = typeof raw[field] === "string" ? parseRfc3339(raw[field]) : null;
  if (!parsed) throw new Error(`${field}: must be an ISO-8601 date-time: ${RFC3339_HINT}`);
  return parsed;
}

const optionalText = (raw: Record<string, unknown>, field: string, max: number) => (raw[field] == null ? null : text(raw, field, max));

function currencyCode(raw: Record<string, unknown>): string {
  const code = typeof raw.currency === "string" ? isoCurrency(raw.currency) : null;
  if (!code) throw new Error("currency: must be an ISO 4217 currency code (e.g. USD, eur)");
  return code;
}

/** Amounts in the currency's minor unit: whole, not negative. */
const minorAmount = (raw: Record<string, unknown>, field: string) => integer(raw, field, 0, v.LIMITS.cents);

const KEY = 255;

function paymentFields(r: Record<string, unknown>): PaymentFields {
  const periodStart = date(r, "periodStart");
  const periodEnd = date(r, "periodEnd");
  if (periodEnd < periodStart) throw new Error("periodEnd: must not be before periodStart");
  return {
    externalId: text(r, "externalId", KEY),
    amountCents: minorAmount(r, "amountCents"),
    currency: currencyCode(r),
    periodStart,
    periodEnd,
    paymentIntentId: optionalText(r, "paymentIntentId", KEY),
    chargeId: optionalText(r, "chargeId", KEY),
  };
}

function refundFields(r: Record<string, unknown>): RefundFields {
  return {
    chargeId: text(r, "chargeId", KEY),
    paymentExternalId: optionalText(r, "paymentExternalId", KEY),
    paymentIntentId: optionalText(r, "paymentIntentId", KEY),
    amountRefundedCents: minorAmount(r, "amountRefundedCents"),
    currency: currencyCode(r),
  };
}

/** One event, validated and normalized, or the reason it is refused. */
export function checkEvent(raw: unknown, now: Date): Checked {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: false, id: null, reason: "an event must be a JSON object" };
  const r = raw as Record<string, unknown>;
  // Reported with a refusal as sent (when it is a plausible id), so the sender can match it.
  const reported = typeof r.id === "string" && r.id.length > 0 && r.id.length <= 200 ? r.id : null;
  try {
    const id = eventId(r);
    const type = r.type;
    if (typeof type !== "string" || !(EVENT_TYPES as readonly string[]).includes(type)) throw new Error(`type: must be one of ${EVENT_TYPES.join(", ")}`);
    const customerExternalId = text(r, "customerExternalId", v.LIMITS.externalId);
    const parsed = typeof r.at === "string" ? parseRfc3339(r.at) : null;
    if (!parsed) throw new Error(`at: must be an ISO-8601 date-time: ${RFC3339_HINT}`);
    const at = v.pastDate("at", parsed, now);
    const base = { id, customerExternalId, at };
    switch (type as EventType) {
      case "usage":
        return { ok: true, event: { ...base, type: "usage", licensedSeats: integer(r, "licensedSeats", 1, v.LIMITS.seats), activeUsers: integer(r, "activeUsers", 0, v.LIMITS.seats) } };
      case "action": {
        const name = text(r, "name", 100).toLowerCase();
        if (!ACTION_NAME.test(name)) throw new Error("name: letters, digits, and _ . : - only");
        const count = r.count == null ? 1 : integer(r, "count", 1, MAX_ACTION_COUNT);
        const users = r.users == null ? null : integer(r, "users", 0, v.LIMITS.seats);
        if (users !== null && users > count) throw new Error("users: must not be more than count (each user sent at least one of the events)");
        return { ok: true, event: { ...base, type: "action", name, count, users } };
      }
      case "nps":
        return { ok: true, event: { ...base, type: "nps", score: integer(r, "score", 0, 10) } };
      case "csat":
        return { ok: true, event: { ...base, type: "csat", score: integer(r, "score", 1, 5) } };
      case "ticket":
        return { ok: true, event: { ...base, type: "ticket" } };
      case "plan_change":
        return {
          ok: true,
          event: { ...base, type: "plan_change", plan: text(r, "plan", v.LIMITS.shortText), mrrCents: integer(r, "mrrCents", 0, v.LIMITS.cents), termMonths: termMonthsOf(r) },
        };
      case "churn": {
        const reason = r.reason == null ? null : text(r, "reason", v.LIMITS.reason);
        return { ok: true, event: { ...base, type: "churn", reason } };
      }
      case "payment":
        return { ok: true, event: { ...base, type: "payment", payment: paymentFields(r) } };
      case "refund":
        return { ok: true, event: { ...base, type: "refund", refund: refundFields(r) } };
    }
  } catch (error) {
    return { ok: false, id: reported, reason: error instanceof AppError || error instanceof Error ? error.message : String(error) };
  }
}
