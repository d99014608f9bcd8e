import { Arg, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { Customer } from "../customers/customer.type.js";
import { currency as isoCurrencyOf } from "../common/currency.js";
import * as v from "../common/validate.js";
import { CommissionWaiting, ExchangeRate, Payment } from "./payment.type.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { maskName } from "../common/mask.js";
import { listExchangeRates, unlinkedPayments, type ExchangeRateRow, type PaymentRow } from "./payment.repository.js";
import { setExchangeRate } from "./exchange-rate.service.js";
import { PaymentSource } from "./payment.enums.js";

/** Why a payment counts for nothing yet (no rate into the program currency), or null. */
export function waitingReason(row: Pick<PaymentRow, "currency" | "programCurrency" | "programRate">, programCurrency: string): string | null {
  if (row.programRate !== null && row.programCurrency === programCurrency) return null;
  return `waiting for an ${row.currency}→${programCurrency} exchange rate (setExchangeRate)`;
}

export function toPayment(row: PaymentRow, programCurrency: string): Payment {
  const netCents = row.amountCents - row.refundedCents;
  const waiting = waitingReason(row, programCurrency);
  return {
    ...row,
    source: row.source as PaymentSource,
    linked: row.customerId !== null,
    netCents,
    programCurrency,
    // The epsilon absorbs binary dust (4900 × 1.08 is 5292.000000000001 or 5291.999999999999).
    programNetCents: waiting === null ? Math.floor(netCents * Number(row.programRate) + 1e-6) : null,
    waitingReason: waiting,
  };
}

const toRate = (row: ExchangeRateRow): ExchangeRate => ({ ...row, rate: Number(row.rate) });

@Resolver(() => Customer)
export class CustomerPaymentsResolver {
  @FieldResolver(() => [Payment], { description: "Its payments, newest first (admin)." })
  @Allow(Role.ADMIN)
  async payments(@Root() customer: Customer, @Ctx() { loaders, programCurrency }: Context): Promise<Payment[]> {
    return (await loaders.paymentsByCustomerId.load(customer.id)).map((row) => toPayment(row, programCurrency));
  }
}

@Resolver(() => Affiliate)
export class AffiliatePaymentsResolver {
  @FieldResolver(() => [CommissionWaiting], {
    description: "Commission periods of its referred customers that wait for an exchange rate (setExchangeRate): they accrue at the ledger run after it is recorded.",
  })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async commissionsWaiting(@Root() affiliate: Affiliate, @Ctx() { loaders, programCurrency }: Context): Promise<CommissionWaiting[]> {
    const day = (d: Date) => d.toISOString().slice(0, 10);
    return (await loaders.waitingCommissionsByAffiliateId.load(affiliate.id)).map((row) => ({
      customerLabel: maskName(row.customerName),
      period: row.period,
      periodStart: row.periodStart,
      periodEnd: row.periodEnd,
      amountCents: row.netCents,
      currency: row.currency,
      reason: `${waitingReason({ ...row, programRate: null }, programCurrency)}: the commission for ${day(row.periodStart)}..${day(row.periodEnd)} and later periods accrues at the ledger run after it is recorded`,
    }));
  }
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => [Payment], { description: "Payments whose payer is not an Advocate customer yet (an unknown Stripe customer), newest first: kept, never lost; linked when it is." })
  @Allow(Role.ADMIN)
  async unlinkedPayments(@Arg("first", () => Int, { defaultValue: 50 }) first: number, @Ctx() { db, programCurrency }: Context): Promise<Payment[]> {
    return (await unlinkedPayments(db, v.intInRange("first", first, 1, 500))).map((row) => toPayment(row, programCurrency));
  }

  @Query(() => [ExchangeRate], { description: "Recorded exchange rates (of one currency, or all), newest first per pair." })
  @Allow(Role.ADMIN)
  async exchangeRates(@Arg("currency", () => String, { nullable: true }) currency: string | null | undefined, @Ctx() { db }: Context): Promise<ExchangeRate[]> {
    return (await listExchangeRates(db, currency == null ? null : isoCurrencyOf("currency", currency))).map(toRate);
  }

  @Mutation(() => ExchangeRate, {
    description:
      "Records the rate of `currency` into the program currency: `rate` units of PROGRAM_CURRENCY per one unit of `currency`, from `effectiveFrom` (default now; a payment paid before a currency's first rate converts at it). History is kept; payments convert at the rate in force when paid.",
  })
  @Allow(Role.ADMIN)
  async setExchangeRate(
    @Arg("currency", () => String) currency: string,
    @Arg("rate", () => Float) rate: number,
    @Arg("effectiveFrom", () => Date, { nullable: true }) effectiveFrom: Date | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<ExchangeRate> {
    return toRate(await setExchangeRate(ctx, { currency, rate, effectiveFrom }, ctx.now));
  }
}
