import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import { Allow, Role, server, ServerKeyScope } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { AttributionModel } from "../referrals/referral.enums.js";
import { ConversionInput } from "./conversion.inputs.js";
import { ConversionResult } from "./conversion.type.js";
import * as conversionsService from "./conversion.service.js";

@Resolver()
export class ConversionResolver {
  @Mutation(() => ConversionResult, {
    description:
      "Server key with the CONVERSIONS scope (or admin). Visitor `visitorId` became this customer: creates or updates it by externalId and attributes it to the affiliate the visitor's visits name under the attribution rule (ATTRIBUTION_WINDOW_DAYS, ATTRIBUTION_MODEL). No qualifying visit is an answer (NO_QUALIFYING_VISIT), not an error; a second report changes nothing (ALREADY_ATTRIBUTED).",
  })
  @Allow(Role.ADMIN, server(ServerKeyScope.CONVERSIONS))
  async reportConversion(@Arg("input", () => ConversionInput) input: ConversionInput, @Ctx() ctx: Context): Promise<ConversionResult> {
    const rule = { windowDays: ctx.attributionWindowDays, model: ctx.attributionModel };
    return { ...(await conversionsService.reportConversion(ctx, input, rule, ctx.now)), attributionModel: AttributionModel[rule.model] };
  }
}
