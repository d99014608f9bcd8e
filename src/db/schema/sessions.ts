import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";
import { affiliates } from "./affiliates.js";

/**
 * Browser sessions of the console (admin) and the portal (an affiliate): the cookie holds a
 * random token, the table its SHA-256 hash, so a stolen table opens nothing. Signing out deletes
 * the row; each request reads it by hash. The CSRF token is not a secret from the page (the page
 * sends it back in a header), only from other sites.
 */
export const webSessions = pgTable(
  "web_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    /** ADMIN or AFFILIATE (a server key never gets a session). */
    role: text("role").notNull(),
    affiliateId: uuid("affiliate_id").references(() => affiliates.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  // Expired sessions are swept by age.
  (t) => [index("web_sessions_expires_idx").on(t.expiresAt)],
);

/** One-time sign-in links mailed to an affiliate's contact: hash of the token, used once, short-lived. */
export const magicLinks = pgTable("magic_links", {
  tokenHash: text("token_hash").primaryKey(),
  affiliateId: uuid("affiliate_id")
    .notNull()
    .references(() => affiliates.id, { onDelete: "cascade" }),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  expiresAt: timestamptz("expires_at").notNull(),
  usedAt: timestamptz("used_at"),
});
