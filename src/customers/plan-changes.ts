import { sql } from "drizzle-orm";
import { queryRows, type Transaction } from "../db/client.js";
import { badInput } from "../common/errors.js";
import type { CustomerRow } from "./customer.repository.js";
import { churnPeriodsOf, churnSince, planChangeRefusal, type BillingRefusal, type ChurnPeriod } from "./billing-periods.js";

// A change of plan, MRR and (optionally) contract term, as the mutation, the event webhook, the
// import and Stripe record it: one billing row (plan_changes) each.

/** A plan change's values, validated. termMonths: the contract term it signs (contract-terms.ts); null or absent: none, the term in force goes on. */
export interface PlanChangeValues {
  plan: string;
  mrrCents: number;
  at: Date;
  termMonths?: number | null;
}

/** A refusal from the billing history as a GraphQL error: `customerIdField` names the customer. */
export function billingError(refusal: BillingRefusal, customerIdField = "customerId") {
  return badInput(refusal.field === "customer" ? customerIdField : "at", refusal.message);
}

/**
 * storePlanChange of a customer its caller has read, locked (for update), in `tx`: whether the
 * current plan moved. `churns`: its churn periods, when the caller read them after the lock (one
 * round trip fewer).
 */
export async function storePlanChangeOf(tx: Transaction, customer: CustomerRow, values: PlanChangeValues, now: Date, churns?: readonly ChurnPeriod[]): Promise<boolean> {
  if (values.at < customer.signedUpAt) throw badInput("at", "must not be before the customer signed up");
  const refusal = planChangeRefusal(values.at, churns ?? (await churnPeriodsOf(tx, [customer.id])).get(customer.id)!);
  if (refusal) throw billingError(refusal);
  return applyPlanChange(tx, customer.id, values, now);
}

/**
 * Stores a validated plan change of a customer that may take it (planChangeRefusal: not dated
 * while churned, nor before its signup): the previous MRR is the one in force at `at`. Only the
 * latest change moves the customer's current plan; it also makes a trial active, unless a churn
 * follows it (late history of a churned customer moves its last plan, not its status). Returns
 * whether it moved. Shared by the mutation and the webhook.
 */
export async function applyPlanChange(tx: Transaction, customerId: string, values: PlanChangeValues, now: Date): Promise<boolean> {
  // One round trip (the webhook applies many): the previous MRR and whether a later change
  // exists are read from the state before the insert, as separate statements did.
  const at = values.at.toISOString();
  const churnFollows = churnSince("customers", sql`${at}::timestamptz`);
  const moved = await queryRows<{ id: string }>(
    tx,
    sql`with previous as (
          select mrr_cents from plan_changes where customer_id = ${customerId} and at <= ${at}::timestamptz order by at desc, id desc limit 1
        ), inserted as (
          insert into plan_changes (customer_id, plan, mrr_cents, at, previous_mrr_cents, term_months)
          values (${customerId}, ${values.plan}, ${values.mrrCents}, ${at}::timestamptz, (select mrr_cents from previous), ${values.termMonths ?? null}::smallint)
          returning id
        )
        update customers set plan = ${values.plan}, mrr_cents = ${values.mrrCents}, updated_at = ${now.toISOString()}::timestamptz,
               status = case when ${churnFollows} then status else 'ACTIVE' end
        where id = ${customerId} and exists (select 1 from inserted)
          and not exists (select 1 from plan_changes where customer_id = ${customerId} and at > ${at}::timestamptz)
          and (status = 'CHURNED' or not ${churnFollows})
        returning id`,
  );
  return moved.length > 0;
}

