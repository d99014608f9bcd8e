import { badInput } from "./errors.js";
import { normalizeCode, normalizeNiche } from "./normalize.js";

// Input checks shared by every mutation (and later the webhook): each returns the cleaned
// value or throws BAD_USER_INPUT naming the field, before anything is written.

export const LIMITS = {
  name: 200,
  shortText: 100,
  title: 200,
  body: 20_000,
  url: 2_048,
  externalId: 128,
  visitorId: 128,
  reason: 500,
  niche: 64,
  email: 254,
  cents: 2_000_000_000,
  seats: 10_000_000,
  nichesPerAsset: 20,
} as const;

/** How far a client clock may run ahead of ours before a date counts as "in the future". */
const FUTURE_TOLERANCE_MS = 24 * 3600 * 1000;
const EARLIEST = Date.UTC(1990, 0, 1);

/**
 * A GraphQL field extension (type-graphql's `@Extensions`): the resolver reads its string
 * arguments as public input that is never an error (landingPage: a niche with a NUL byte matches
 * nothing), so server/storable-input.ts does not refuse them.
 */
export const ANY_TEXT_ARGUMENTS = "anyTextArguments";

/**
 * Why `text` cannot be stored, or null when it can: PostgreSQL refuses NUL in text, and a lone
 * UTF-16 surrogate has no UTF-8 form (it would be stored as U+FFFD and compare equal to others).
 */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL characters";
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return "must be well-formed Unicode (no lone surrogates)";
  return null;
}

/** Throws BAD_USER_INPUT naming `field` when `text` cannot be stored as it is. */
export function storableText(field: string, text: string): string {
  const problem = textProblem(text);
  if (problem) throw badInput(field, problem);
  return text;
}

export function requiredText(field: string, value: string, max: number): string {
  const text = storableText(field, value).trim();
  if (text.length === 0) throw badInput(field, "must not be empty");
  if (text.length > max) throw badInput(field, `must be at most ${max} characters`);
  return text;
}

/** Optional text: null/undefined/blank become null. */
export function optionalText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  return requiredText(field, value, max);
}

export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badInput(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function cents(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw badInput(field, "must be a non-negative integer (cents)");
  if (value > LIMITS.cents) throw badInput(field, `must be at most ${LIMITS.cents}`);
  return value;
}

const CODE = /^[a-z0-9_-]{2,64}$/;

export function affiliateCode(field: string, value: string): string {
  const code = normalizeCode(value);
  if (!CODE.test(code)) throw badInput(field, "must be 2 to 64 characters of A-Z, a-z, 0-9, _ or -");
  return code;
}

export function niche(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const normalized = normalizeNiche(value);
  if (normalized === "") return null;
  if (normalized.length > LIMITS.niche) throw badInput(field, `must be at most ${LIMITS.niche} characters`);
  return normalized;
}

export function niches(field: string, values: readonly string[] | null | undefined): string[] {
  if (!values) return [];
  if (values.length > LIMITS.nichesPerAsset) throw badInput(field, `at most ${LIMITS.nichesPerAsset} niches`);
  const cleaned = values.map((v) => niche(field, v)).filter((v): v is string => v !== null);
  return [...new Set(cleaned)];
}

/** A moment that has happened: defaults to now, refuses the far future and the distant past. */
export function pastDate(field: string, value: Date | null | undefined, now = new Date()): Date {
  if (value === null || value === undefined) return now;
  const t = value.getTime();
  if (Number.isNaN(t)) throw badInput(field, "must be a valid date");
  if (t > now.getTime() + FUTURE_TOLERANCE_MS) throw badInput(field, "must not be in the future");
  if (t < EARLIEST) throw badInput(field, "must not be before 1990");
  return value;
}

export function httpUrl(field: string, value: string | null | undefined): string | null {
  const text = optionalText(field, value, LIMITS.url);
  if (text === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw badInput(field, "must be an absolute http(s) URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw badInput(field, "must be an absolute http(s) URL");
  return text;
}

// One plain mailbox (RFC 5321/5322 addr-spec, ASCII): a dot-atom local part and a domain of
// letter-digit-hyphen labels. No quoted strings, comments, display names, lists or domain
// literals: mailers parse those ("a,b@x" is two recipients, "x(c)@y" has a comment, "n<e@z>" is
// e@z), so the address stored would not be the one mail goes to.
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const EMAIL = new RegExp(`^(?=[^@]{1,64}@)${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$`);

export function email(field: string, value: string): string {
  const text = requiredText(field, value, LIMITS.email).toLowerCase();
  if (!EMAIL.test(text)) throw badInput(field, "must be one plain email address like name@example.com (no display name, comment, list or quotes)");
  return text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

export function id(field: string, value: string): string {
  if (!isUuid(value)) throw badInput(field, "is not a valid id");
  return value.toLowerCase();
}
