import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateAdminKey } from "./api-keys.js";

/** The file, in the embedded database's directory, that keeps the admin key generated for it. */
export const ADMIN_KEY_FILE = "advocate-admin-key";

/**
 * The admin key of an embedded database kept in `dataDir` (which must exist): the one stored in
 * its ADMIN_KEY_FILE, else a new one stored there (readable by its owner only). A newcomer's
 * key then stays the same across restarts, and a shell can read it (`cat data/advocate-admin-key`);
 * whoever can read that directory can read the whole database anyway.
 */
export function embeddedAdminKey(dataDir: string): { key: string; path: string; created: boolean } {
  const path = join(dataDir, ADMIN_KEY_FILE);
  let stored: string | undefined;
  try {
    stored = readFileSync(path, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (stored !== undefined) {
    if (stored.length < 16) throw new Error(`${path} holds no admin key (16+ characters): delete it to have one generated`);
    return { key: stored, path, created: false };
  }
  const key = generateAdminKey();
  writeFileSync(path, `${key}\n`, { mode: 0o600, flag: "wx" });
  return { key, path, created: true };
}
