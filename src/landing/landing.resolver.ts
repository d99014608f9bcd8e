import { Arg, Ctx, Extensions, Int, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { ANY_TEXT_ARGUMENTS } from "../common/validate.js";
import { LandingPage } from "./landing.type.js";
import { normalizeLandingInput } from "./landing.service.js";

@Resolver(() => LandingPage)
export class LandingResolver {
  @Query(() => LandingPage, { description: "Public, no key. Content for a referral landing page." })
  @Allow(Role.PUBLIC)
  // A niche or code that cannot be stored (NUL, a lone surrogate) matches nothing, as an over-long one does.
  @Extensions({ [ANY_TEXT_ARGUMENTS]: true })
  async landingPage(
    @Ctx() { landing }: Context,
    @Arg("affiliateCode", () => String, { nullable: true }) affiliateCode?: string | null,
    @Arg("niche", () => String, { nullable: true }) niche?: string | null,
    @Arg("limit", () => Int, { nullable: true, description: "Items per kind, 1-10 (default 3); out-of-range values are brought into range." })
    limit?: number | null,
  ) {
    return (await landing.get(normalizeLandingInput({ affiliateCode, niche, limit }))).entry.page;
  }
}
