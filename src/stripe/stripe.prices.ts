import { TERM_MONTHS } from "../customers/contract-terms.js";

// A subscription's plan, monthly amount and contract term from its items' prices, without I/O.

export interface PriceItem {
  /** price.unit_amount (legacy plans: plan.amount) in minor units; null for tiered or metered prices. */
  unitAmount: number | null;
  quantity: number;
  /** price.recurring.interval: day, week, month or year. */
  interval: string;
  intervalCount: number;
  name: string | null;
}

/**
 * Billing intervals per month, on the calendar's average: a year is 12 months, a week 52/12 of a
 * month's worth (so a weekly price × 52 / 12), a day 365/12.
 */
export const PER_MONTH: Readonly<Record<string, number>> = { day: 365 / 12, week: 52 / 12, month: 1, year: 1 / 12 };

/**
 * What an item adds to the month, in minor units, not rounded (the sum is rounded once): unit
 * amount × quantity, per `intervalCount` intervals. Tiered and metered prices, with no unit
 * amount, and unknown intervals add nothing: their revenue is known from their invoices only.
 */
export function monthlyAmount(item: PriceItem): number {
  const perMonth = PER_MONTH[item.interval];
  if (item.unitAmount === null || perMonth === undefined || item.intervalCount <= 0) return 0;
  return (item.unitAmount * item.quantity * perMonth) / item.intervalCount;
}

/**
 * The contract term a price's interval gives, in months: `month` × interval_count, `year` × 12 ×
 * interval_count, when that is a term Advocate knows (1, 3, 6, 12, 24 or 36); days, weeks and
 * other counts give none (null).
 */
export function termMonthsOf(item: Pick<PriceItem, "interval" | "intervalCount">): number | null {
  const months = item.interval === "month" ? item.intervalCount : item.interval === "year" ? 12 * item.intervalCount : null;
  return months !== null && (TERM_MONTHS as readonly number[]).includes(months) ? months : null;
}

/** The plan a price names: its lookup_key, else its nickname, else its product (the expanded product's name, or its id). */
export function planOf(price: Record<string, unknown>): string | null {
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
  const product = price.product;
  const productName = typeof product === "object" && product !== null ? (text((product as Record<string, unknown>).name) ?? text((product as Record<string, unknown>).id)) : text(product);
  return (text(price.lookup_key) ?? text(price.nickname) ?? productName)?.slice(0, 100) ?? null;
}
