import { Field, ID, ObjectType } from "type-graphql";
import { LandingContent } from "../landing/landing.type.js";
import { LandingMatch } from "../landing/landing.enums.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";

@ObjectType({ description: "A referred customer as its affiliate sees it: masked name, status and health band only." })
export class MaskedReferral {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: "Initials only (\"A*** C***\")." })
  customerLabel: string;

  @Field(() => CustomerStatus)
  status: CustomerStatus;

  @Field(() => HealthBand, { nullable: true })
  healthBand: HealthBand | null;

  @Field(() => Date)
  referredAt: Date;
}

@ObjectType({ description: "A piece of content for an affiliate to share, with its own tracking link." })
export class MaterialItem extends LandingContent {
  @Field(() => String, { description: "The affiliate's landing page for this niche, naming this content (?via=&niche=&content=, what the tracking snippet reads)." })
  trackingLink: string;
}

@ObjectType({ description: "The materials for one niche of the affiliate's audience, ranked as its landing page ranks them." })
export class MaterialsKitSection {
  @Field(() => String, { nullable: true, description: "Null: the affiliate's general materials (no niche known yet)." })
  niche: string | null;

  @Field(() => LandingMatch)
  matchedOn: LandingMatch;

  @Field(() => [MaterialItem])
  caseStudies: MaterialItem[];

  @Field(() => [MaterialItem])
  useCases: MaterialItem[];

  @Field(() => [MaterialItem])
  painPoints: MaterialItem[];
}
