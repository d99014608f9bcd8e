import { Arg, Ctx, FieldResolver, Float, Int, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import type { Context } from "../graphql/context.js";
import { Customer } from "../customers/customer.type.js";
import { successMilestones } from "./milestones.service.js";
import { MilestoneProgress, SuccessMilestone } from "./milestones.type.js";
import { DEFAULT_MIN_LIFT } from "./milestones.js";

@Resolver()
export class MilestonesResolver {
  @Query(() => [SuccessMilestone], { description: "Actions of the first 30 days that successful customers took far more often than the rest, highest lift first." })
  @Allow(Role.ADMIN)
  successMilestones(
    @Ctx() { db, now, scoring }: Context,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 10 }) limit: number,
    @Arg("minLift", () => Float, { nullable: true, defaultValue: DEFAULT_MIN_LIFT }) minLift: number,
    @Arg("minSupport", () => Int, { nullable: true, description: "Fewest successful customers that took it; default max(5, 1% of those judged)." })
    minSupport?: number | null,
  ) {
    v.intInRange("limit", limit, 1, 100);
    if (!Number.isFinite(minLift) || minLift < 1 || minLift > 1000) throw badInput("minLift", "must be from 1 to 1000");
    const support = minSupport == null ? undefined : v.intInRange("minSupport", minSupport, 1, 1_000_000);
    return successMilestones(db, now, scoring, { limit, minLift, minSupport: support });
  }
}

@Resolver(() => Customer)
export class CustomerMilestonesResolver {
  @FieldResolver(() => [MilestoneProgress], { description: "This customer's progress against the success milestones." })
  @Allow(Role.ADMIN)
  milestoneProgress(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return loaders.milestoneProgressByCustomerId.load(customer.id);
  }
}
