import { GraphQLScalarType } from "graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";

/** The contract names its date scalar DateTime; type-graphql 2's built-in one is DateTimeISO. */
export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: "DateTime",
  description: "An ISO-8601 date-time string in UTC, such as 2026-01-31T12:00:00.000Z.",
});
