import { Arg, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import { notImplemented } from "../common/errors.js";
import { LandingPage } from "./landing.type.js";

@Resolver(() => LandingPage)
export class LandingResolver {
  @Query(() => LandingPage, { description: "Public, no key. Content for a referral landing page." })
  @Allow(Role.PUBLIC)
  landingPage(
    @Arg("affiliateCode", () => String, { nullable: true }) _affiliateCode?: string | null,
    @Arg("niche", () => String, { nullable: true }) _niche?: string | null,
  ): LandingPage {
    throw notImplemented("landingPage");
  }
}
