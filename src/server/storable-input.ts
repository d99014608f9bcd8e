import type { ApolloServerPlugin } from "@apollo/server";
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { ErrorCode } from "../common/errors.js";
import { ANY_TEXT_ARGUMENTS, textProblem } from "../common/validate.js";

interface Refusal {
  field: string;
  problem: string;
}

/** The first string inside an argument's coerced value that cannot be stored, by its path. */
function findInValue(type: GraphQLInputType, value: unknown, path: string): Refusal | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = Array.isArray(value) ? value : [value];
    for (let i = 0; i < items.length; i++) {
      const found = findInValue(nullable.ofType, items[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      const found = findInValue(field.type, (value as Record<string, unknown>)[field.name], path ? `${path}.${field.name}` : field.name);
      if (found) return found;
    }
    return undefined;
  }
  // String, ID and any scalar read as a string (enums arrive as their internal values).
  if (typeof value !== "string") return undefined;
  const problem = textProblem(value);
  return problem ? { field: path, problem } : undefined;
}

/**
 * Every string the operation gives a field, from a literal or a variable, checked as graphql-js
 * will coerce it for the resolvers. Fields are named as the services name them: an `input`
 * argument's fields by their own path (`name`, `rules[0].values`), other arguments by name.
 * A value graphql-js cannot coerce is left to it: execution reports it.
 */
export function findUnstorableInput(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): Refusal | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const visited = new Set<string>();

  const walk = (parent: GraphQLCompositeType | null | undefined, selectionSet: SelectionSetNode): Refusal | undefined => {
    for (const selection of selectionSet.selections) {
      let found: Refusal | undefined;
      if (selection.kind === Kind.FIELD) {
        const fieldDef = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        if (!fieldDef) continue;
        if (!fieldDef.extensions[ANY_TEXT_ARGUMENTS] && fieldDef.args.length > 0) {
          let args: Record<string, unknown>;
          try {
            args = getArgumentValues(fieldDef, selection, coerced.coerced);
          } catch {
            continue;
          }
          for (const arg of fieldDef.args) {
            found ??= findInValue(arg.type, args[arg.name], arg.name === "input" && isInputObjectType(getNullableType(arg.type)) ? "" : arg.name);
          }
        }
        const type = getNamedType(fieldDef.type);
        if (!found && selection.selectionSet && isCompositeType(type)) found = walk(type, selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        found = walk(type && isCompositeType(type) ? type : null, selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        const type = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment) found = walk(type && isCompositeType(type) ? type : null, fragment.selectionSet);
      }
      if (found) return found;
    }
    return undefined;
  };
  return walk(schema.getRootType(operation.operation), operation.selectionSet);
}

/**
 * PostgreSQL refuses NUL in text and a lone UTF-16 surrogate has no UTF-8 form: a string input
 * holding either is refused with BAD_USER_INPUT naming it, before any resolver runs, however it
 * was sent (literal or variable) and whichever field takes it. Without this, each field had to
 * remember the check, and a forgotten one answered INTERNAL_SERVER_ERROR from the database.
 */
export function storableInputPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const refusal = findUnstorableInput(schema, document, operation, request.variables ?? {});
          if (!refusal) return;
          throw new GraphQLError(`${refusal.field}: ${refusal.problem}`, {
            extensions: { code: ErrorCode.BAD_USER_INPUT, field: refusal.field, http: { status: 400 } },
          });
        },
      };
    },
  };
}
