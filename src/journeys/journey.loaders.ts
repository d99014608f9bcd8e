import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { groupLoader, pageLoader, rowLoader } from "../common/loader.js";
import { optedOutAmong } from "../email/preferences.js";
import {
  enrollmentPages,
  enrollmentsOfCustomers,
  findJourneysByIds,
  journeyCounts,
  stepHistory,
  type EnrollmentRow,
  type EnrollmentStatusName,
  type JourneyCounts,
} from "./journey.repository.js";

export function createJourneyLoaders(db: Database) {
  const pagesByStatus = new Map<string, ReturnType<typeof pageLoader<EnrollmentRow>>>();
  return {
    journeyById: rowLoader((ids: readonly string[]) => findJourneysByIds(db, ids), (row) => row.id),
    journeyCountsById: rowLoader((ids: readonly string[]) => journeyCounts(db, ids), (row: JourneyCounts) => row.journeyId),
    /** Pages of enrollments of each journey, one statement per (status, first, after) in the request. */
    enrollmentPage: (status: EnrollmentStatusName | null) => {
      const key = status ?? "";
      let loader = pagesByStatus.get(key);
      if (!loader) {
        loader = pageLoader<EnrollmentRow>((journeyIds, afterId, limit) => enrollmentPages(db, journeyIds, status, afterId, limit));
        pagesByStatus.set(key, loader);
      }
      return loader;
    },
    enrollmentHistoryById: groupLoader((ids: readonly string[]) => stepHistory(db, ids), (row) => row.enrollmentId),
    enrollmentsByCustomerId: groupLoader((ids: readonly string[]) => enrollmentsOfCustomers(db, ids), (row) => row.customerId),
    emailOptedOutAtByCustomerId: new DataLoader<string, Date | null>(async (ids) => {
      const found = await optedOutAmong(db, ids);
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
