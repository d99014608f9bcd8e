import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { ConnectionTypes } from "../common/connection.type.js";

@ObjectType({ description: "One admin write: which key, what, when, and how it ended (adminAuditLog)." })
export class AdminAuditEntry {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  at: Date;

  @Field(() => String, { description: "The credential: `admin-key:<first 8 hex of the key's SHA-256>` (never the key)." })
  actor: string;

  @Field(() => String, { description: "The mutation, e.g. `deleteSegment`." })
  operation: string;

  @Field(() => GraphQLJSONObject, { description: "Its arguments that are ids, numbers, booleans or enum values (free text is left out: names and emails never stay in the log)." })
  arguments: Record<string, unknown>;

  @Field(() => String, { description: "`OK`, or the error code the write ended with (nothing was written then)." })
  outcome: string;

  @Field(() => String, { nullable: true, description: "The request's X-Request-Id, as in the server log." })
  requestId: string | null;
}

export const { Connection: AdminAuditConnection } = ConnectionTypes("AdminAudit", AdminAuditEntry);
