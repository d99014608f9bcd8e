import { eq } from "drizzle-orm";
import type { Database, Executor, Transaction } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { assetsChange } from "../common/changes.js";
import { voidChurnedPending } from "../commissions/commission.repository.js";
import { landingSubjects } from "../landing/landing.repository.js";
import {
  csatResponses,
  customers,
  npsResponses,
  planChanges,
  reactivations,
  stakeholders,
  supportTickets,
  usageSnapshots,
} from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { CustomerStatus, type StakeholderRole } from "./customer.enums.js";
import type { CustomerInput, StakeholderInput, UsageInput } from "./customer.inputs.js";
import { refreshScores } from "../intelligence/scores.service.js";
import { findCustomerByExternalId, findCustomerById, type CustomerRow } from "./customer.repository.js";
import { churnPeriodsOf, churnRefusal } from "./billing-periods.js";
import { billingError, storePlanChangeOf, type PlanChangeValues } from "./plan-changes.js";
import { termMonthsInput } from "./contract-terms.js";

// Every write validates all of its input first, then runs in one transaction: a refused or
// failed request leaves the database as it was.

export async function getCustomerOrThrow(ex: Executor, customerId: string, field = "customerId", forUpdate = false) {
  const customer = await findCustomerById(ex, v.id(field, customerId), forUpdate);
  if (!customer) throw badInput(field, "no customer with this id");
  // An erased customer is a tombstone for the ledger: nothing may be written to or about it again.
  if (customer.erasedAt) throw badInput(field, "this customer was erased");
  return customer;
}

export function validateCustomerInput(input: CustomerInput, now: Date) {
  return {
    externalId: v.requiredText("externalId", input.externalId, v.LIMITS.externalId),
    name: v.requiredText("name", input.name, v.LIMITS.name),
    niche: v.niche("niche", input.niche),
    plan: v.optionalText("plan", input.plan, v.LIMITS.shortText),
    mrrCents: v.cents("mrrCents", input.mrrCents),
    acquisitionChannel: v.optionalText("acquisitionChannel", input.acquisitionChannel, v.LIMITS.shortText)?.toLowerCase() ?? null,
    signedUpAt: input.signedUpAt == null ? undefined : v.pastDate("signedUpAt", input.signedUpAt, now),
    status: input.status ?? undefined,
    retentionCostCents: input.retentionCostCents == null ? undefined : v.cents("retentionCostCents", input.retentionCostCents),
  };
}

/** Creates the customer, or updates the one with this externalId; billing changes become history rows. */
export async function upsertCustomer(context: ServiceContext, input: CustomerInput, now = new Date()): Promise<CustomerRow> {
  // Two concurrent creates of one externalId: storeCustomer's insert does nothing for the second
  // one, which then updates the first one's row.
  return writeCustomer(context, validateCustomerInput(input, now), now);
}

/**
 * A write to a customer's history: runs `work` in a transaction, refreshes the customer's stored
 * scores in that same transaction, and after commit invalidates the landing pages when the
 * customer is the subject of a live asset (its story may now appear, move or go, its name show or hide).
 */
async function customerWrite({ db, changes, scoring }: ServiceContext, now: Date, work: (tx: Transaction) => Promise<CustomerRow>): Promise<CustomerRow> {
  const { customer, featured } = await db.transaction(async (tx) => {
    const customer = await work(tx);
    return { customer, featured: await rescoreCustomer(tx, customer.id, now, scoring) };
  });
  announceCustomerWrite(changes, featured);
  return customer;
}

/**
 * customerWrite's closing step, for a write composed in another service's transaction: the
 * customer's id when landing pages feature it (a live asset is about it), else none.
 */
export async function rescoreCustomer(tx: Transaction, customerId: string, now: Date, scoring: ServiceContext["scoring"]): Promise<string[]> {
  await refreshScores(tx, [customerId], now, scoring);
  return landingSubjects(tx, [customerId]);
}

/** After commit: the assets about a featured customer changed (the catalog reloads just those). */
export function announceCustomerWrite(changes: ServiceContext["changes"], featured: readonly string[]): void {
  if (featured.length > 0) changes.publish(assetsChange([], featured));
}

function writeCustomer(context: ServiceContext, values: ReturnType<typeof validateCustomerInput>, now: Date): Promise<CustomerRow> {
  return customerWrite(context, now, async (tx) => (await storeCustomer(tx, values, now)).customer);
}

