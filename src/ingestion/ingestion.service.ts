import { sql } from "drizzle-orm";
import type { Transaction } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { queryRows } from "../db/client.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { queueScoreRefresh } from "../intelligence/score-queue.js";
import { applyChurn } from "../customers/customer.service.js";
import { applyPlanChange } from "../customers/plan-changes.js";
import { churnPeriodsOf, churnRefusal, planChangeRefusal, type ChurnPeriod } from "../customers/billing-periods.js";
import { checkEvent, MAX_EVENTS_PER_REQUEST, type IngestEvent } from "./event.rules.js";
import { countedActivityUpsert, rollUp, utcDay } from "./activity.repository.js";
import { isMoneyEvent, storeMoneyEvent, type MoneyEvent } from "./ingest.payments.js";

export type EventOutcome = { id: string | null; status: "accepted" | "duplicate" | "rejected"; reason?: string };

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  events: EventOutcome[];
}

/** The request itself is unusable (not an object with an events array of a sane size). */
export class IngestRequestError extends Error {}

interface CustomerState {
  id: string;
  signedUpAt: Date;
  /** Its churns (billing-periods.ts), loaded for the customers a churn or plan change is judged against. */
  churns: ChurnPeriod[];
}

/**
 * Stores a batch of webhook events. Each event is judged on its own (shape, customer, order
 * against the customer's state); the valid ones are stored together in one transaction, the
 * invalid ones are reported and not stored, and an event id seen before is a duplicate that
 * stores nothing (idempotency). Payments and refunds are each stored in a savepoint, so one the
 * stored state refuses is rejected alone. The customers touched are queued for rescoring in the same
 * transaction; a durable job rescores them in large batches moments later, and the landing
 * cache follows then (score-queue.ts).
 */
