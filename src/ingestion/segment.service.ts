import { sql } from "drizzle-orm";
import type { ServiceContext } from "../common/service-context.js";
import type { SegmentOptions } from "../config/config.js";
import type { Executor, Transaction } from "../db/client.js";
import { queryRows } from "../db/client.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { toAppError } from "../common/errors.js";
import * as v from "../common/validate.js";
import { StakeholderRole } from "../customers/customer.enums.js";
import { findCustomerByExternalId } from "../customers/customer.repository.js";
import { announceCustomerWrite, rescoreCustomer, storeCustomer, validateCustomerInput } from "../customers/customer.service.js";
import { activityUpsert, SKETCH_BITS, sketchUsers, utcDay } from "./activity.repository.js";
import { checkCall, pathValue, type SegmentEvent, type SegmentType } from "./segment.events.js";

export type CallStatus = "accepted" | "duplicate" | "rejected" | "unknown_account";

export interface SegmentResult {
  success: true;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Calls whose account is no customer's external id: stored nothing, listed in unknownAccounts. */
  unknownAccount: number;
  unknownAccounts: string[];
  /** Every call not accepted, by its index in the request. */
  errors: { index: number; status: CallStatus; reason: string }[];
}

/** What /metrics counts: each call's type ("invalid" when it had none) and outcome. */
export type CallOutcome = { type: SegmentType | "invalid"; status: CallStatus };

const NO_ACCOUNT = "no account: the call names none (context.groupId, properties.groupId or the account trait)";
const MAX_LISTED_ACCOUNTS = 100;

/**
 * Stores Segment calls (a batch, or the one call of /v1/track …). Each call is judged on its own;
 * a messageId seen within the window (segment_message_ids) is a duplicate that stores nothing.
 * group calls upsert their customer and identify calls their stakeholder, each in its own
 * transaction with its messageId, in the batch's order and before the rest (a batch may name a
 * new account and track it). track, page and screen calls of known accounts are then counted
 * into the day rollups in one statement, their messageIds with them.
 */
export async function ingestSegmentCalls(
  context: ServiceContext,
  options: SegmentOptions,
  calls: readonly unknown[],
  routeType: SegmentType | null,
  batchSentAt: Date | null,
  now: Date,
): Promise<{ result: SegmentResult; outcomes: CallOutcome[] }> {
  const outcomes: CallOutcome[] = calls.map(() => ({ type: "invalid", status: "rejected" }));
  const reasons = new Map<number, string>();
  const unknown = new Set<string>();
  const refuse = (index: number, status: CallStatus, reason: string) => {
    outcomes[index]!.status = status;
    reasons.set(index, reason);
  };
  const seen = new Set<string>();
  const valid: { index: number; event: SegmentEvent }[] = [];
  calls.forEach((raw, index) => {
    const checked = checkCall(raw, routeType, batchSentAt, options.accountTrait, now);
    if (!checked.ok) return refuse(index, "rejected", checked.reason);
    outcomes[index]!.type = checked.event.type;
    const key = checked.event.messageKey;
    if (key !== null && seen.has(key)) return refuse(index, "duplicate", "messageId: repeated in this request");
    if (key !== null) seen.add(key);
    if (checked.event.account === null) return refuse(index, "rejected", NO_ACCOUNT);
    valid.push({ index, event: checked.event });
  });

  // A group or identify call stored on its own: bad traits refuse it alone.
  const settle = async (index: number, store: Promise<"accepted" | "duplicate">) => {
    const status = await store.catch((error: unknown) => {
      const refused = toAppError(error);
      if (!refused?.field) throw error;
      return `traits.${refused.field}: ${refused.message.slice(refused.field.length + 2)}`;
    });
    if (status === "accepted") outcomes[index]!.status = "accepted";
    else if (status === "duplicate") refuse(index, "duplicate", "messageId: received before");
    else refuse(index, "rejected", status);
  };
  for (const { index, event } of valid.filter((c) => c.event.type === "group")) await settle(index, storeGroup(context, event, now));

  const rest = valid.filter((c) => c.event.type !== "group");
  const customers = await customerIds(context.db, [...new Set(rest.map((c) => c.event.account!))]);
  const counted: { index: number; event: SegmentEvent; customerId: string }[] = [];
  for (const { index, event } of rest) {
    const customerId = customers.get(event.account!);
    if (!customerId) {
      unknown.add(event.account!);
      refuse(index, "unknown_account", `no customer has the external id ${JSON.stringify(event.account)} (send a group call, or create it)`);
    } else if (event.type !== "identify") counted.push({ index, event, customerId });
    else await settle(index, context.db.transaction((tx) => storeIdentify(tx, event, customerId, now)));
  }
  const known = await countCalls(context.db, counted, now);
  for (const { index, event } of counted) {
    if (event.messageKey === null || !known.has(event.messageKey)) outcomes[index]!.status = "accepted";
    else refuse(index, "duplicate", "messageId: received before");
  }

  const count = (status: CallStatus) => outcomes.filter((o) => o.status === status).length;
  const errors = [...reasons].sort(([a], [b]) => a - b).map(([index, reason]) => ({ index, status: outcomes[index]!.status, reason }));
  return {
    result: {
      success: true,
      accepted: count("accepted"),
      duplicates: count("duplicate"),
      rejected: count("rejected"),
      unknownAccount: count("unknown_account"),
      unknownAccounts: [...unknown].sort().slice(0, MAX_LISTED_ACCOUNTS),
      errors,
    },
    outcomes,
  };
}

