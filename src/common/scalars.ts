import { GraphQLError, GraphQLScalarType, Kind, print, type ValueNode } from "graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { parseRfc3339, RFC3339_HINT } from "./dates.js";
import { AppError, ErrorCode } from "./errors.js";

/**
 * Why a DateTime input is refused, as a GraphQLError carrying a BAD_USER_INPUT AppError:
 * graphql-js puts it in its own error (naming the variable, or at the literal), and formatError
 * gives that the AppError's code instead of GRAPHQL_VALIDATION_FAILED / a bare coercion error.
 */
function refused(shown: string, node?: ValueNode): GraphQLError {
  const message = `DateTime cannot represent ${shown}: it must be ${RFC3339_HINT}`;
  return new GraphQLError(message, { nodes: node, originalError: new AppError(ErrorCode.BAD_USER_INPUT, message) });
}

function parse(text: string, node?: ValueNode): Date {
  const date = parseRfc3339(text);
  if (!date) throw refused(JSON.stringify(text), node);
  return date;
}

/**
 * The contract names its date scalar DateTime; type-graphql 2's built-in one is DateTimeISO.
 * Output is graphql-scalars' (an ISO string in UTC); input is read by parseRfc3339 only, as the
 * webhook and the import read dates: RFC 3339 with Z or an offset, nothing guessed ("1",
 * "01/02/2026", a local "2026-06-01 10:00" and an overflowing "2026-02-30…" are refused).
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...GraphQLDateTimeISO.toConfig(),
  name: "DateTime",
  description: "An ISO-8601 date-time string in UTC, such as 2026-01-31T12:00:00.000Z.",
  parseValue(value) {
    if (typeof value !== "string") throw refused(JSON.stringify(value) ?? String(value));
    return parse(value);
  },
  parseLiteral(node) {
    if (node.kind !== Kind.STRING) throw refused(print(node), node);
    return parse(node.value, node);
  },
});
