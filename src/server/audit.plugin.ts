import type { ApolloServerPlugin } from "@apollo/server";
import { getNamedType, isEnumType, isInputObjectType, isScalarType, Kind, type FieldNode, type GraphQLInputType, type GraphQLSchema } from "graphql";
import { getArgumentValues } from "graphql/execution/values.js";
import { insertAuditRows, type NewAuditRow } from "../audit/audit.repository.js";
import { Role } from "../auth/roles.js";
import { describeError, log } from "../common/log.js";
import type { Context } from "../graphql/context.js";

const KEPT_SCALARS = new Set(["ID", "Int", "Float", "Boolean", "DateTime"]);

/** Keeps what says what was done (ids, numbers, flags, enum values), never free text. */
function auditable(type: GraphQLInputType, value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value;
  const named = getNamedType(type);
  if (Array.isArray(value)) {
    const kept = value.map((item) => auditable(type, item, depth)).filter((item) => item !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (isEnumType(named) || (isScalarType(named) && KEPT_SCALARS.has(named.name))) return value instanceof Date ? value.toISOString() : value;
  if (isInputObjectType(named) && depth === 0 && typeof value === "object") {
    const fields = named.getFields();
    const kept = Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
      const field = fields[key];
      const v = field ? auditable(field.type, item, depth + 1) : undefined;
      return v === undefined ? [] : [[key, v] as const];
    });
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  }
  return undefined;
}

function argumentsOf(schema: GraphQLSchema, node: FieldNode, variables: Record<string, unknown> | undefined): Record<string, unknown> {
  const field = schema.getMutationType()?.getFields()[node.name.value];
  if (!field) return {};
  try {
    const values = getArgumentValues(field, node, variables);
    const kept: Record<string, unknown> = {};
    for (const arg of field.args) {
      const value = auditable(arg.type, values[arg.name]);
      if (value !== undefined) kept[arg.name] = value;
    }
    return kept;
  } catch {
    return {};
  }
}

/**
 * The admin audit log: after every mutation made by an admin, one row per root field (which
 * credential, which mutation with its ids, when, OK or the error code). Written after the
 * mutation's own transaction, in one statement; a failure to write it is logged as an error.
 */
export function auditPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operation, request, response }) {
          const { caller } = contextValue;
          if (operation?.operation !== "mutation" || caller?.role !== Role.ADMIN) return;
          const errors = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
          const rows: NewAuditRow[] = [];
          for (const selection of operation.selectionSet.selections) {
            if (selection.kind !== Kind.FIELD || selection.name.value.startsWith("__")) continue;
            const key = selection.alias?.value ?? selection.name.value;
            const error = errors.find((e) => e.path?.[0] === key);
            rows.push({
              actor: caller.credential ?? "admin",
              operation: selection.name.value,
              arguments: argumentsOf(schema, selection, request.variables),
              outcome: error ? String(error.extensions?.code ?? "ERROR") : "OK",
              requestId: contextValue.requestId,
            });
          }
          await insertAuditRows(contextValue.db, rows).catch((error: unknown) => {
            log.error("the admin audit log could not be written", { requestId: contextValue.requestId, operations: rows.map((r) => r.operation), ...describeError(error) });
          });
        },
      };
    },
  };
}
