import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureWebBuilt } from "../helpers/browser.js";

// The console's and the portal's first load, measured on the built files as the server sends
// them (gzipped): at most 300 kB of JavaScript and CSS (issue 16), and nothing from another origin.

const DIST = fileURLToPath(new URL("../../dist/web/", import.meta.url));
const BUDGET_BYTES = 300_000;

/** What index.html makes the browser fetch at once: scripts, module preloads and stylesheets. */
function firstLoad(app: string): string[] {
  const html = readFileSync(`${DIST}${app}/index.html`, "utf8");
  return [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
}

beforeAll(() => ensureWebBuilt());

describe.each(["console", "portal"])("the %s's first load", (app) => {
  it("fetches only this server's files", () => {
    const urls = firstLoad(app);
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url, url).toMatch(/^\/web-assets\/[\w.-]+\.(js|css)$/);
  });

  it(`is at most ${BUDGET_BYTES / 1000} kB of JavaScript and CSS gzipped`, () => {
    const sizes = firstLoad(app).map((url) => gzipSync(readFileSync(`${DIST}${url.slice(1)}`), { level: 9 }).length);
    const total = sizes.reduce((a, b) => a + b, 0);
    console.log(`${app}: first load ${(total / 1000).toFixed(1)} kB gzipped in ${sizes.length} files`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
