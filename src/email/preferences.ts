import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Database, Executor } from "../db/client.js";
import { emailPreferences, journeyEnrollments } from "../db/schema/index.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";

export type OptOutSource = "UNSUBSCRIBE_LINK" | "ONE_CLICK" | "ADMIN";

/** The customer's unsubscribe token, made on first use: random, so a link cannot be guessed from an id. */
export async function unsubscribeToken(ex: Executor, customerId: string): Promise<string> {
  // One statement: the no-op update on conflict makes RETURNING give the existing token.
  const [row] = await ex
    .insert(emailPreferences)
    .values({ customerId, unsubscribeToken: randomBytes(18).toString("base64url") })
    .onConflictDoUpdate({ target: emailPreferences.customerId, set: { customerId: sql`excluded.customer_id` } })
    .returning({ token: emailPreferences.unsubscribeToken });
  return row!.token;
}

export async function isOptedOut(ex: Executor, customerId: string): Promise<boolean> {
  const [row] = await ex
    .select({ at: emailPreferences.optedOutAt })
    .from(emailPreferences)
    .where(and(eq(emailPreferences.customerId, customerId), isNotNull(emailPreferences.optedOutAt)));
  return row !== undefined;
}

/** Opted-out customers among `ids` (dashboards show the flag for a page at once). */
export async function optedOutAmong(ex: Executor, ids: readonly string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .select({ customerId: emailPreferences.customerId, at: emailPreferences.optedOutAt })
    .from(emailPreferences)
    .where(and(inArray(emailPreferences.customerId, [...ids]), isNotNull(emailPreferences.optedOutAt)));
  return new Map(rows.map((r) => [r.customerId, r.at!]));
}

/** Opts the customer out and ends its journeys, in one transaction: no email leaves after this commits. */
async function optOut(ex: Executor, customerId: string, source: OptOutSource, now: Date): Promise<void> {
  await ex
    .update(emailPreferences)
    .set({ optedOutAt: sql`coalesce(${emailPreferences.optedOutAt}, ${now.toISOString()}::timestamptz)`, optOutSource: source, updatedAt: now })
    .where(eq(emailPreferences.customerId, customerId));
  await ex
    .update(journeyEnrollments)
    .set({ status: "OPTED_OUT", finishedAt: now, updatedAt: now })
    .where(and(eq(journeyEnrollments.customerId, customerId), inArray(journeyEnrollments.status, ["ACTIVE", "PAUSED"])));
}

/** The unsubscribe link's action. Returns the customer, or null for a token that is not ours. */
export async function optOutByToken(db: Database, token: string, source: OptOutSource, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return null;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ customerId: emailPreferences.customerId })
      .from(emailPreferences)
      .where(eq(emailPreferences.unsubscribeToken, token))
      .for("update");
    if (!row) return null;
    await optOut(tx, row.customerId, source, now);
    return row.customerId;
  });
}

/** An admin's change of a customer's opt-out. Opting back in does not restart ended journeys. */
export async function setEmailOptOut(db: Database, customerId: string, optedOut: boolean, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const customer = await getCustomerOrThrow(tx, customerId, "customerId", true);
    await unsubscribeToken(tx, customer.id);
    if (optedOut) await optOut(tx, customer.id, "ADMIN", now);
    else {
      await tx
        .update(emailPreferences)
        .set({ optedOutAt: null, optOutSource: null, updatedAt: now })
        .where(eq(emailPreferences.customerId, customer.id));
    }
  });
}