/**
 * upsertCustomer's work in the caller's transaction (values validated): creates the customer or
 * updates the one with this externalId (locked), billing changes becoming history rows (signing
 * termMonths, when given: Stripe's re-activations). The
 * caller then rescores it (rescoreCustomer) and announces the write after commit.
 */
export async function storeCustomer(
  tx: Transaction,
  { termMonths, ...values }: ReturnType<typeof validateCustomerInput> & { termMonths?: number | null },
  now: Date,
  /** What the caller read by this external id in the same transaction (no second read). */
  known?: { existing: CustomerRow | undefined },
): Promise<{ customer: CustomerRow; created: boolean }> {
  const existing = known ? known.existing : await findCustomerByExternalId(tx, values.externalId);
  if (!existing) {
    const status = values.status ?? CustomerStatus.ACTIVE;
    const signedUpAt = values.signedUpAt ?? now;
    const [created] = await tx
      .insert(customers)
      .values({
        ...values,
        status,
        signedUpAt,
        churnedAt: status === CustomerStatus.CHURNED ? now : null,
        retentionCostCents: values.retentionCostCents ?? 0,
      })
      // Another transaction created it since the read (two Stripe events of one new customer at
      // once): its row is committed by now, so read it again and update it, in this transaction.
      .onConflictDoNothing({ target: customers.externalId })
      .returning();
    if (!created) return storeCustomer(tx, { termMonths, ...values }, now);
    // A trial pays nothing yet: its billing history starts when it converts.
    if (status !== CustomerStatus.TRIAL) {
      await tx.insert(planChanges).values({ customerId: created!.id, at: signedUpAt, plan: values.plan, mrrCents: values.mrrCents, termMonths: termMonths ?? null });
    }
    return { customer: created!, created: true };
  }

  const status = (values.status ?? existing.status) as CustomerStatus;
  const churning = status === CustomerStatus.CHURNED && existing.status !== CustomerStatus.CHURNED;
  const reviving = status !== CustomerStatus.CHURNED && existing.status === CustomerStatus.CHURNED;
  const converting = existing.status === CustomerStatus.TRIAL && status === CustomerStatus.ACTIVE;
  const billingChanged = values.mrrCents !== existing.mrrCents || values.plan !== existing.plan;
  // A re-activation ends the churn (kept in history) and starts a new billing period at its date.
  const reactivatedAt = reviving && existing.churnedAt ? new Date(Math.max(now.getTime(), existing.churnedAt.getTime())) : now;
  if (reviving && existing.churnedAt) {
    await tx.insert(reactivations).values({ customerId: existing.id, churnedAt: existing.churnedAt, churnReason: existing.churnReason, reactivatedAt });
  }
  if (status === CustomerStatus.ACTIVE && (converting || reviving || billingChanged)) {
    await tx.insert(planChanges).values({
      customerId: existing.id,
      at: reactivatedAt,
      plan: values.plan,
      mrrCents: values.mrrCents,
      previousMrrCents: converting || reviving ? null : existing.mrrCents,
      termMonths: termMonths ?? null,
    });
  }
  const [updated] = await tx
    .update(customers)
    .set({
      ...values,
      status,
      signedUpAt: values.signedUpAt ?? existing.signedUpAt,
      churnedAt: churning ? now : reviving ? null : existing.churnedAt,
      churnReason: reviving ? null : existing.churnReason,
      updatedAt: now,
    })
    .where(eq(customers.id, existing.id))
    .returning();
  if (churning) await voidChurnedPending(tx, now, existing.id);
  return { customer: updated!, created: false };
}

export async function recordUsage(context: ServiceContext, input: UsageInput, now = new Date()): Promise<CustomerRow> {
  const licensedSeats = v.intInRange("licensedSeats", input.licensedSeats, 1, v.LIMITS.seats);
  const activeUsers = v.intInRange("activeUsers", input.activeUsers, 0, v.LIMITS.seats);
  const at = v.pastDate("at", input.at, now);
  return customerWrite(context, now, async (tx) => {
    const customer = await getCustomerOrThrow(tx, input.customerId);
    await tx.insert(usageSnapshots).values({ customerId: customer.id, at, activeUsers, licensedSeats });
    return customer;
  });
}

