export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The month the billing code accrues MRR over (365.25 / 12 days). */
export const MONTH_MS = 30.4375 * DAY_MS;
/** How far back a generated data set's signups go. */
export const HISTORY_SPAN_MS = 3 * 365 * DAY_MS;

/** 'YYYY-MM-DD' of the UTC day, the form of referral_visits.visited_on. */
export function utcDateString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Lower-case ASCII words joined by dashes: valid in affiliate codes, domains and URLs. */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
