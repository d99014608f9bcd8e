import type { Server } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { BROWSER_TIMEOUT_MS, ensureWebBuilt, hasChromium, launchChromium, listen, overflowsSideways, screenshot, seriousViolations } from "../helpers/browser.js";
import { buildConsoleWorld, type ConsoleWorld } from "../helpers/console-world.js";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.js";

// The affiliate portal in headless Chromium: sign-in with a mailed link (through a real SMTP
// server) or a key; it shows what myAffiliate answers for the signed-in affiliate and nothing of
// another's; copy buttons and tracking links; the affiliate rotates its own key.

if (!hasChromium) console.warn("portal-browser.test.ts: skipped, /usr/bin/chromium is missing (bash .ci/run installs it)");

describe.skipIf(!hasChromium)("the affiliate portal in Chromium", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  let world: ConsoleWorld;

  async function signedInPage(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    expect((await context.request.post(`${baseUrl}/session`, { data: { key } })).status()).toBe(200);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/portal/`);
    await page.waitForSelector('[data-testid="referred"]', { timeout: BROWSER_TIMEOUT_MS });
    return { context, page };
  }

  beforeAll(async () => {
    ensureWebBuilt();
    smtp = await startTestSmtp();
    // Listening first, so the app's public URL (the magic link's) is this server's.
    let handler: (req: any, res: any) => void = (_req, res) => res.end();
    ({ server, baseUrl } = await listen((req, res) => handler(req, res)));
    t = await startTestApp({ email: { smtpUrl: smtp.url, publicUrl: baseUrl } });
    handler = t.app.handler;
    world = await buildConsoleWorld(t);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await t?.close();
    await smtp?.close();
  });

  it("signs in with the link mailed to the affiliate's contact, which works once", async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/portal/`);
    await page.waitForSelector("#email", { timeout: BROWSER_TIMEOUT_MS });
    expect(await seriousViolations(page), "portal sign-in").toEqual([]);
    await screenshot(page, "portal-sign-in");
    const jane = world.affiliates[0]!;
    await page.fill("#email", jane.contactEmail);
    await page.click("button:has-text('Email me a link')");
    await expect.poll(() => smtp.to(jane.contactEmail).length, { timeout: BROWSER_TIMEOUT_MS }).toBe(1);
    const link = /(http:\/\/\S+\/portal\/#magic=[\w-]+)/.exec(smtp.to(jane.contactEmail)[0]!.text ?? "")![1]!;
    await page.goto(link);
    await page.waitForSelector('[data-testid="referred"]', { timeout: BROWSER_TIMEOUT_MS });
    expect(new URL(page.url()).hash, "the token is taken out of the address bar").toBe("");
    const stored = await page.evaluate(`JSON.stringify([document.cookie, { ...localStorage }, { ...sessionStorage }])`);
    expect(stored).not.toContain(link.split("#magic=")[1]);

    const again = await browser!.newContext();
    const second = await again.newPage();
    await second.goto(link);
    await second.waitForSelector("#email", { timeout: BROWSER_TIMEOUT_MS });
    expect(await second.locator(".signin-card").textContent()).toContain("used or has expired");
    await again.close();
    await context.close();
  });

  it("shows the affiliate's own stats, referrals, ledger, balance and kit as myAffiliate answers them, and nothing of another affiliate's", async () => {
    const jane = world.affiliates[0]!;
    const omar = world.affiliates[1]!;
    const { context, page } = await signedInPage(jane.key);
    const res = await t.gql(`{ myAffiliate { stats { referredCustomers visits commissionsCents } maskedReferrals { customerLabel } commissions { amountCents } commissionBalance { approvedCents pendingCents }
      materialsKit { caseStudies { trackingLink } useCases { trackingLink } painPoints { trackingLink } } } }`, {}, jane.key);
    expect(res.errors).toBeUndefined();
    const me = res.data!.myAffiliate;
    const value = (id: string) => page.getAttribute(`[data-testid="${id}"]`, "data-value").then(Number);
    expect(await value("referred")).toBe(me.stats.referredCustomers);
    expect(await value("visits")).toBe(me.stats.visits);
    expect(await value("commissions")).toBe(me.stats.commissionsCents);
    expect(await value("balance-approved")).toBe(me.commissionBalance.approvedCents);
    expect(await value("balance-pending")).toBe(me.commissionBalance.pendingCents);
    expect(await page.locator('[data-testid="referral"]').allTextContents()).toHaveLength(me.maskedReferrals.length);
    expect(await page.locator('[data-testid="ledger-entry"]').count()).toBe(me.commissions.length);
    const links = me.materialsKit.flatMap((s: any) => [...s.caseStudies, ...s.useCases, ...s.painPoints].map((i: any) => i.trackingLink));
    expect(links.length, "precondition: a kit").toBeGreaterThan(0);
    const text = (await page.locator("main").textContent())!;
    for (const link of links) expect(text).toContain(link);
    // Referred customers are masked; Omar's and the admin's data are not there.
    const { customers } = (await t.admin(`{ customers(first: 100) { edges { node { name } } } }`)).data!;
    for (const { node } of customers.edges) expect(text).not.toContain(node.name);
    expect(text).not.toContain(omar.code);
    expect(text).not.toContain("Omar");
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "portal");

    await page.setViewportSize({ width: 390, height: 844 });
    // The page re-lays itself out after the resize (the chart follows its container through a
    // ResizeObserver, asynchronously): judge it once it has, not in the same instant.
    await expect.poll(() => overflowsSideways(page), { timeout: BROWSER_TIMEOUT_MS }).toBe(false);
    await screenshot(page, "portal-phone");
    await context.close();
  });

  it("copies a tracking link, and rotates the affiliate's own key: the old one is refused, the new one works", async () => {
    const omar = world.affiliates[1]!;
    const { context, page } = await signedInPage(omar.key);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
    const firstLink = await page.locator('[data-testid="kit-item"] code').first().textContent();
    await page.locator('[data-testid="kit-item"] button').first().click();
    await expect.poll(() => page.evaluate(`navigator.clipboard.readText()`)).toBe(firstLink);

    page.once("dialog", (dialog) => void dialog.accept());
    await page.click("button:has-text('Rotate my key')");
    const fresh = (await page.locator('[data-testid="new-key"]').textContent({ timeout: BROWSER_TIMEOUT_MS }))!;
    expect(fresh).toMatch(/^adv_aff_/);
    expect((await t.gql(`{ myAffiliate { code } }`, {}, omar.key)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(`{ myAffiliate { code } }`, {}, fresh)).data!.myAffiliate.code).toBe(omar.code);
    await context.close();
  });
});