async function customerIds(ex: Executor, externalIds: string[]): Promise<Map<string, string>> {
  if (externalIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; external_id: string }>(ex, sql`select id, external_id from customers where external_id = any(${pgArrayLiteral(externalIds)}::text[]) and erased_at is null`);
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/** Records the messageId in the window; false when it is already there (a duplicate). */
async function claimMessage(tx: Transaction, event: SegmentEvent, now: Date): Promise<boolean> {
  if (event.messageKey === null) return true;
  const rows = await queryRows(tx, sql`insert into segment_message_ids (id, received_at) values (${event.messageKey}::uuid, ${now.toISOString()}::timestamptz) on conflict do nothing returning id`);
  return rows.length > 0;
}

/** A group call: its account becomes (or updates) the customer with that external id: name and plan from its traits, the rest kept. */
async function storeGroup(context: ServiceContext, event: SegmentEvent, now: Date): Promise<"accepted" | "duplicate"> {
  const stored = await context.db.transaction(async (tx) => {
    if (!(await claimMessage(tx, event, now))) return null;
    const existing = await findCustomerByExternalId(tx, event.account!);
    const values = validateCustomerInput(
      {
        externalId: event.account!,
        name: pathValue(event.traits, "name") ?? existing?.name ?? event.account!,
        niche: existing?.niche,
        plan: pathValue(event.traits, "plan") ?? existing?.plan,
        mrrCents: existing?.mrrCents ?? 0,
        acquisitionChannel: existing?.acquisitionChannel,
      },
      now,
    );
    const { customer } = await storeCustomer(tx, values, now);
    return rescoreCustomer(tx, customer.id, now, context.scoring);
  });
  if (stored === null) return "duplicate";
  announceCustomerWrite(context.changes, stored);
  return "accepted";
}

/** "decision maker", "Decision-Maker" → DECISION_MAKER; anything else is no role. */
function roleOf(traits: Record<string, unknown>): StakeholderRole | null {
  const given = pathValue(traits, "role")?.toUpperCase().replace(/[\s-]+/g, "_");
  return (Object.values(StakeholderRole) as string[]).includes(given ?? "") ? (given as StakeholderRole) : null;
}

/**
 * An identify call: the user becomes (or updates) a stakeholder of its account, keyed by email:
 * name (name, else firstName lastName, else the email) and role (a StakeholderRole; unset or
 * unknown: USER for a new one, kept for one that exists) from its traits.
 */
async function storeIdentify(tx: Transaction, event: SegmentEvent, customerId: string, now: Date): Promise<"accepted" | "duplicate"> {
  const email = v.email("email", pathValue(event.traits, "email") ?? "");
  const fullName = [pathValue(event.traits, "firstName"), pathValue(event.traits, "lastName")].filter(Boolean).join(" ");
  const name = v.requiredText("name", pathValue(event.traits, "name") ?? (fullName || email), v.LIMITS.name);
  const role = roleOf(event.traits);
  if (!(await claimMessage(tx, event, now))) return "duplicate";
  await tx.execute(sql`
    insert into stakeholders (customer_id, name, email, role) values (${customerId}::uuid, ${name}, ${email}, ${role ?? StakeholderRole.USER})
    on conflict (customer_id, email) do update set name = excluded.name, role = ${role === null ? sql`stakeholders.role` : sql`excluded.role`}, updated_at = ${now.toISOString()}::timestamptz`);
  return "accepted";
}

/**
 * Counts track, page and screen calls into the day rollups in one statement: their messageIds go
 * into the window (in key order, so concurrent batches cannot deadlock on them), and only the
 * calls whose messageId was new are added, grouped per customer, name and day with a sketch of
 * their users (activity.repository.ts). Returns the messageIds received before (none, usually:
 * a new batch's ids are not sent back).
 */
async function countCalls(ex: Executor, counted: { event: SegmentEvent; customerId: string }[], now: Date): Promise<Set<string>> {
  if (counted.length === 0) return new Set();
  const column = <T>(pick: (c: { event: SegmentEvent; customerId: string }) => T) => pgArrayLiteral(counted.map(pick));
  const zero = sql.raw(`B'0'::bit(${SKETCH_BITS})`);
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`with calls as (
          select * from unnest(${column((c) => c.event.messageKey)}::uuid[], ${column((c) => c.customerId)}::uuid[], ${column((c) => c.event.name)}::text[],
                               ${column((c) => utcDay(c.event.at))}::date[], ${column((c) => c.event.userBit)}::int[]) as c(message, customer_id, name, day, user_bit)),
        fresh as (
          insert into segment_message_ids (id, received_at)
          select message, ${now.toISOString()}::timestamptz from calls where message is not null order by message
          on conflict do nothing returning id),
        counted as (
          select customer_id, name, day, count(*)::bigint as events, bit_or(set_bit(${zero}, user_bit, 1)) as sketch
            from calls where message is null or message in (select id from fresh) group by 1, 2, 3),
        rollup as (${activityUpsert(sql`select customer_id, name, day, events, ${sketchUsers(sql`sketch`)}, sketch from counted`)})
        select message as id from calls where message is not null and message not in (select id from fresh)`,
  );
  return new Set(rows.map((r) => r.id));
}
