import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { Customer } from "../customers/customer.type.js";
import { StripeCustomer } from "./stripe.type.js";

@Resolver(() => Customer)
export class CustomerStripeResolver {
  @FieldResolver(() => [StripeCustomer], { description: "The Stripe customers that are this customer (POST /webhooks/stripe), oldest link first (admin)." })
  @Allow(Role.ADMIN)
  async stripeCustomers(@Root() customer: Customer, @Ctx() { loaders }: Context): Promise<StripeCustomer[]> {
    return loaders.stripeCustomersByCustomerId.load(customer.id);
  }
}
