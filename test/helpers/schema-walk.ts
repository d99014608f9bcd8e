import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLObjectType,
} from "graphql";
import type { Role } from "../../src/auth/roles.js";

// Building queries from the schema itself, for the tests that try every operation and field
// with each role (a new field or operation is tried, and must be decided, without editing them).

export const access = (field: { extensions?: { access?: unknown } | null }) => (field.extensions?.access as Role[] | undefined) ?? null;

/** A value of the type, for operations tried only to see that they are refused. */
export function dummy(type: GraphQLInputType): string {
  const inner = getNullableType(type) as GraphQLInputType;
  if (isListType(inner)) return `[${dummy(inner.ofType)}]`;
  if (isEnumType(inner)) return inner.getValues()[0]!.name;
  if (isInputObjectType(inner)) {
    const required = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type));
    return `{${required.map((f) => `${f.name}: ${dummy(f.type)}`).join(", ")}}`;
  }
  if (isScalarType(inner)) {
    if (inner.name === "Int" || inner.name === "Float") return "1";
    if (inner.name === "Boolean") return "true";
    if (inner.name === "ID") return `"00000000-0000-4000-8000-000000000000"`;
    if (inner.name === "DateTime") return `"${new Date().toISOString()}"`;
    return `"x"`;
  }
  throw new Error(`no dummy for ${String(type)}`);
}
export const requiredArgs = (args: readonly GraphQLArgument[]) => {
  const list = args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${dummy(a.type)}`);
  return list.length ? `(${list.join(", ")})` : "";
};
export const selection = (type: GraphQLObjectType | unknown) => (isObjectType(getNamedType(type as never)) ? " { __typename }" : "");


/** Every field reachable from `type` through object fields, each with a query reaching it. */
export function walkFields(type: GraphQLObjectType, path: (inner: string) => string, stopAt: (roles: Role[] | null) => boolean): Map<string, { query: string; roles: Role[] | null }> {
  const found = new Map<string, { query: string; roles: Role[] | null }>();
  const walk = (current: GraphQLObjectType, wrap: (inner: string) => string, seen: Set<string>) => {
    for (const field of Object.values(current.getFields())) {
      const roles = access(field);
      const leaf = `${field.name}${requiredArgs(field.args)}${selection(field.type)}`;
      found.set(`${current.name}.${field.name}`, { query: wrap(leaf), roles });
      const named = getNamedType(field.type);
      if (!stopAt(roles) && isObjectType(named) && !seen.has(named.name)) {
        walk(named, (inner) => wrap(`${field.name}${requiredArgs(field.args)} { ${inner} }`), new Set([...seen, named.name]));
      }
    }
  };
  walk(type, path, new Set([type.name]));
  return found;
}
