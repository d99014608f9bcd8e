import { badInput } from "./errors.js";

// ISO 4217 currencies and their minor units (README, "Revenue and currency"). Amounts are kept as
// integers in the currency's minor unit, the way Stripe sends them.

const KNOWN = new Set(Intl.supportedValuesOf("currency"));

/**
 * Where Stripe's minor unit differs from CLDR's (which Intl reports), Stripe's: its amounts are
 * what senders send. Zero-decimal and three-decimal lists from stripe.com/docs/currencies; ISK is
 * zero-decimal in CLDR but two-decimal in Stripe's API (amounts divisible by 100).
 */
const STRIPE_MINOR_DIGITS: Record<string, number> = {
  ...Object.fromEntries(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"].map((c) => [c, 0])),
  ...Object.fromEntries(["BHD", "JOD", "KWD", "OMR", "TND"].map((c) => [c, 3])),
  ISK: 2,
};

/** The ISO 4217 code in upper case, or null when it is not one. */
export function isoCurrency(code: string): string | null {
  const upper = code.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(upper) && KNOWN.has(upper) ? upper : null;
}

/** Validated currency code (any case in, upper case out), or BAD_USER_INPUT naming the field. */
export function currency(field: string, code: string): string {
  const iso = typeof code === "string" ? isoCurrency(code) : null;
  if (!iso) throw badInput(field, `"${String(code).slice(0, 20)}" is not an ISO 4217 currency code`);
  return iso;
}

/** Digits of the minor unit: 2 for USD (cents), 0 for JPY, 3 for KWD. */
export function minorDigits(iso: string): number {
  const known = STRIPE_MINOR_DIGITS[iso] ?? digitsSeen.get(iso);
  if (known !== undefined) return known;
  // Intl's answer costs ~100 µs (a NumberFormat is built): asked once per currency.
  const digits = new Intl.NumberFormat("en", { style: "currency", currency: iso }).resolvedOptions().maximumFractionDigits ?? 2;
  digitsSeen.set(iso, digits);
  return digits;
}

const digitsSeen = new Map<string, number>();
