import { readFileSync } from "node:fs";
import semver from "semver";
import { describe, expect, it } from "vitest";

// `npm ci` must stay free of warnings a newcomer would worry about: EBADENGINE (a locked package
// whose engines exclude the Node the project runs on) and install scripts npm 11 has not been told
// to run (package.json "allowScripts"). Both are read from what `npm ci` installs: the lockfile.

interface LockedPackage {
  version?: string;
  name?: string;
  engines?: { node?: string } | string[];
  hasInstallScript?: boolean;
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string }; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, LockedPackage> };
const locked = Object.entries(lock.packages).filter(([path]) => path !== "");
/** A locked package's name: its own (an alias), else the last node_modules segment of its path. */
const nameOf = (path: string, entry: LockedPackage) => entry.name ?? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);

describe("the locked dependencies", () => {
  const oldestNode = semver.minVersion(pkg.engines.node)!.version;

  it.each([
    ["the running Node", process.versions.node],
    [`the oldest Node package.json admits (${pkg.engines.node})`, oldestNode],
  ])("all admit %s in their engines", (_what, version) => {
    const excluding = locked
      .filter(([, entry]) => !Array.isArray(entry.engines) && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.satisfies(version, (entry.engines as { node: string }).node, { includePrerelease: true }))
      .map(([path, entry]) => `${nameOf(path, entry)}@${entry.version} wants node ${(entry.engines as { node: string }).node}`);
    expect(excluding).toEqual([]);
  });

  it("run no install script that package.json's allowScripts does not list", () => {
    const allowed = (name: string, version: string | undefined) =>
      Object.entries(pkg.allowScripts ?? {}).some(([spec, allow]) => {
        if (!allow) return false;
        const at = spec.lastIndexOf("@");
        if (at <= 0) return spec === name;
        return spec.slice(0, at) === name && spec.slice(at + 1).split("||").some((v) => v.trim() === version);
      });
    const uncovered = locked
      .filter(([path, entry]) => entry.hasInstallScript && !allowed(nameOf(path, entry), entry.version))
      .map(([path, entry]) => `${nameOf(path, entry)}@${entry.version}`);
    expect(uncovered).toEqual([]);
  });
});
