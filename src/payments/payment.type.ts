import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { PaymentSource } from "./payment.enums.js";

registerEnumType(PaymentSource, {
  name: "PaymentSource",
  description: "Who reported a payment: the Stripe webhook, or the event webhook (POST /webhooks/events).",
});

@ObjectType({ description: "A payment a customer made (a paid invoice), in its own currency's minor unit, less its refunds." })
export class Payment {
  @Field(() => ID)
  id: string;

  @Field(() => PaymentSource)
  source: PaymentSource;

  @Field(() => String, { description: "The invoice id (Stripe in_…) or the sender's payment id." })
  externalId: string;

  @Field(() => ID, { nullable: true, description: "The Advocate customer; null: unlinked (its payer is not known yet)." })
  customerId: string | null;

  @Field(() => String, { nullable: true, description: "The payer in the payment system (Stripe cus_…)." })
  providerCustomerId: string | null;

  @Field(() => Boolean, { description: "Whether the payment belongs to an Advocate customer." })
  linked: boolean;

  @Field(() => Int, { description: "In `currency`'s minor unit." })
  amountCents: number;

  @Field(() => Int, { description: "Refunded so far, in `currency`'s minor unit (at most amountCents)." })
  refundedCents: number;

  @Field(() => Int, { description: "amountCents − refundedCents, in `currency`." })
  netCents: number;

  @Field(() => String, { description: "ISO 4217 code of amountCents, refundedCents and netCents." })
  currency: string;

  @Field(() => Int, { nullable: true, description: "netCents converted into programCurrency (rounded down); null while no exchange rate applies." })
  programNetCents: number | null;

  @Field(() => String, { description: "The program's reporting currency (PROGRAM_CURRENCY) of programNetCents." })
  programCurrency: string;

  @Field(() => String, { nullable: true, description: 'Why it counts for nothing yet, e.g. "waiting for an EUR→USD exchange rate"; null: converted.' })
  waitingReason: string | null;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date)
  periodEnd: Date;

  @Field(() => Date, { description: "When it was paid: the commission period it counts in." })
  paidAt: Date;

  @Field(() => String, { nullable: true })
  paymentIntentId: string | null;

  @Field(() => String, { nullable: true })
  chargeId: string | null;
}

@ObjectType({ description: "A rate an admin recorded: units of quoteCurrency (the program currency) per one unit of currency, from effectiveFrom until the next." })
export class ExchangeRate {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  currency: string;

  @Field(() => String)
  quoteCurrency: string;

  @Field(() => Float)
  rate: number;

  @Field(() => Date)
  effectiveFrom: Date;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType({ description: "A commission period that waits: a payment in it is in a currency no exchange rate converts into the program currency yet." })
export class CommissionWaiting {
  @Field(() => String, { description: "The referred customer, masked (initials), as on CommissionEntry." })
  customerLabel: string;

  @Field(() => Int, { description: "The commission period (0: the first 30.4375 days after the referral)." })
  period: number;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date)
  periodEnd: Date;

  @Field(() => Int, { description: "The payment's amount less refunds, in `currency`." })
  amountCents: number;

  @Field(() => String, { description: "ISO 4217 code of amountCents." })
  currency: string;

  @Field(() => String, { description: 'E.g. "waiting for an EUR→USD exchange rate …".' })
  reason: string;
}
