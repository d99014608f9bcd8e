import { sql } from "drizzle-orm";
import { check, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { enumValues, id, timestamptz } from "./columns.js";
import { ServerKeyScope } from "../../auth/auth.enums.js";

export const serverKeyScope = pgEnum("server_key_scope", enumValues(ServerKeyScope));

/**
 * Keys of the company's own servers (Role.SERVER), each limited to its scopes. As with affiliate
 * keys, only a SHA-256 hash is stored; the secret is shown once, at creation.
 */
export const serverKeys = pgTable(
  "server_keys",
  {
    id: id(),
    name: text("name").notNull(),
    scopes: serverKeyScope("scopes").array().notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the secret, so an admin can tell keys apart. */
    keyPrefix: text("key_prefix").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    revokedAt: timestamptz("revoked_at"),
    /** Updated at most once a minute (server-key.repository.ts), so a busy key costs no write per request. */
    lastUsedAt: timestamptz("last_used_at"),
  },
  (t) => [
    // Every server request looks its key up by hash.
    uniqueIndex("server_keys_key_hash_key").on(t.keyHash),
    check("server_keys_scopes_check", sql`cardinality(${t.scopes}) > 0`),
  ],
);
