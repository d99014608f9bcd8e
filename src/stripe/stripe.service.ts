import { AfterCommit } from "../common/changes.js";
import type { ServiceContext } from "../common/service-context.js";
import type { Database } from "../db/client.js";
import { AppError, ErrorCode } from "../common/errors.js";
import { log } from "../common/log.js";
import type { AttributionRule } from "../referrals/visitor-attribution.js";
import { StripeEventOutcome } from "./stripe.enums.js";
import { factOf, HANDLED_TYPES, StripeRejection, type StripeEnvelope, type StripeFact } from "./stripe.events.js";
import { applyFact, type StripeEventResult } from "./stripe.apply.js";

export type { StripeEventResult };
import { DuplicateEvent, type EventWork } from "./stripe.customers.js";
import { insertStripeEvent, setStripeEventOutcome } from "./stripe.repository.js";

export interface StripeEventSettings {
  /** STRIPE_LIVEMODE; null: both modes. */
  livemode: boolean | null;
  /** How checkout.session.completed's visitor names the affiliate (ATTRIBUTION_WINDOW_DAYS, ATTRIBUTION_MODEL). */
  attribution: AttributionRule;
}

/**
 * Applies one verified Stripe event, at most once: its id goes into stripe_events in the same
 * transaction as its effects, so a redelivery (or a concurrent duplicate, which waits on the
 * key) changes nothing and answers DUPLICATE. A permanently unusable event (bad amount or
 * currency, refused by the billing rules) is recorded as REJECTED with its reason and nothing
 * else is written; an event of the other mode or an unhandled type is recorded as IGNORED.
 * Anything else that fails (the database) throws, so Stripe delivers it again.
 */
export async function receiveStripeEvent(context: ServiceContext, event: StripeEnvelope, settings: StripeEventSettings, now = new Date()): Promise<StripeEventResult> {
  // No look-up first: the event's row is the first statement of whatever stores it, and a
  // redelivery finds its id there (one round trip fewer for every new event).
  if (settings.livemode !== null && event.livemode !== settings.livemode) {
    return record(context.db, event, now, StripeEventOutcome.IGNORED, `a ${event.livemode ? "live" : "test"}-mode event, and STRIPE_LIVEMODE=${settings.livemode}`);
  }
  if (!HANDLED_TYPES.has(event.type)) return record(context.db, event, now, StripeEventOutcome.IGNORED, `Advocate does not use ${event.type} events`);
  let fact: StripeFact | null;
  try {
    fact = factOf(event);
  } catch (error) {
    if (error instanceof StripeRejection) return record(context.db, event, now, StripeEventOutcome.REJECTED, error.message);
    throw error;
  }
  if (fact === null) return record(context.db, event, now, StripeEventOutcome.IGNORED, `Advocate does not use ${event.type} events`);
  const applied = fact;

  const changes = new AfterCommit();
  try {
    const result = await context.db.transaction(async (tx) => {
      // The event's row goes first and its answer is awaited with the handler's first statements
      // (firstStatements): a redelivery stops there, and any that got further rolls back below.
      const fresh = insertStripeEvent(tx, row(event, now, StripeEventOutcome.APPLIED, null));
      fresh.catch(() => {}); // awaited below; its failure fails what was sent after it
      const work: EventWork = { tx, context: { ...context, db: tx as unknown as Database, changes }, at: event.created, livemode: event.livemode, programCurrency: context.programCurrency, now, fresh };
      let outcome: StripeEventResult;
      try {
        outcome = await applyFact(work, applied, settings.attribution);
      } catch (error) {
        throw (await fresh) ? error : new DuplicateEvent();
      }
      if (!(await fresh)) throw new DuplicateEvent();
      if (outcome.outcome !== StripeEventOutcome.APPLIED || outcome.detail) await setStripeEventOutcome(tx, event.id, outcome.outcome, outcome.detail ?? null);
      return outcome;
    });
    changes.flush(context.changes);
    return result;
  } catch (error) {
    if (error instanceof DuplicateEvent) return { outcome: StripeEventOutcome.DUPLICATE };
    const refusal = error instanceof StripeRejection || (error instanceof AppError && error.code === ErrorCode.BAD_USER_INPUT) ? (error as Error).message : null;
    if (refusal === null) throw error; // the route logs it and answers 500
    return record(context.db, event, now, StripeEventOutcome.REJECTED, refusal);
  }
}

const row = (event: StripeEnvelope, now: Date, outcome: StripeEventOutcome, reason: string | null) => ({
  id: event.id,
  type: event.type,
  livemode: event.livemode,
  created: event.created,
  apiVersion: event.apiVersion,
  receivedAt: now,
  outcome,
  reason,
});

/** An event that changes nothing but its own record. */
async function record(db: Database, event: StripeEnvelope, now: Date, outcome: StripeEventOutcome, reason: string): Promise<StripeEventResult> {
  if (!(await insertStripeEvent(db, row(event, now, outcome, reason)))) return { outcome: StripeEventOutcome.DUPLICATE };
  if (outcome === StripeEventOutcome.REJECTED) log.warn("a Stripe event was rejected", { eventId: event.id, type: event.type, reason });
  return { outcome, detail: reason };
}
