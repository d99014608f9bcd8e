import { Arg, Ctx, Int, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { countSegmentMembers } from "./segment.repository.js";
import { validateSegmentRules } from "./segment.rules.js";
import { SegmentRule } from "./segment.type.js";

@Resolver()
export class SegmentPreviewResolver {
  @Query(() => Int, { description: "How many customers these rules (validated as createSegment validates them) match now, without saving a segment: the console's live count." })
  @Allow(Role.ADMIN)
  async segmentPreview(@Ctx() { db }: Context, @Arg("rules", () => [SegmentRule]) rules: SegmentRule[]): Promise<number> {
    const valid = validateSegmentRules(rules);
    const counts = await countSegmentMembers(db, [{ id: "preview", name: "preview", rules: valid, createdAt: new Date(), updatedAt: new Date() }]);
    return counts.get("preview") ?? 0;
  }
}
