import { inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { contentAssets } from "../db/schema/index.js";
import { rowLoader } from "../common/loader.js";

export function createContentLoaders(db: Database) {
  return {
    contentAssetById: rowLoader(
      (ids: readonly string[]) => db.select().from(contentAssets).where(inArray(contentAssets.id, [...ids])),
      (row) => row.id,
    ),
  };
}
