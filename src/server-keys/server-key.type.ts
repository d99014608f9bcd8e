import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { ServerKeyScope } from "../auth/auth.enums.js";

registerEnumType(ServerKeyScope, {
  name: "ServerKeyScope",
  description: "What a server key may do: CONVERSIONS, report that a visitor became a customer (reportConversion).",
});

@ObjectType({ description: "A key of the company's own servers, limited to its scopes; the secret is never shown again." })
export class ServerKey {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => [ServerKeyScope])
  scopes: ServerKeyScope[];

  @Field(() => String, { description: "The first characters of the secret (adv_srv_…), to tell keys apart." })
  keyPrefix: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true, description: "The key's latest request, to the minute." })
  lastUsedAt: Date | null;
}

@ObjectType()
export class NewServerKey {
  @Field(() => String, { description: "The secret, shown this once: only a hash is stored. Send it as Authorization: Bearer <secret>." })
  secret: string;

  @Field(() => ServerKey)
  key: ServerKey;
}

@InputType()
export class ServerKeyInput {
  @Field(() => String, { description: "What the key is for, e.g. the server that holds it." })
  name: string;

  @Field(() => [ServerKeyScope], { description: "At least one." })
  scopes: ServerKeyScope[];
}
