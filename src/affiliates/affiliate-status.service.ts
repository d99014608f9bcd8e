import { and, eq, isNull } from "drizzle-orm";
import type { ServiceContext } from "../common/service-context.js";
import type { Transaction } from "../db/client.js";
import { affiliates, affiliateSuspensions, stakeholders } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { endAffiliateSessions } from "../auth/sessions.js";
import type { AffiliateUpdateInput } from "./affiliate.inputs.js";
import type { AffiliateRow } from "./affiliate.repository.js";

// An affiliate's profile and standing. Its code never changes: it is printed in links and
// materials out in the world. A suspension keeps the links working for visitors (referrals are
// still attributed to it: that is history), but no commission period closing while it lasts ever
// accrues (commission.repository.ts), its keys and sessions are refused and its portal sign-in
// links are not sent.

/** The affiliate, locked for the rest of the transaction: one statement. */
async function lockAffiliate(tx: Transaction, id: string): Promise<AffiliateRow> {
  const [locked] = await tx.select().from(affiliates).where(eq(affiliates.id, v.id("id", id))).for("update");
  if (!locked) throw badInput("id", "no affiliate with this id");
  return locked;
}

/** Name and contact; the landing pages that show the name follow. */
export async function updateAffiliate({ db, changes }: ServiceContext, id: string, input: AffiliateUpdateInput, now: Date): Promise<AffiliateRow> {
  const patch: Partial<typeof affiliates.$inferInsert> = { updatedAt: now };
  if (input.name !== undefined) {
    if (input.name === null) throw badInput("name", "must not be null");
    patch.name = v.requiredText("name", input.name, v.LIMITS.name);
  }
  const updated = await db.transaction(async (tx) => {
    const affiliate = await lockAffiliate(tx, id);
    if (input.contactStakeholderId !== undefined) {
      if (input.contactStakeholderId === null) patch.contactStakeholderId = null;
      else {
        const stakeholderId = v.id("contactStakeholderId", input.contactStakeholderId);
        if (!affiliate.customerId) throw badInput("contactStakeholderId", "the affiliate is not a customer: it has no stakeholders to choose from");
        const [found] = await tx
          .select({ id: stakeholders.id })
          .from(stakeholders)
          .where(and(eq(stakeholders.id, stakeholderId), eq(stakeholders.customerId, affiliate.customerId)));
        if (!found) throw badInput("contactStakeholderId", "no stakeholder with this id at the affiliate's customer");
        patch.contactStakeholderId = found.id;
      }
    }
    const [row] = await tx.update(affiliates).set(patch).where(eq(affiliates.id, affiliate.id)).returning();
    return row!;
  });
  changes.publish({ kind: "landing", scope: "affiliate", code: updated.code });
  return updated;
}

/** Suspends an active affiliate, with the reason; its sessions and sign-in links end at once. */
export async function suspendAffiliate({ db }: ServiceContext, id: string, rawReason: string, now: Date): Promise<AffiliateRow> {
  const reason = v.requiredText("reason", rawReason, v.LIMITS.reason);
  // Landing pages do not change: the links keep working for visitors.
  return db.transaction(async (tx) => {
    const affiliate = await lockAffiliate(tx, id);
    if (affiliate.suspendedAt) throw badInput("id", `the affiliate is already suspended (since ${affiliate.suspendedAt.toISOString()})`);
    await tx.insert(affiliateSuspensions).values({ affiliateId: affiliate.id, suspendedAt: now, reason });
    await endAffiliateSessions(tx, affiliate.id);
    const [row] = await tx.update(affiliates).set({ suspendedAt: now, suspensionReason: reason, updatedAt: now }).where(eq(affiliates.id, affiliate.id)).returning();
    return row!;
  });
}

/** Ends a suspension: periods closing from now on accrue again; those that closed during it never do. */
export async function reactivateAffiliate({ db }: ServiceContext, id: string, now: Date): Promise<AffiliateRow> {
  return db.transaction(async (tx) => {
    const affiliate = await lockAffiliate(tx, id);
    if (!affiliate.suspendedAt) throw badInput("id", "the affiliate is not suspended");
    if (now < affiliate.suspendedAt) throw badInput("id", "the suspension starts after this moment");
    await tx
      .update(affiliateSuspensions)
      .set({ reactivatedAt: now })
      .where(and(eq(affiliateSuspensions.affiliateId, affiliate.id), isNull(affiliateSuspensions.reactivatedAt)));
    const [row] = await tx.update(affiliates).set({ suspendedAt: null, suspensionReason: null, updatedAt: now }).where(eq(affiliates.id, affiliate.id)).returning();
    return row!;
  });
}
