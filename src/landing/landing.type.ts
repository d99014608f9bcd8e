import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { PublicAffiliate } from "../affiliates/affiliate.type.js";
import { ContentKind } from "../content/content.enums.js";
import { LandingMatch } from "./landing.enums.js";

registerEnumType(LandingMatch, { name: "LandingMatch", description: "Which rule picked the landing content, most specific first." });

@ObjectType({ description: "What the public may see of a content asset: nothing about the customer beyond its name." })
export class LandingContent {
  @Field(() => ID)
  id: string;

  @Field(() => ContentKind)
  kind: ContentKind;

  @Field(() => String)
  title: string;

  @Field(() => String)
  body: string;

  @Field(() => String, { nullable: true })
  url: string | null;

  @Field(() => String, { nullable: true })
  customerName: string | null;
}

@ObjectType()
export class LandingPage {
  @Field(() => PublicAffiliate, { nullable: true, description: "Null when the code is missing or unknown." })
  affiliate: PublicAffiliate | null;

  @Field(() => String, { nullable: true, description: "The normalized niche that was used; null when none matched." })
  niche: string | null;

  @Field(() => LandingMatch)
  matchedOn: LandingMatch;

  @Field(() => [LandingContent])
  caseStudies: LandingContent[];

  @Field(() => [LandingContent])
  useCases: LandingContent[];

  @Field(() => [LandingContent])
  painPoints: LandingContent[];
}
