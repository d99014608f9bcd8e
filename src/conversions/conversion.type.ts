import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { AttributionModel } from "../referrals/referral.enums.js";
import { ConversionStatus } from "./conversion.enums.js";

registerEnumType(ConversionStatus, {
  name: "ConversionStatus",
  description: "ATTRIBUTED, ALREADY_ATTRIBUTED (kept as it was), NO_QUALIFYING_VISIT (no visit in the window) or NOT_ATTRIBUTABLE (see reason).",
});

/** What a conversion did, and nothing more: no customer object, whose fields (scores, history) a server key may not read. */
@ObjectType()
export class ConversionResult {
  @Field(() => ID, { description: "Advocate's id of the customer." })
  customerId: string;

  @Field(() => Boolean, { description: "True when this report created the customer, false when it updated it." })
  created: boolean;

  @Field(() => ConversionStatus)
  status: ConversionStatus;

  @Field(() => String, { nullable: true, description: "The affiliate the customer is attributed to (ATTRIBUTED, ALREADY_ATTRIBUTED)." })
  affiliateCode: string | null;

  @Field(() => String, { nullable: true, description: "Why it was not attributed (NOT_ATTRIBUTABLE)." })
  reason: string | null;

  @Field(() => AttributionModel, { description: "The rule that chose among the visitor's visits (ATTRIBUTION_MODEL)." })
  attributionModel: AttributionModel;
}
