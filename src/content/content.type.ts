import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ContentKind } from "./content.enums.js";

registerEnumType(ContentKind, { name: "ContentKind" });

@ObjectType()
export class ContentAsset {
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

  @Field(() => [String])
  niches: string[];

  @Field(() => Boolean)
  archived: boolean;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date)
  updatedAt: Date;

  customerId: string | null;
  affiliateId: string | null;
}

@ObjectType({ description: "How a content asset performs on landing pages." })
export class ContentPerformance {
  @Field(() => ContentAsset)
  asset: ContentAsset;

  @Field(() => Int, { description: "Times landing pages showed it in the window." })
  impressions: number;

  @Field(() => Int, { description: "Referral visits in the window that arrived through a link naming it (a materials-kit link's `content=`)." })
  visits: number;

  @Field(() => Int, {
    description:
      "Customers credited to it, each once: referred by affiliates whose pages showed it, at most ATTRIBUTION_WINDOW_DAYS (default 30) after its last impression on the affiliate's pages before the referral, or whose referral names a visitor that arrived through its link at most that long before.",
  })
  referredCustomers: number;

  @Field(() => Int, { description: "Of referredCustomers, those whose referral names a visitor that arrived through its link." })
  referredFromVisits: number;

  @Field(() => Int, { description: "How many of those are still customers." })
  retainedCustomers: number;

  @Field(() => Float, { nullable: true, description: "retainedCustomers / referredCustomers; null without referrals." })
  retentionRate: number | null;
}
