import { existsSync, readFileSync } from "node:fs";

/** Where global-setup.ts left the migrated PGlite dump (unset: each database is made from scratch). */
export const PGLITE_TEMPLATE_ENV = "ADVOCATE_TEST_PGLITE_TEMPLATE";

let bytes: Buffer | null | undefined;

/** A copy of the migrated dump for a new in-memory PGlite, or undefined without one. */
export function pgliteTemplate(): Blob | undefined {
  if (bytes === undefined) {
    const file = process.env[PGLITE_TEMPLATE_ENV];
    bytes = file && existsSync(file) ? readFileSync(file) : null;
  }
  return bytes ? new Blob([bytes]) : undefined;
}
