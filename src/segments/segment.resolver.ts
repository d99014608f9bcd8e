import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { pageArgs, toConnection } from "../common/pagination.js";
import { CustomerConnection } from "../customers/customer.type.js";
import type { CustomerRow } from "../customers/customer.repository.js";
import { Segment, SegmentInput } from "./segment.type.js";
import * as segmentsService from "./segment.service.js";

@Resolver(() => Segment)
export class SegmentResolver {
  @Query(() => [Segment])
  @Allow(Role.ADMIN)
  segments(@Ctx() { loaders }: Context) {
    return loaders.allSegments();
  }

  @Mutation(() => Segment)
  @Allow(Role.ADMIN)
  createSegment(@Arg("input", () => SegmentInput) input: SegmentInput, @Ctx() { db }: Context) {
    return segmentsService.createSegment(db, input);
  }

  @Mutation(() => Segment, { description: "Renames the segment and replaces its rules (validated as by createSegment)." })
  @Allow(Role.ADMIN)
  updateSegment(@Arg("id", () => ID) id: string, @Arg("input", () => SegmentInput) input: SegmentInput, @Ctx() { db }: Context) {
    return segmentsService.updateSegment(db, id, input);
  }

  @Mutation(() => ID, { description: "Deletes the segment and answers its id; refused (BAD_USER_INPUT) while a journey's branch tests membership of it." })
  @Allow(Role.ADMIN)
  deleteSegment(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return segmentsService.deleteSegment(db, id);
  }

  @FieldResolver(() => Int, { description: "Customers matching every rule now." })
  customerCount(@Root() segment: Segment, @Ctx() { loaders }: Context) {
    return loaders.segmentCountById.load(segment.id);
  }

  @FieldResolver(() => CustomerConnection)
  async customers(
    @Root() segment: Segment,
    @Ctx() { loaders }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = pageArgs(first, after);
    const ids = await loaders.segmentMemberPage.load({ ownerId: segment.id, ...page });
    const rows = (await loaders.customerById.loadMany(ids)) as CustomerRow[];
    return toConnection(rows, page.first, () => loaders.segmentCountById.load(segment.id));
  }
}
