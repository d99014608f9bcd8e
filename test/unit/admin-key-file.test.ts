import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_KEY_FILE, embeddedAdminKey } from "../../src/auth/admin-key-file.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("the admin key kept with an embedded database", () => {
  it("is generated once, owner-only, and the same at every later start", () => {
    dir = mkdtempSync(join(tmpdir(), "advocate-key-"));
    const first = embeddedAdminKey(dir);
    expect(first).toMatchObject({ created: true, path: join(dir, ADMIN_KEY_FILE) });
    expect(first.key).toMatch(/^adv_admin_[A-Za-z0-9_-]{32}$/);
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    expect(embeddedAdminKey(dir)).toEqual({ ...first, created: false });
  });

  it("refuses a file that holds no key, saying what to do", () => {
    dir = mkdtempSync(join(tmpdir(), "advocate-key-"));
    writeFileSync(join(dir, ADMIN_KEY_FILE), "short\n");
    expect(() => embeddedAdminKey(dir!)).toThrow(/holds no admin key .*delete it/);
  });
});
