import { sql } from "drizzle-orm";
import { queryRows, type Transaction } from "../db/client.js";
import { ErrorCode, toAppError } from "../common/errors.js";
import { applyPayment, applyRefund, validatePayment, validateRefund } from "../payments/payment.service.js";
import { settleRefunds } from "../commissions/commission.service.js";
import type { IngestEvent } from "./event.rules.js";

export type MoneyEvent = Extract<IngestEvent, { type: "payment" | "refund" }>;

export const isMoneyEvent = (event: IngestEvent): event is MoneyEvent => event.type === "payment" || event.type === "refund";

/**
 * Stores one payment or refund event in its own savepoint of the batch's transaction, with its
 * idempotency key: a refusal only the stored state can make (a payment's currency changed, a
 * refund in another currency than its payment) rejects this event alone and leaves nothing of
 * it, key included. Returns its outcome; failures other than bad input fail the batch.
 */
export async function storeMoneyEvent(
  tx: Transaction,
  programCurrency: string,
  event: MoneyEvent,
  customerId: string,
  now: Date,
): Promise<{ status: "accepted" | "duplicate" } | { status: "rejected"; reason: string }> {
  try {
    return await tx.transaction(async (sp) => {
      const key = await queryRows<{ id: string }>(
        sp,
        sql`insert into ingested_events (id, type, customer_id, at, received_at)
            values (${event.id}, ${event.type}, ${customerId}, ${event.at.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
            on conflict do nothing returning id`,
      );
      if (key.length === 0) return { status: "duplicate" as const };
      if (event.type === "payment") {
        const input = { ...event.payment, source: "WEBHOOK" as const, customerId, providerCustomerId: null, paidAt: event.at };
        await applyPayment(sp, programCurrency, validatePayment(input, now), now);
      } else {
        const recorded = await applyRefund(sp, validateRefund({ ...event.refund, source: "WEBHOOK", refundedAt: event.at }, now), now);
        if (recorded.customerId) await settleRefunds(sp, recorded.customerId, now);
      }
      return { status: "accepted" as const };
    });
  } catch (error) {
    const refused = toAppError(error);
    if (refused?.code !== ErrorCode.BAD_USER_INPUT) throw error;
    return { status: "rejected", reason: refused.message };
  }
}
