const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const money = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Cents as an amount of the program currency: 123456 → "1,234.56". */
export const formatCents = (cents: number) => money.format(cents / 100);
/** Large amounts without cents, for headline figures. */
export const formatCentsShort = (cents: number) => whole.format(Math.round(cents / 100));
export const formatInt = (n: number) => whole.format(n);
export const formatScore = (n: number | null | undefined) => (n == null ? "–" : n.toFixed(1));
export const formatPercent = (ratio: number | null | undefined, digits = 1) => (ratio == null ? "–" : `${(ratio * 100).toFixed(digits)}%`);
export const formatDate = (iso: string | null | undefined) => (iso ? new Date(iso).toISOString().slice(0, 10) : "–");
export const formatMonth = (iso: string) => new Date(iso).toISOString().slice(0, 7);
