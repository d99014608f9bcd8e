import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

// What the browser tests share: Debian's Chromium (playwright's own downloads can't be used
// here), and the app listening on a free local port for it.

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** A headless Chromium with nothing of its own running in the background. */
export function launchChromium(timeoutMs = 20_000): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: timeoutMs,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

export interface Listening {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

/** `handler` served on 127.0.0.1 at a free port. */
export async function listenLocally(handler: RequestListener): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The console's and portal's tests: listenLocally by a shorter name. */
export const listen = listenLocally;

export const BROWSER_TIMEOUT_MS = 20_000;
/** Screenshots of the console and the portal: test artifacts (gitignored); src/web/screenshots/ keeps a few for the README. */
export const ARTIFACTS = fileURLToPath(new URL("../../test-output/console/", import.meta.url));

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** npm install builds the console (postinstall); a checkout whose build is missing builds it here once. */
export function ensureWebBuilt(): void {
  if (existsSync(`${ROOT}dist/web/console/index.html`)) return;
  execFileSync("npm", ["run", "build:web"], { cwd: ROOT, stdio: "inherit" });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules, best practices). */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (no inline scripts) stays in force.
  if (!(await page.evaluate(`typeof axe !== "undefined"`))) await page.evaluate(axeSource);
  const violations = (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The page scrolls sideways (content wider than the viewport): not responsive at this width. */
export const overflowsSideways = (page: Page) => page.evaluate(`document.documentElement.scrollWidth > window.innerWidth + 1`) as Promise<boolean>;
