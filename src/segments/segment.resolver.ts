import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../server/context.js";
import { notImplemented } from "../common/errors.js";
import { CustomerConnection } from "../customers/customer.type.js";
import { Segment, SegmentInput } from "./segment.type.js";
import * as segmentsService from "./segment.service.js";

@Resolver(() => Segment)
export class SegmentResolver {
  @Query(() => [Segment])
  @Allow(Role.ADMIN)
  segments(@Ctx() { db }: Context) {
    return segmentsService.listSegments(db);
  }

  @Mutation(() => Segment)
  @Allow(Role.ADMIN)
  createSegment(@Arg("input", () => SegmentInput) input: SegmentInput, @Ctx() { db }: Context) {
    return segmentsService.createSegment(db, input);
  }

  @FieldResolver(() => Int)
  customerCount(): number {
    throw notImplemented("Segment.customerCount");
  }

  @FieldResolver(() => CustomerConnection)
  customers(
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) _first: number,
    @Arg("after", () => String, { nullable: true }) _after?: string | null,
  ): never {
    throw notImplemented("Segment.customers");
  }
}
