import { Field, InputType, Int } from "type-graphql";
import { CustomerStatus } from "../customers/customer.enums.js";

@InputType({ description: "The customer the visitor became, by your system's id; fields left out keep their values on an update." })
export class ConversionCustomerInput {
  @Field(() => String, { description: "Your system's id of the customer: the same one creates, later ones update." })
  externalId: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true, description: "The person who signed up: kept as a stakeholder (role USER) of the customer, unless that email is one already." })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "That person's name; default: the customer's name." })
  contactName?: string | null;

  @Field(() => String, { nullable: true })
  niche?: string | null;

  @Field(() => String, { nullable: true })
  plan?: string | null;

  @Field(() => Int, { nullable: true, description: "Default for a new customer: 0." })
  mrrCents?: number | null;

  @Field(() => Date, { nullable: true, description: "Default for a new customer: now." })
  signedUpAt?: Date | null;

  @Field(() => CustomerStatus, { nullable: true, description: "TRIAL or ACTIVE; default for a new customer: ACTIVE." })
  status?: CustomerStatus | null;
}

@InputType()
export class ConversionInput {
  @Field(() => String, { description: "The visitor id the tracking snippet keeps (window.advocate.visitorId), sent with the signup." })
  visitorId: string;

  @Field(() => ConversionCustomerInput)
  customer: ConversionCustomerInput;

  @Field(() => Date, { nullable: true, description: "When the visitor became the customer; default now. Visits up to this moment count." })
  at?: Date | null;
}
