import type { ServiceContext } from "../common/service-context.js";
import { badInput } from "../common/errors.js";
import { currency as isoCurrencyOf } from "../common/currency.js";
import * as v from "../common/validate.js";
import { queueScoreRefresh } from "../intelligence/score-queue.js";
import { convertPayments, upsertExchangeRate, type ExchangeRateRow } from "./payment.repository.js";

const MIN_RATE = 1e-9;
const MAX_RATE = 1e9;

/**
 * Records the rate of `currency` into the program currency (units of the program currency per
 * one unit of `currency`) from `effectiveFrom` (default now) until the next recorded one; one at
 * the same moment as an earlier one corrects it. The payments of that currency are converted
 * again (the rate in force at each one's paid_at; the first rate for those paid before it), so
 * commissions waiting for it accrue at the next ledger run, and their customers are rescored.
 */
export async function setExchangeRate(ctx: ServiceContext, input: { currency: string; rate: number; effectiveFrom?: Date | null }, now = new Date()): Promise<ExchangeRateRow> {
  const currency = isoCurrencyOf("currency", input.currency);
  if (currency === ctx.programCurrency) throw badInput("currency", `${currency} is the program currency (PROGRAM_CURRENCY): its rate is 1`);
  if (typeof input.rate !== "number" || !Number.isFinite(input.rate) || input.rate < MIN_RATE || input.rate > MAX_RATE) {
    throw badInput("rate", `must be a positive number from ${MIN_RATE} to ${MAX_RATE} (units of ${ctx.programCurrency} per one ${currency})`);
  }
  const effectiveFrom = v.pastDate("effectiveFrom", input.effectiveFrom, now);
  const { row, touched } = await ctx.db.transaction(async (tx) => {
    const row = await upsertExchangeRate(tx, { currency, quoteCurrency: ctx.programCurrency, rate: String(input.rate), effectiveFrom });
    const touched = await convertPayments(tx, ctx.programCurrency, { currency });
    await queueScoreRefresh(tx, touched, now);
    return { row, touched };
  });
  if (touched.length > 0) ctx.changes.publish({ kind: "jobs" });
  return row;
}
