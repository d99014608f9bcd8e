import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { pageLoader } from "../common/loader.js";
import { countSegmentMembers, listSegmentRows, segmentMemberPages, segmentsOfCustomers, type SegmentRow } from "./segment.repository.js";

export function createSegmentLoaders(db: Database) {
  // Segments are few and read by every membership question of the request: list them once.
  let all: Promise<SegmentRow[]> | undefined;
  const allSegments = () => (all ??= listSegmentRows(db));
  const pick = async (ids: readonly string[]) => {
    const byId = new Map((await allSegments()).map((s) => [s.id, s]));
    return ids.map((id) => byId.get(id)).filter((s): s is SegmentRow => s !== undefined);
  };
  return {
    allSegments,
    segmentCountById: new DataLoader<string, number>(async (ids) => {
      const counts = await countSegmentMembers(db, await pick(ids));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    /** Member ids of a page of each segment, keyed by segment. */
    segmentMemberPage: pageLoader<string>(async (segmentIds, afterId, limit) => segmentMemberPages(db, await pick(segmentIds), afterId, limit)),
    segmentsByCustomerId: new DataLoader<string, SegmentRow[]>(async (customerIds) => {
      const result = await segmentsOfCustomers(db, await allSegments(), customerIds);
      return customerIds.map((id) => result.get(id) ?? []);
    }),
  };
}
