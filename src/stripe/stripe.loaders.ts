import { asc, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { groupLoader } from "../common/loader.js";
import { stripeCustomers } from "../db/schema/index.js";

export function createStripeLoaders(db: Database) {
  return {
    stripeCustomersByCustomerId: groupLoader(
      (ids: readonly string[]) => db.select().from(stripeCustomers).where(inArray(stripeCustomers.customerId, [...ids])).orderBy(asc(stripeCustomers.createdAt), asc(stripeCustomers.id)),
      (row) => row.customerId,
    ),
  };
}
