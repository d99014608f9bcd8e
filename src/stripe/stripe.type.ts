import { Field, ObjectType } from "type-graphql";

@ObjectType({ description: "A Stripe customer (cus_…) linked to an Advocate customer, with what Stripe says of it." })
export class StripeCustomer {
  @Field(() => String, { description: "Stripe's customer id, cus_…" })
  id: string;

  @Field(() => String, { nullable: true, description: "Stripe's email of the customer (its billing contact)." })
  email: string | null;

  @Field(() => String, { nullable: true, description: "The name taken from Stripe: its name, else its email, else its id." })
  name: string | null;

  @Field(() => Boolean)
  livemode: boolean;
}
