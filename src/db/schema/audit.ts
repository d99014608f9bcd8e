import { bigserial, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/**
 * One row per root field of every admin mutation (server/audit.ts): who (the credential, never
 * the secret), what (the operation and its ids, counts and flags: no free text, so an erased
 * customer's name never stays here), when, and how it ended. Append-only.
 */
export const adminAuditLog = pgTable(
  "admin_audit_log",
  {
    // A sequence, not a random UUID: the log reads newest first and pages by it.
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamptz("at").notNull().defaultNow(),
    /** Which key: `admin-key:<first 8 hex of its SHA-256>` for ADMIN_API_KEY. */
    actor: text("actor").notNull(),
    /** The mutation field, e.g. deleteSegment. */
    operation: text("operation").notNull(),
    /** Its arguments that are ids, numbers, booleans or enum values (input objects likewise, one level down). */
    arguments: jsonb("arguments").$type<Record<string, unknown>>().notNull().default({}),
    /** OK, or the error code it ended with. */
    outcome: text("outcome").notNull(),
    requestId: text("request_id"),
  },
  // Read by operation ("who deleted segments?"), newest first.
  (t) => [index("admin_audit_log_operation_idx").on(t.operation, t.id)],
);
