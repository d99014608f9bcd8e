import type { Database } from "../db/client.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findAffiliatesByCustomerIds, findAffiliatesByIds, findApiKeysByAffiliateIds } from "./affiliate.repository.js";

export function createAffiliateLoaders(db: Database) {
  return {
    affiliateById: rowLoader((ids: readonly string[]) => findAffiliatesByIds(db, ids), (row) => row.id),
    affiliateByCustomerId: rowLoader(
      (ids: readonly string[]) => findAffiliatesByCustomerIds(db, ids),
      (row) => row.customerId!,
    ),
    apiKeysByAffiliateId: groupLoader((ids: readonly string[]) => findApiKeysByAffiliateIds(db, ids), (row) => row.affiliateId),
  };
}
