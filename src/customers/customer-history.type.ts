import { Field, Float, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";
import { CustomerHistoryKind } from "./customer.enums.js";

registerEnumType(CustomerHistoryKind, {
  name: "CustomerHistoryKind",
  description: "What a Customer.history entry records.",
  valuesConfig: {
    USAGE: { description: "A usage snapshot: value = active users, total = licensed seats." },
    NPS: { description: "An NPS answer: value = the score, 0-10." },
    CSAT: { description: "A CSAT answer: value = the score, 1-5." },
    SUPPORT_TICKET: { description: "A support ticket opened." },
    PLAN_CHANGE: { description: "A start of payment or change of plan: value = the new MRR in cents, total = the MRR before (null at the start), label = the plan." },
    PAYMENT: { description: "A payment received: value = the amount in minor units of `label` (the currency)." },
    REFUND: { description: "A refund: value = the amount refunded in minor units of `label` (the currency)." },
    CHURN: { description: "The customer churned: label = the reason given, if any." },
    REACTIVATION: { description: "A churned customer paying again." },
    PRODUCT_ACTIVITY: { description: "A UTC day of product events of one name (product_activity_daily): value = events, total = distinct users, label = the event name; `at` is the day's start." },
  },
});

@ObjectType({ description: "One time-stamped entry of a customer's customer-success history (Customer.history)." })
export class CustomerHistoryEntry {
  @Field(() => ID, { description: "Stable id of the entry (unique with its kind)." })
  id: string;

  @Field(() => Date)
  at: Date;

  @Field(() => CustomerHistoryKind)
  kind: CustomerHistoryKind;

  @Field(() => Float, { nullable: true, description: "The entry's number: see CustomerHistoryKind for each kind's meaning." })
  value: number | null;

  @Field(() => Float, { nullable: true, description: "A second number for some kinds (USAGE: seats; PLAN_CHANGE: the MRR before; PRODUCT_ACTIVITY: users)." })
  total: number | null;

  @Field(() => String, { nullable: true, description: "Plan, currency, churn reason or event name, by kind." })
  label: string | null;

  @Field(() => String, { description: "The entry in words, for a timeline." })
  summary: string;
}

export const { Connection: CustomerHistoryConnection } = ConnectionTypes("CustomerHistory", CustomerHistoryEntry);
