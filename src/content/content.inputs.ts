import { Field, ID, InputType } from "type-graphql";
import { ContentKind } from "./content.enums.js";

@InputType()
export class ContentAssetInput {
  @Field(() => ContentKind)
  kind: ContentKind;

  @Field(() => String)
  title: string;

  @Field(() => String)
  body: string;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  niches?: string[] | null;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  affiliateCode?: string | null;
}

@InputType()
export class ContentAssetUpdate {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => String, { nullable: true, description: "null clears the URL." })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  niches?: string[] | null;
}