export async function recordNpsResponse(context: ServiceContext, customerId: string, score: number, at?: Date | null, now = new Date()) {
  const values = { score: v.intInRange("score", score, 0, 10), at: v.pastDate("at", at, now) };
  return customerWrite(context, now, async (tx) => {
    const customer = await getCustomerOrThrow(tx, customerId);
    await tx.insert(npsResponses).values({ customerId: customer.id, ...values });
    return customer;
  });
}

export async function recordCsatResponse(context: ServiceContext, customerId: string, score: number, at?: Date | null, now = new Date()) {
  const values = { score: v.intInRange("score", score, 1, 5), at: v.pastDate("at", at, now) };
  return customerWrite(context, now, async (tx) => {
    const customer = await getCustomerOrThrow(tx, customerId);
    await tx.insert(csatResponses).values({ customerId: customer.id, ...values });
    return customer;
  });
}

export async function recordSupportTicket(context: ServiceContext, customerId: string, openedAt?: Date | null, now = new Date()) {
  const at = v.pastDate("openedAt", openedAt, now);
  return customerWrite(context, now, async (tx) => {
    const customer = await getCustomerOrThrow(tx, customerId);
    await tx.insert(supportTickets).values({ customerId: customer.id, openedAt: at });
    return customer;
  });
}

/**
 * Records a change of plan at `at` (back-filled history allowed, also of a churned customer when
 * dated before its churn). The previous MRR is the one in force at that moment; the customer's
 * current plan moves only if this is the latest change. With termMonths it signs a contract
 * term (contract-terms.ts).
 */
export async function recordPlanChange(
  context: ServiceContext,
  customerId: string,
  plan: string,
  mrrCents: number,
  at?: Date | null,
  termMonths?: number | null,
  now = new Date(),
): Promise<CustomerRow> {
  const values = {
    plan: v.requiredText("plan", plan, v.LIMITS.shortText),
    mrrCents: v.cents("mrrCents", mrrCents),
    at: v.pastDate("at", at, now),
    termMonths: termMonthsInput("termMonths", termMonths),
  };
  return customerWrite(context, now, (tx) => storePlanChange(tx, customerId, values, now));
}

/** recordPlanChange's work in the caller's transaction (values validated); the caller rescores (or queues) the customer. */
export async function storePlanChange(tx: Transaction, customerId: string, values: PlanChangeValues, now: Date): Promise<CustomerRow> {
  const customer = await getCustomerOrThrow(tx, customerId, "customerId", true);
  return (await storePlanChangeOf(tx, customer, values, now)) ? getCustomerOrThrow(tx, customer.id) : customer;
}

/** Marks a customer churned and claws back the commissions still held for it, in the caller's transaction. */
export async function applyChurn(tx: Transaction, customerId: string, values: { churnedAt: Date; churnReason: string | null }, now: Date): Promise<CustomerRow> {
  const [updated] = await tx
    .update(customers)
    .set({ ...values, status: CustomerStatus.CHURNED, updatedAt: now })
    .where(eq(customers.id, customerId))
    .returning();
  // Clawback: commissions still held for this customer are voided with the churn, not later.
  await voidChurnedPending(tx, now, customerId);
  return updated!;
}

export async function markChurned(context: ServiceContext, customerId: string, at?: Date | null, reason?: string | null, now = new Date()) {
  const values = { churnedAt: v.pastDate("at", at, now), churnReason: v.optionalText("reason", reason, v.LIMITS.reason) };
  return customerWrite(context, now, async (tx) => {
    const customer = await getCustomerOrThrow(tx, customerId, "customerId", true);
    const refusal = churnRefusal(values.churnedAt, (await churnPeriodsOf(tx, [customer.id])).get(customer.id)!);
    if (refusal) throw billingError(refusal);
    if (values.churnedAt < customer.signedUpAt) throw badInput("at", "must not be before the customer signed up");
    return applyChurn(tx, customer.id, values, now);
  });
}

export async function upsertStakeholder(db: Database, input: StakeholderInput, now = new Date()) {
  const values = {
    name: v.requiredText("name", input.name, v.LIMITS.name),
    email: v.email("email", input.email),
    role: input.role as StakeholderRole,
  };
  return db.transaction(async (tx) => {
    const customer = await getCustomerOrThrow(tx, input.customerId);
    const [row] = await tx
      .insert(stakeholders)
      .values({ customerId: customer.id, ...values })
      .onConflictDoUpdate({
        target: [stakeholders.customerId, stakeholders.email],
        set: { name: values.name, role: values.role, updatedAt: now },
      })
      .returning();
    return row!;
  });
}
