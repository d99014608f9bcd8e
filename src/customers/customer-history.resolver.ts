import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import { badInput } from "../common/errors.js";
import { MAX_PAGE_SIZE, toConnection } from "../common/pagination.js";
import type { Context } from "../graphql/context.js";
import { CustomerHistoryKind as Kind } from "./customer.enums.js";
import { Customer } from "./customer.type.js";
import { CustomerHistoryConnection, type CustomerHistoryEntry } from "./customer-history.type.js";
import { countCustomerHistory, decodeHistoryCursor, encodeHistoryCursor, listCustomerHistory, type HistoryRow } from "./customer-history.repository.js";

const ALL_KINDS = Object.values(Kind);

const number = (value: number | null) => (value === null ? "" : value.toLocaleString("en-US"));

/** The entry in words, for a timeline (amounts in minor units are shown as such: the currency decides the digits). */
function summaryOf(row: HistoryRow): string {
  switch (row.kind) {
    case Kind.USAGE:
      return `${number(row.value)} of ${number(row.total)} seats active`;
    case Kind.NPS:
      return `NPS ${number(row.value)}`;
    case Kind.CSAT:
      return `CSAT ${number(row.value)}`;
    case Kind.SUPPORT_TICKET:
      return "Support ticket opened";
    case Kind.PLAN_CHANGE:
      return row.total === null ? `Started paying: ${row.label ?? "no plan"} at ${number(row.value)} cents MRR` : `Plan ${row.label ?? "unnamed"}: MRR ${number(row.total)} → ${number(row.value)} cents`;
    case Kind.PAYMENT:
      return `Payment of ${number(row.value)} ${row.label} (minor units)`;
    case Kind.REFUND:
      return `Refund of ${number(row.value)} ${row.label} (minor units)`;
    case Kind.CHURN:
      return row.label ? `Churned: ${row.label}` : "Churned";
    case Kind.REACTIVATION:
      return "Re-activated";
    case Kind.PRODUCT_ACTIVITY:
      return `${number(row.value)} × ${row.label} by ${number(row.total)} users`;
  }
}

@Resolver(() => Customer)
export class CustomerHistoryResolver {
  @FieldResolver(() => CustomerHistoryConnection, {
    description:
      "The customer's time-stamped customer-success history as one list, newest first: usage, NPS, CSAT, support tickets, plan changes, payments and refunds, churns and re-activations, and daily product activity. One SQL statement per page (and one for totalCount); `kinds` keeps only those kinds (default: all). Empty for an erased customer.",
  })
  @Allow(Role.ADMIN)
  async history(
    @Root() customer: Customer,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { defaultValue: 50, description: `At most ${MAX_PAGE_SIZE}.` }) first: number,
    @Arg("after", () => String, { nullable: true, description: "The endCursor of the previous page." }) after: string | null,
    @Arg("kinds", () => [Kind], { nullable: true, description: "Only these kinds; null or absent: all." }) kinds: Kind[] | null,
  ) {
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) throw badInput("first", `must be from 0 to ${MAX_PAGE_SIZE}`);
    const cursor = after ? decodeHistoryCursor(after) : null;
    // An erased customer has no timeline: its billing rows stay only as the ledger's figures.
    const chosen = customer.erasedAt ? [] : kinds ? [...new Set(kinds)] : ALL_KINDS;
    const rows = await listCustomerHistory(ctx.db, customer.id, chosen, first + 1, cursor);
    const entries = rows.map((row) => ({ ...row, summary: summaryOf(row) }));
    return toConnection<CustomerHistoryEntry & HistoryRow>(
      entries,
      first,
      () => countCustomerHistory(ctx.db, customer.id, chosen),
      (row) => encodeHistoryCursor(row),
    );
  }
}
