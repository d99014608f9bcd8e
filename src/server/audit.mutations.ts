import { GraphQLError, getNamedType, isEnumType, isInputObjectType, isScalarType, type FieldNode, type GraphQLInputType, type GraphQLSchema } from "graphql";
import { AfterCommit } from "../common/changes.js";
import { getArgumentValues } from "graphql/execution/values.js";
import { insertAuditRows, type NewAuditRow } from "../audit/audit.repository.js";
import { Role } from "../auth/roles.js";
import { describeError, log } from "../common/log.js";
import { toAppError } from "../common/errors.js";
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

/** The code its answer carries: a domain error's, a coded GraphQL error's, else an internal error. */
const outcomeOf = (error: unknown) =>
  toAppError(error)?.code ?? (error instanceof GraphQLError && error.extensions.code ? String(error.extensions.code) : "INTERNAL_SERVER_ERROR");

/**
 * The admin audit log, written in the write's own transaction. Each root field of an admin's
 * mutation runs in one transaction (the services' own transactions nest in it as savepoints),
 * with its audit row (which credential, which mutation with its ids, when) inserted before the
 * commit: a write without its audit row never commits. The changes it publishes reach the
 * channel after the commit, so no listener reads ahead of it. A refused or failed write commits
 * nothing; its row (with the error code) is written on its own afterwards. Other callers'
 * mutations run as they are.
 */
export function auditAdminMutations(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve;
    if (!resolve) continue;
    field.resolve = async (root, args, context: Context, info) => {
      if (context.caller?.role !== Role.ADMIN) return resolve(root, args, context, info);
      const row = (outcome: string): NewAuditRow => ({
        actor: context.caller.credential ?? "admin",
        operation: field.name,
        arguments: argumentsOf(schema, info.fieldNodes[0]!, info.variableValues),
        outcome,
        requestId: context.requestId,
      });
      const changes = new AfterCommit();
      try {
        const result = await context.db.transaction(async (tx) => {
          const value: unknown = await resolve(root, args, { ...context, db: tx, changes }, info);
          await insertAuditRows(tx, [row("OK")]);
          return value;
        });
        changes.flush(context.changes);
        return result;
      } catch (error) {
        await insertAuditRows(context.db, [row(outcomeOf(error))]).catch((auditError: unknown) => {
          log.error("the admin audit log could not be written", { requestId: context.requestId, operation: field.name, ...describeError(auditError) });
        });
        throw error;
      }
    };
  }
  return schema;
}
