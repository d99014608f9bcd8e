import type { Database } from "../db/client.js";
import { DatabaseNotEmptyError, loadDataset } from "./load.js";

export const DEMO_SEED = "advocate-demo";
export const DEMO_CUSTOMERS = 200;

/**
 * Loads the small demo dataset (fixed seed, history ending at `now`) into an empty database,
 * so a newcomer's first `npm start` has real answers. Does nothing, and reports 0 customers,
 * when the database already holds any data: it never mixes demo rows with real ones.
 */
export async function loadDemoData(db: Database, now = new Date()): Promise<{ customers: number }> {
  try {
    const counts = await loadDataset(db, { customers: DEMO_CUSTOMERS, seed: DEMO_SEED, now });
    return { customers: counts.customers };
  } catch (error) {
    if (error instanceof DatabaseNotEmptyError) return { customers: 0 };
    throw error;
  }
}
