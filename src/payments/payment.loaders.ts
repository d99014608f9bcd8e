import type { Database } from "../db/client.js";
import { groupLoader } from "../common/loader.js";
import { paymentsOfCustomers, waitingCommissions } from "./payment.repository.js";

export function createPaymentLoaders(db: Database) {
  return {
    paymentsByCustomerId: groupLoader((ids: readonly string[]) => paymentsOfCustomers(db, ids), (row) => row.customerId!),
    waitingCommissionsByAffiliateId: groupLoader((ids: readonly string[]) => waitingCommissions(db, ids), (row) => row.affiliateId),
  };
}
