// The scalar fields of Stripe objects, read strictly: a value no valid Stripe object has throws
// StripeRejection (the event is recorded as rejected with the reason).

/** The event is permanently unusable: recorded as rejected with this reason. */
export class StripeRejection extends Error {}

export type Obj = Record<string, unknown>;

export const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);

export const text = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);

/** An expandable field: the id, or the expanded object's id. */
export const idOf = (value: unknown): string | null => text(value) ?? (isObj(value) ? text(value.id) : null);

export function requiredId(value: unknown, field: string): string {
  const id = idOf(value);
  if (id === null || id.length > 255) throw new StripeRejection(`${field} is missing`);
  return id;
}

/** An amount in minor units: a whole number from 0 up. */
export function amount(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new StripeRejection(`${field} must be a whole number of minor units, got ${JSON.stringify(value)}`);
  if (value < 0) throw new StripeRejection(`${field} must not be negative, got ${value}`);
  return value;
}

export const optionalAmount = (value: unknown, field: string) => (value == null ? null : amount(value, field));

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 code (Stripe sends it lower-case), upper-cased. */
export function currencyOf(value: unknown, field: string): string {
  const code = typeof value === "string" ? value.toUpperCase() : "";
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code)) throw new StripeRejection(`${field} is not an ISO 4217 currency code, got ${JSON.stringify(value)}`);
  return code;
}

export function seconds(value: unknown, field: string): Date {
  const date = optionalSeconds(value, field);
  if (date === null) throw new StripeRejection(`${field} is missing`);
  return date;
}

export function optionalSeconds(value: unknown, field: string): Date | null {
  if (value == null) return null;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) throw new StripeRejection(`${field} must be Unix seconds, got ${JSON.stringify(value)}`);
  return new Date(value * 1000);
}
