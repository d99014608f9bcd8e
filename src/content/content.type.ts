import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export enum ContentKind {
  CASE_STUDY = "CASE_STUDY",
  USE_CASE = "USE_CASE",
  PAIN_POINT = "PAIN_POINT",
}
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