export async function ingestEvents({ db, changes, programCurrency }: ServiceContext, body: unknown, now = new Date()): Promise<IngestResult> {
  const list = (body as { events?: unknown } | null)?.events;
  if (!body || typeof body !== "object" || !Array.isArray(list)) throw new IngestRequestError('the body must be {"events": [...]}');
  if (list.length > MAX_EVENTS_PER_REQUEST) throw new IngestRequestError(`at most ${MAX_EVENTS_PER_REQUEST} events per request`);

  const outcomes: EventOutcome[] = list.map(() => ({ id: null, status: "rejected" }));
  const valid: { index: number; event: IngestEvent }[] = [];
  const seenInBatch = new Set<string>();
  list.forEach((raw, index) => {
    const checked = checkEvent(raw, now);
    if (!checked.ok) return void (outcomes[index] = { id: checked.id, status: "rejected", reason: checked.reason });
    outcomes[index]!.id = checked.event.id;
    if (seenInBatch.has(checked.event.id)) return void (outcomes[index] = { id: checked.event.id, status: "duplicate" });
    seenInBatch.add(checked.event.id);
    valid.push({ index, event: checked.event });
  });

  // Customers whose payments or refunds were stored (their writes queued the rescoring).
  const paid: string[] = [];
  const touched = await db.transaction(async (tx) => {
    if (valid.length === 0) return [] as string[];
    const known = await queryRows<{ id: string }>(tx, sql`select id from ingested_events where id = any(${pgArrayLiteral(valid.map((v) => v.event.id))}::text[])`);
    const replayed = new Set(known.map((r) => r.id));
    const statusMatters = new Set(valid.filter((v) => v.event.type === "churn" || v.event.type === "plan_change").map((v) => v.event.customerExternalId));
    const byExternalId = await customerStates(tx, [...new Set(valid.map((v) => v.event.customerExternalId))], statusMatters);

    // Judge each new event against its customer, in time order within the batch (a churn makes a
    // later plan change in the same batch invalid, as it would one sent after it; an earlier one,
    // late history, is stored).
    const fresh = valid.filter(({ index, event }) => {
      if (!replayed.has(event.id)) return true;
      outcomes[index] = { id: event.id, status: "duplicate" };
      return false;
    });
    fresh.sort((a, b) => a.event.at.getTime() - b.event.at.getTime() || a.index - b.index);
    const accepted: { index: number; event: IngestEvent; customer: CustomerState }[] = [];
    for (const item of fresh) {
      const customer = byExternalId.get(item.event.customerExternalId);
      const reason = !customer ? "customerExternalId: no customer with this external id" : refusal(item.event, customer);
      if (reason) outcomes[item.index] = { id: item.event.id, status: "rejected", reason };
      else {
        accepted.push({ ...item, customer: customer! });
        if (item.event.type === "churn") customer!.churns.push({ churnedAt: item.event.at, reactivatedAt: null });
      }
    }
    // Payments and refunds one by one, each in its own savepoint (ingest.payments.ts).
    const money = accepted.filter((a) => isMoneyEvent(a.event));
    for (const { index, event, customer } of money) {
      const stored = await storeMoneyEvent(tx, programCurrency, event as MoneyEvent, customer.id, now);
      outcomes[index] = { id: event.id, ...stored };
      if (stored.status === "accepted") paid.push(customer.id);
    }
    const history = accepted.filter((a) => !isMoneyEvent(a.event));
    if (history.length === 0) return [];

    // The idempotency keys first: an id a concurrent request stored meanwhile is a duplicate here.
    const inserted = await queryRows<{ id: string }>(
      tx,
      sql`${unnestInsert("ingested_events", [
        ["id", "text", history.map((a) => a.event.id)],
        ["type", "text", history.map((a) => a.event.type)],
        ["customer_id", "uuid", history.map((a) => a.customer.id)],
        ["at", "timestamptz", history.map((a) => a.event.at)],
        ["received_at", "timestamptz", history.map(() => now)],
      ])} on conflict do nothing returning id`,
    );
    const stored = new Set(inserted.map((r) => r.id));
    const toStore = history.filter(({ index, event }) => {
      if (stored.has(event.id)) return (outcomes[index] = { id: event.id, status: "accepted" }), true;
      outcomes[index] = { id: event.id, status: "duplicate" };
      return false;
    });
    await storeEvents(tx, toStore, now);
    // Product actions move the health score's usage factor too (intelligence/activity-usage.ts).
    const rescored = [...new Set(toStore.map((s) => s.customer.id))];
    await queueScoreRefresh(tx, rescored, now);
    return rescored;
  });

  if (touched.length > 0 || paid.length > 0) changes.publish({ kind: "jobs" });
  const count = (status: EventOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
  return { accepted: count("accepted"), duplicates: count("duplicate"), rejected: count("rejected"), events: outcomes };
}

/** Why the customer's state refuses this event, the same rules as the mutations; null: none. */
function refusal(event: IngestEvent, customer: CustomerState): string | null {
  if (event.at < customer.signedUpAt) return "at: must not be before the customer signed up";
  const billing =
    event.type === "churn" ? churnRefusal(event.at, customer.churns) : event.type === "plan_change" ? planChangeRefusal(event.at, customer.churns) : null;
  return billing && `${billing.field === "customer" ? "customerExternalId" : "at"}: ${billing.message}`;
}

/**
 * The customers of a batch by external id. Only those with a churn or plan change in the batch are
 * locked (those events are judged against the customer's churns and move it), in id order so two
 * batches touching the same customers wait for each other, never deadlock; "no key update" leaves
 * foreign-key checks of concurrent inserts unblocked. Locking every customer of a batch wrote a
 * lock into ~450 rows a request, for events (usage, NPS, tickets…) no status decides.
 */
async function customerStates(tx: Transaction, externalIds: string[], statusMatters: Set<string>): Promise<Map<string, CustomerState>> {
  const rows = await queryRows<{ id: string; external_id: string; signed_up_at: string | Date }>(
    tx,
    sql`select id, external_id, signed_up_at from customers where external_id = any(${pgArrayLiteral(externalIds)}::text[]) and erased_at is null`,
  );
  const states = new Map(rows.map((r) => [r.external_id, { id: r.id, signedUpAt: new Date(r.signed_up_at), churns: [] as ChurnPeriod[] }]));
  const toLock = rows.filter((r) => statusMatters.has(r.external_id)).map((r) => r.id);
  if (toLock.length > 0) {
    await tx.execute(sql`select id from customers where id = any(${pgArrayLiteral(toLock)}::uuid[]) order by id for no key update`);
    // Read once locked: a concurrent batch's churn is seen.
    const churns = await churnPeriodsOf(tx, toLock);
    for (const state of states.values()) state.churns = churns.get(state.id) ?? [];
  }
  return states;
}

type Stored = { event: IngestEvent; customer: CustomerState };

/**
 * INSERT … SELECT FROM unnest(one array parameter per column): a batch costs five parameters,
 * not five per row (2.4× faster than a VALUES list in the seed loader, BENCHMARKS.md "Seed").
 */
function unnestInsert(table: string, columns: [name: string, sqlType: string, values: unknown[]][]) {
  const names = sql.join(columns.map(([name]) => sql.identifier(name)), sql`, `);
  const arrays = sql.join(columns.map(([, type, values]) => sql`${pgArrayLiteral(values)}::${sql.raw(type)}[]`), sql`, `);
  return sql`insert into ${sql.identifier(table)} (${names}) select * from unnest(${arrays})`;
}

/** One multi-row insert per kind of history; plan changes and churns one by one (they move the customer). */
async function storeEvents(tx: Transaction, items: Stored[], now: Date): Promise<void> {
  const of = <T extends IngestEvent["type"]>(type: T) => items.filter((i): i is Stored & { event: Extract<IngestEvent, { type: T }> } => i.event.type === type);
  const owner = (items: Stored[], timeColumn = "at"): [string, string, unknown[]][] => [
    ["customer_id", "uuid", items.map((i) => i.customer.id)],
    [timeColumn, "timestamptz", items.map((i) => i.event.at)],
  ];
  const usage = of("usage");
  const actions = of("action");
  const nps = of("nps");
  const csat = of("csat");
  const tickets = of("ticket");
  const inserts: [string, Stored[], [string, string, unknown[]][]][] = [
    ["usage_snapshots", usage, [...owner(usage), ["active_users", "int", usage.map((i) => i.event.activeUsers)], ["licensed_seats", "int", usage.map((i) => i.event.licensedSeats)]]],
    ["nps_responses", nps, [...owner(nps), ["score", "smallint", nps.map((i) => i.event.score)]]],
    ["csat_responses", csat, [...owner(csat), ["score", "smallint", csat.map((i) => i.event.score)]]],
    ["support_tickets", tickets, owner(tickets, "opened_at")],
  ];
  // Every kind's insert in one statement (data-modifying CTEs all run): one round trip, not five.
  const statements = inserts.filter(([, items]) => items.length > 0).map(([table, , columns], i) => sql`${sql.identifier(`i${i}`)} as (${unnestInsert(table, columns)})`);
  // Actions are not kept one by one: they add to their day's rollup (activity.repository.ts).
  const activity = rollUp(actions.map(({ event, customer }) => ({ customerId: customer.id, name: event.name, day: utcDay(event.at), events: event.count, users: event.users ?? 0 })));
  if (activity.length > 0) statements.push(sql`activity as (${countedActivityUpsert(activity)})`);
  if (statements.length > 0) await tx.execute(sql`with ${sql.join(statements, sql`, `)} select 1`);
  for (const { event, customer } of of("plan_change")) await applyPlanChange(tx, customer.id, { plan: event.plan, mrrCents: event.mrrCents, at: event.at, termMonths: event.termMonths }, now);
  for (const { event, customer } of of("churn")) await applyChurn(tx, customer.id, { churnedAt: event.at, churnReason: event.reason }, now);
}
