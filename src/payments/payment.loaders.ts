import type { Database } from "../db/client.js";
import { groupLoader } from "../common/loader.js";
import { paymentsOfCustomers } from "./payment.repository.js";

export function createPaymentLoaders(db: Database) {
  return {
    paymentsByCustomerId: groupLoader((ids: readonly string[]) => paymentsOfCustomers(db, ids), (row) => row.customerId!),
  };
}
