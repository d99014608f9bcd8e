import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { Context } from "../graphql/context.js";
import * as v from "../common/validate.js";
import { Customer } from "./customer.type.js";
import { ProductActivity } from "./customer-activity.type.js";

export const MAX_ACTIVITY_DAYS = 365;

@Resolver(() => Customer)
export class CustomerActivityResolver {
  @FieldResolver(() => [ProductActivity], { description: "Product activity per event name over the last `days` days (1-365), busiest first: one statement for a page of customers." })
  async activity(@Root() customer: Customer, @Ctx() { loaders }: Context, @Arg("days", () => Int, { defaultValue: 28 }) days: number): Promise<ProductActivity[]> {
    const window = v.intInRange("days", days, 1, MAX_ACTIVITY_DAYS);
    const rows = await loaders.activityByCustomerId.load({ customerId: customer.id, days: window });
    return rows.map((r) => ({
      name: r.name,
      events: r.events,
      users: r.users,
      eventsPerUser: r.users > 0 ? r.events / r.users : null,
      activeDays: r.activeDays,
      previousEvents: r.previousEvents,
      change: r.previousEvents > 0 ? (r.events - r.previousEvents) / r.previousEvents : null,
    }));
  }
}
