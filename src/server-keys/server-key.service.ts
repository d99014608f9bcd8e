import { eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { serverKeys } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { generateServerKey } from "../auth/api-keys.js";
import { ServerKeyScope } from "../auth/auth.enums.js";
import type { ServerKeyRow } from "./server-key.repository.js";

export interface ServerKeyRequest {
  name: string;
  scopes: readonly ServerKeyScope[];
}

/** A new key: the row (listed later without the secret) and the secret, returned this once. */
export async function createServerKey(db: Database, request: ServerKeyRequest): Promise<{ key: ServerKeyRow; secret: string }> {
  const name = v.requiredText("name", request.name, v.LIMITS.name);
  const known = new Set<string>(Object.values(ServerKeyScope));
  if (request.scopes.length === 0) throw badInput("scopes", "must name at least one scope: a key without one could call nothing");
  if (request.scopes.some((scope) => !known.has(scope))) throw badInput("scopes", `must be among ${[...known].join(", ")}`);
  const scopes = [...new Set(request.scopes)].sort();
  const generated = generateServerKey();
  const [key] = await db.insert(serverKeys).values({ name, scopes, keyHash: generated.hash, keyPrefix: generated.prefix }).returning();
  return { key: key!, secret: generated.secret };
}

/** The key stops working at once (its next request is UNAUTHENTICATED); revoking twice is harmless. */
export async function revokeServerKey(db: Database, keyId: string, now = new Date()): Promise<ServerKeyRow> {
  const id = v.id("id", keyId);
  return db.transaction(async (tx) => {
    const [key] = await tx.select().from(serverKeys).where(eq(serverKeys.id, id)).for("update");
    if (!key) throw badInput("id", "no server key with this id");
    if (key.revokedAt) return key;
    const [revoked] = await tx.update(serverKeys).set({ revokedAt: now }).where(eq(serverKeys.id, id)).returning();
    return revoked!;
  });
}
