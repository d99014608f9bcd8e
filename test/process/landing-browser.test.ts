import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../helpers/app.js";
import { DAY_MS } from "../helpers/factories.js";

// page.evaluate functions run in the page; test/ has no DOM types, so its globals are declared here.
declare const window: unknown;

// Debian's chromium, installed by .ci/run; playwright's own browser downloads can't be used here.
const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`landing-browser.test.ts: skipped, ${CHROMIUM} is missing (bash .ci/run installs it)`);

const SCREENSHOT = fileURLToPath(new URL("../../test-output/landing-demo.png", import.meta.url));
const BROWSER_TIMEOUT_MS = 20_000;

describe.skipIf(!hasChromium)("example landing page in headless Chromium", () => {
  let t: TestApp;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let affiliateCode: string;
  let caseStudyTitles: string[];
  let useCaseTitle: string;
  let painPointTitle: string;

  async function admin(query: string, variables: Record<string, unknown>) {
    const res = await t.admin(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }

  async function healthyFintechCustomer(name: string, seatsUsed: number) {
    const { upsertCustomer } = await admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, {
      input: {
        externalId: unique("crm"),
        name,
        niche: "fintech",
        mrrCents: 50_000,
        status: "ACTIVE",
        signedUpAt: new Date(Date.now() - 700 * DAY_MS).toISOString(),
      },
    });
    const id: string = upsertCustomer.id;
    await admin(`mutation($id: ID!) { recordNpsResponse(customerId: $id, score: 10) { id } }`, { id });
    await admin(`mutation($id: ID!) { recordCsatResponse(customerId: $id, score: 5) { id } }`, { id });
    await admin(`mutation($id: ID!, $used: Int!) { recordUsage(input: {customerId: $id, activeUsers: $used, licensedSeats: 10}) { id } }`, {
      id,
      used: seatsUsed,
    });
    const { customer } = await admin(`query($id: ID!) { customer(id: $id) { status healthBand } }`, { id });
    expect(customer, "precondition: a customer whose story may be shown").toMatchObject({ status: "ACTIVE", healthBand: "GREEN" });
    return id;
  }

  async function createAsset(input: Record<string, unknown>) {
    const { createContentAsset } = await admin(`mutation($input: ContentAssetInput!) { createContentAsset(input: $input) { id title } }`, {
      input: { niches: ["fintech"], ...input },
    });
    return createContentAsset.title as string;
  }

  async function openLanding(page: Page, query: string) {
    await page.goto(`${baseUrl}/demo/landing?${query}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector('body:not([data-state="loading"])', { timeout: BROWSER_TIMEOUT_MS });
    return page.getAttribute("body", "data-state");
  }

  beforeAll(async () => {
    t = await startTestApp();
    const listening = createServer(t.app.handler);
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(0, "127.0.0.1", resolve);
    });
    server = listening;
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    affiliateCode = unique("jane").toLowerCase();
    await admin(`mutation($input: AffiliateInput!) { createAffiliate(input: $input) { id } }`, {
      input: { code: affiliateCode, name: "Jane Doe", commissionType: "PERCENT", commissionValue: 20 },
    });
    const acme = await healthyFintechCustomer("Acme Payments", 10);
    const globex = await healthyFintechCustomer("Globex Ledger", 9);
    caseStudyTitles = [
      // Markup in a title must reach the page as text, never as elements.
      await createAsset({ kind: "CASE_STUDY", title: "Acme cut fraud <em>by 40%</em>", body: "<img src=x>In six weeks.", customerId: acme, url: "https://example.com/acme" }),
      await createAsset({ kind: "CASE_STUDY", title: "Globex closes its books in a day", body: "From ten days to one.", customerId: globex }),
    ];
    useCaseTitle = await createAsset({ kind: "USE_CASE", title: "Automated reconciliation", body: "Match every payout to its invoice." });
    painPointTitle = await createAsset({ kind: "PAIN_POINT", title: "Month-end takes two weeks", body: "Spreadsheets everywhere." });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: BROWSER_TIMEOUT_MS,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await t?.close();
  });

  it("serves the page with a strict Content-Security-Policy", async () => {
    const res = await t.http.get("/demo/landing");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).not.toContain("unsafe");
  });

  it("renders the affiliate, the niche's case studies, use case and pain point, through the tracking snippet, which records the visit", async () => {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    const requests: string[] = [];
    page.on("request", (request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
    try {
      const state = await openLanding(page, `affiliate=${encodeURIComponent(affiliateCode)}&niche=Fintech`);
      expect(state).toBe("ready");
      // The page, its stylesheet and script, the snippet, and one request for the visit and the content.
      expect(requests.sort()).toEqual(["GET /advocate.js", "GET /demo/landing", "GET /demo/landing.css", "GET /demo/landing.js", "POST /visits"]);
      const { affiliate } = await admin(`query($c: String!) { affiliate(code: $c) { stats { visits } } }`, { c: affiliateCode });
      expect(affiliate.stats.visits).toBe(1);
      const visitorId = await page.evaluate(() => (window as unknown as { advocate: { visitorId: string } }).advocate.visitorId);
      expect(await page.getAttribute("#start-trial", "href")).toBe(`${baseUrl}/demo/checkout?plan=growth&client_reference_id=adv_${visitorId}`);

      const rendered = await page.locator("#customer-stories h3").allTextContents();
      console.log(`landing demo: case studies in page order: ${JSON.stringify(rendered)}`);
      expect(rendered).toHaveLength(2);
      expect(new Set(rendered)).toEqual(new Set(caseStudyTitles));
      expect(await page.locator("main em, main img").count(), "asset text rendered as markup").toBe(0);

      expect(await page.locator("#recommended-by").textContent()).toBe("Recommended by Jane Doe");
      expect(await page.locator("#use-cases h3").allTextContents()).toEqual([useCaseTitle]);
      expect(await page.locator("#pain-points h3").allTextContents()).toEqual([painPointTitle]);
      expect(await page.locator('#customer-stories a[href="https://example.com/acme"]').count()).toBe(1);
      expect(problems).toEqual([]);

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      console.log(`landing demo: screenshot at ${SCREENSHOT}`);
    } finally {
      await page.close();
    }
  });

  it("shows a generic message, not a broken page, when the snippet's request fails", async () => {
    const page = await browser!.newPage();
    try {
      await page.route((url) => url.pathname === "/visits", (route) => route.fulfill({ status: 500, contentType: "text/plain", body: "boom" }));
      const state = await openLanding(page, "niche=fintech");
      expect(state).toBe("error");
      expect(await page.locator("#status").textContent()).toMatch(/couldn't load/);
      expect(await page.locator("h3").count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
