import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startServerProcess, type ServerProcess } from "../helpers/server-process.js";

// README's "First five minutes" as a newcomer follows it: `npm start` with nothing configured
// (embedded database in ./data, demo data), then the README's walkthrough blocks, run verbatim
// with bash in that directory. Only the port differs, through ADVOCATE_URL, which the blocks
// default to http://localhost:4000.

const run = promisify(execFile);
const README = readFileSync("README.md", "utf8");
/** The ```sh blocks whose first line is a "# walkthrough" comment, in order. */
const blocks = [...README.matchAll(/```sh\n(# walkthrough[^\n]*\n[\s\S]*?)```/g)].map((m) => m[1]!);

let dir: string;
let server: ServerProcess;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "advocate-readme-"));
  port = await freePort();
  server = startServerProcess({ PORT: String(port) }, dir);
  await server.listening(120_000);
}, 130_000);

afterAll(async () => {
  if (server) {
    server.child.kill("SIGTERM");
    await server.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

const SEPARATOR = "@@walkthrough-block@@";

/** The demo affiliate and niche the server printed at start-up (found in the demo data). */
function printedDemo(): { code: string; niche: string } {
  const demo = /\/demo\/landing\?affiliate=([a-z0-9_-]+)&niche=([a-z0-9_-]+)/.exec(server.output());
  expect(demo).not.toBeNull();
  return { code: demo![1]!, niche: demo![2]! };
}

describe("README walkthrough", () => {
  it("names the URLs to open and a demo affiliate and niche at start-up, the ones the README uses", () => {
    const out = server.output();
    const { code, niche } = printedDemo();
    expect(out).toContain(`http://localhost:${port}/graphql`);
    expect(out).toContain(`http://localhost:${port}/`);
    expect(out).toContain(`http://localhost:${port}/console/`);
    expect(out).toContain(`http://localhost:${port}/portal/`);
    expect(out).toContain(`Demo affiliate "${code}", niche "${niche}"`);
    expect(README).toContain(`/landing?affiliate=${code}&niche=${niche}`);
    expect(README).toContain(`affiliate(code: \\"${code}\\")`);
    // The generated admin key is kept with the embedded database, readable by its owner only.
    expect(statSync(join(dir, "data", "advocate-admin-key")).mode & 0o077).toBe(0);
  });

  it("GET / lists the entry points, as JSON for programs and HTML for browsers", async () => {
    const json = await fetch(`http://127.0.0.1:${port}/`);
    expect(json.status).toBe(200);
    const index = (await json.json()) as { links: { href: string }[]; demo: { affiliateCode: string; niche: string } };
    const hrefs = index.links.map((l) => l.href);
    const query = `?affiliate=${index.demo.affiliateCode}&niche=${index.demo.niche}`;
    expect(hrefs).toEqual(expect.arrayContaining(["/graphql", `/demo/landing${query}`, `/landing${query}`, "/healthz"]));
    const html = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(await html.text()).toContain(`href="/demo/landing${query.replace("&", "&amp;")}"`);
    // The console and the portal were built at install time and are served by this process.
    for (const app of ["/console/", "/portal/"]) {
      expect(hrefs).toContain(app);
      const page = await fetch(`http://127.0.0.1:${port}${app}`);
      expect(page.status, app).toBe(200);
      expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/web-assets\//);
    }
  });

  it("runs the three clients' blocks verbatim: the dashboard, the marketing site, an affiliate", async () => {
    const { code, niche } = printedDemo();
    expect(blocks).toHaveLength(3);
    const script = blocks.map((block) => `${block}\nprintf '\\n${SEPARATOR}\\n'\n`).join("");
    const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, ADVOCATE_URL: `http://127.0.0.1:${port}` },
      timeout: 60_000,
    });
    const outputs = stdout.split(`\n${SEPARATOR}\n`).slice(0, -1);
    expect(outputs).toHaveLength(3);
    // Each block ends with one JSON answer on its last line.
    const [dashboard, landing, affiliate] = outputs.map((o) => JSON.parse(o.trim().split("\n").at(-1)!));

    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data.customers.totalCount).toBeGreaterThanOrEqual(100);
    expect(dashboard.data.customers.edges).toHaveLength(3);

    expect(landing.matchedOn).toBe("AFFILIATE_AND_NICHE");
    expect(landing.affiliate.code).toBe(code);
    expect(landing.niche).toBe(niche);
    expect(landing.caseStudies.length + landing.useCases.length + landing.painPoints.length).toBeGreaterThan(0);

    expect(outputs[2]).toMatch(/^affiliate key: adv_aff_\S+$/m);
    expect(affiliate.errors).toBeUndefined();
    expect(affiliate.data.myAffiliate).toMatchObject({ code, name: expect.any(String) });
    expect(affiliate.data.myAffiliate.stats.referredCustomers).toBeGreaterThan(0);
    expect(affiliate.data.myAffiliate.maskedReferrals.length).toBeGreaterThan(0);
  }, 90_000);
});
