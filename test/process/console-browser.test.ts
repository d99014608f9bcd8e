import type { Server } from "node:http";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, type TestApp } from "../helpers/app.js";
import { BROWSER_TIMEOUT_MS, ensureWebBuilt, hasChromium, launchChromium, listen, overflowsSideways, screenshot, seriousViolations } from "../helpers/browser.js";
import { buildConsoleWorld, type ConsoleWorld } from "../helpers/console-world.js";

// The console in headless Chromium against the real server: each page shows the numbers the
// GraphQL API returns for the same data, edits made there are visible through the API, sign-in
// and sign-out hold, each page loads with at most two GraphQL requests, axe-core finds no serious
// or critical violation, and a phone-width page does not scroll sideways.

if (!hasChromium) console.warn("console-browser.test.ts: skipped, /usr/bin/chromium is missing (bash .ci/run installs it)");

describe.skipIf(!hasChromium)("the console in Chromium", () => {
  let t: TestApp;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let baseUrl: string;
  let world: ConsoleWorld;
  const graphqlRequests: string[] = [];

  async function admin(query: string, variables: Record<string, unknown> = {}) {
    const res = await t.admin(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }

  /** Opens a console route and waits for `ready`; returns the GraphQL requests the page made. */
  async function open(route: string, ready: string): Promise<number> {
    // A load from scratch each time: a change of #fragment alone would not reload the page.
    await page.goto("about:blank");
    graphqlRequests.length = 0;
    await page.goto(`${baseUrl}/console/#/${route}`);
    await page.waitForSelector(ready, { timeout: BROWSER_TIMEOUT_MS }).catch(async (error: Error) => {
      throw new Error(`${error.message}; the page says: ${await page.locator("main").textContent()}`);
    });
    return graphqlRequests.length;
  }

  const valueOf = (testId: string) => page.getAttribute(`[data-testid="${testId}"]`, "data-value");

  async function checkPage(name: string) {
    expect(await seriousViolations(page), name).toEqual([]);
    await screenshot(page, `console-${name}`);
  }

  beforeAll(async () => {
    ensureWebBuilt();
    t = await startTestApp();
    world = await buildConsoleWorld(t);
    ({ server, baseUrl } = await listen(t.app.handler));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in as the sign-in form does it (its own test drives the form in a context of its own).
    const signedIn = await context.request.post(`${baseUrl}/session`, { data: { key: ADMIN_KEY } });
    expect(signedIn.status()).toBe(200);
    page = await context.newPage();
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/graphql") graphqlRequests.push(request.postData() ?? "");
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await t?.close();
  });

  it("signs in with the admin key, keeping it out of page storage and the cookie out of reach of scripts", async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    await page.goto(`${baseUrl}/console/`);
    await page.fill("#key", "not-the-key");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("[role=alert]").textContent()).toMatch(/unknown or revoked/);
    expect(await seriousViolations(page), "sign-in page").toEqual([]);
    await screenshot(page, "console-sign-in");
    await page.fill("#key", ADMIN_KEY);
    await page.click("button[type=submit]");
    await page.waitForSelector('[data-testid="mrr-at-risk"]', { timeout: BROWSER_TIMEOUT_MS });
    const stored = await page.evaluate(`JSON.stringify([document.cookie, { ...localStorage }, { ...sessionStorage }])`);
    expect(stored).not.toContain(ADMIN_KEY);
    expect(stored).not.toContain("advocate_session");
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "advocate_session", httpOnly: true, sameSite: "Strict" });
    await context.close();
  });

  it("overview: the bands, MRR at risk, top customers and model are the API's, in one request", async () => {
    const requests = await open("", '[data-testid="mrr-at-risk"]');
    expect(requests).toBe(1);
    const { customerOverview: o, topCustomers } = await admin(`{ customerOverview { customers mrrAtRiskCents bands { band customers } } topCustomers(limit: 10) { advocacyScore } }`);
    expect(Number(await valueOf("customers"))).toBe(o.customers);
    expect(Number(await valueOf("mrr-at-risk"))).toBe(o.mrrAtRiskCents);
    for (const band of o.bands) expect(Number(await valueOf(`band-${band.band}`)), band.band).toBe(band.customers);
    const shown = await page.$$eval('[data-testid="top-customer"]', (rows) => rows.map((r) => Number(r.getAttribute("data-value"))));
    expect(shown).toEqual(topCustomers.map((c: { advocacyScore: number }) => c.advocacyScore));
    await checkPage("overview");
  });

  it("customers: the totals, a filter by band and the churn-risk order are the API's; pages move by cursor", async () => {
    expect(await open("customers", '[data-testid="customers-total"]')).toBe(1);
    const all = await admin(`{ customers(first: 25) { totalCount edges { node { id } } } }`);
    expect(Number(await valueOf("customers-total"))).toBe(all.customers.totalCount);
    expect(await page.$$eval('[data-testid="customer-row"]', (rows) => rows.map((r) => r.getAttribute("data-id")))).toEqual(all.customers.edges.map((e: { node: { id: string } }) => e.node.id));

    await page.selectOption("select[name=healthBand]", "GREEN");
    await page.click("form[aria-label='Filter customers'] button[type=submit]");
    const green = await admin(`{ customers(filter: {healthBand: GREEN}) { totalCount } }`);
    await expect.poll(async () => Number(await valueOf("customers-total"))).toBe(green.customers.totalCount);
    expect(green.customers.totalCount).toBeLessThan(all.customers.totalCount);

    await page.selectOption("select[name=healthBand]", "");
    await page.click("form[aria-label='Filter customers'] button[type=submit]");
    await page.click("th button:has-text('Churn risk')");
    const byRisk = await admin(`{ customers(first: 25, orderBy: CHURN_RISK_DESC) { edges { node { id } } } }`);
    await expect
      .poll(() => page.$$eval('[data-testid="customer-row"]', (rows) => rows.map((r) => r.getAttribute("data-id"))))
      .toEqual(byRisk.customers.edges.map((e: { node: { id: string } }) => e.node.id));
    await checkPage("customers");
  });

  it("a customer: scores, breakdown, contact to approach are the API's; an NPS answer recorded here reaches the API", async () => {
    expect(await open(`customers/${world.starId}`, '[data-testid="health"]')).toBe(1);
    const { customer } = await admin(`query($id: ID!) { customer(id: $id) { healthScore churnRisk advocacyScore healthBreakdown { name score } contactToApproach { email } } }`, { id: world.starId });
    expect(Number(await valueOf("health"))).toBe(customer.healthScore);
    expect(Number(await valueOf("churn-risk"))).toBe(customer.churnRisk);
    expect(Number(await valueOf("advocacy"))).toBe(customer.advocacyScore);
    expect(await valueOf("contact")).toBe(customer.contactToApproach.email);
    expect(await page.$$eval('[data-testid="factor"]', (rows) => rows.map((r) => [r.getAttribute("data-name"), Number(r.getAttribute("data-value"))]))).toEqual(
      customer.healthBreakdown.map((f: { name: string; score: number }) => [f.name, f.score]),
    );
    // The timeline shows the CS history the API keeps (Customer.history), entry for entry.
    const { customer: withHistory } = await admin(`query($id: ID!) { customer(id: $id) { history(first: 30) { edges { node { kind summary } } } } }`, { id: world.starId });
    const shown = await page.$$eval('[data-testid="history-item"]', (items) => items.map((li) => [li.getAttribute("data-kind"), li.textContent ?? ""] as const));
    const historyShown = shown.filter(([kind]) => !["SIGNUP", "MILESTONE", "JOURNEY"].includes(kind ?? ""));
    expect(historyShown.map(([kind]) => kind)).toEqual(withHistory.history.edges.map((e: { node: { kind: string } }) => e.node.kind));
    historyShown.forEach(([, text], i) => expect(text).toContain(withHistory.history.edges[i].node.summary));
    expect(historyShown.length).toBeGreaterThan(1);
    await checkPage("customer");

    await page.fill("input[name=score]", "2");
    await page.click("form[aria-label='Record an NPS answer'] button");
    await expect.poll(() => page.locator("form[aria-label='Record an NPS answer'] [role=status]").textContent()).toContain("NPS 2 recorded");
    const after = await admin(`query($id: ID!) { customer(id: $id) { nps healthScore } }`, { id: world.starId });
    expect(after.customer.nps).toBe(2);
    await expect.poll(async () => Number(await valueOf("health"))).toBe(after.customer.healthScore);
  });

  it("affiliates: quality, referrals and revenue per affiliate are the API's; a payout recorded here reaches the ledger", async () => {
    expect(await open("affiliates", '[data-testid="affiliate-row"]')).toBe(1);
    const { affiliates } = await admin(`{ affiliates(first: 100) { edges { node { id stats { qualityScore referredCustomers revenueCents } } } } }`);
    const rows = await page.$$eval('[data-testid="affiliate-row"]', (els) => els.map((r) => ({ id: r.getAttribute("data-id"), q: Number(r.getAttribute("data-quality")), n: Number(r.getAttribute("data-referred")), rev: Number(r.getAttribute("data-revenue")) })));
    expect(rows).toEqual(affiliates.edges.map((e: any) => ({ id: e.node.id, q: e.node.stats.qualityScore, n: e.node.stats.referredCustomers, rev: e.node.stats.revenueCents })));
    expect(await page.locator('[data-testid="candidate"]').count()).toBeGreaterThan(0);
    await checkPage("affiliates");

    const code = world.affiliates[0]!.code;
    expect(await open(`affiliates/${code}`, '[data-testid="quality"]')).toBe(1);
    const { affiliate } = await admin(`query($c: String!) { affiliate(code: $c) { stats { qualityScore referredCustomers clicksToCustomer { visitors referred active } } commissionBalance { approvedCents } commissions { amountCents } } }`, { c: code });
    expect(Number(await valueOf("quality"))).toBe(affiliate.stats.qualityScore);
    expect(Number(await valueOf("referred"))).toBe(affiliate.stats.referredCustomers);
    const f = affiliate.stats.clicksToCustomer;
    expect(await valueOf("funnel")).toBe(`${f.visitors}/${f.referred}/${f.active}`);
    expect(await page.locator('[data-testid="ledger-entry"]').count()).toBe(affiliate.commissions.length);
    expect(Number(await valueOf("balance-approved"))).toBe(affiliate.commissionBalance.approvedCents);
    expect(affiliate.commissionBalance.approvedCents, "precondition: something to pay").toBeGreaterThan(100);
    await checkPage("affiliate");

    await page.fill("input[name=amount]", "1.00");
    await page.fill("input[name=reference]", "console-test");
    await page.click("form[aria-label='Record a payout'] button");
    await expect.poll(() => page.locator("form[aria-label='Record a payout'] [role=status]").textContent()).toContain("recorded");
    const paid = await admin(`query($c: String!) { affiliate(code: $c) { payouts { amountCents reference } commissionBalance { approvedCents } } }`, { c: code });
    expect(paid.affiliate.payouts).toEqual([{ amountCents: 100, reference: "console-test" }]);
    expect(paid.affiliate.commissionBalance.approvedCents).toBe(affiliate.commissionBalance.approvedCents - 100);

    // Suspended here, with a reason: the API says so; re-activated here, it is active again.
    await page.fill("form[aria-label='Suspend the affiliate'] input[name=reason]", "console test");
    await page.click("form[aria-label='Suspend the affiliate'] button");
    await expect.poll(async () => (await admin(`query($c: String!) { affiliate(code: $c) { status suspensionReason } }`, { c: code })).affiliate).toEqual({ status: "SUSPENDED", suspensionReason: "console test" });
    await expect.poll(() => valueOf("standing")).toBe("SUSPENDED");
    await page.click("form[aria-label='Re-activate the affiliate'] button");
    await expect.poll(async () => (await admin(`query($c: String!) { affiliate(code: $c) { status } }`, { c: code })).affiliate.status).toBe("ACTIVE");
    await expect.poll(() => valueOf("standing")).toBe("ACTIVE");
  });

  it("content, journeys and segments: the API's figures; a title edited and a segment saved here reach the API", async () => {
    expect(await open("content", '[data-testid="content-row"]')).toBe(1);
    const { contentPerformance, contentAssets } = await admin(`{ contentPerformance(limit: 100) { asset { id } impressions } contentAssets(includeArchived: true) { id } }`);
    const rows = await page.$$eval('[data-testid="content-row"]', (els) => els.map((r) => [r.getAttribute("data-id"), Number(r.getAttribute("data-impressions"))]));
    expect(rows.slice(0, contentPerformance.length)).toEqual(contentPerformance.map((c: any) => [c.asset.id, c.impressions]));
    expect(contentPerformance.length, "precondition: assets shown on a landing page").toBeGreaterThan(0);
    expect(rows.map(([id]) => id).sort()).toEqual(contentAssets.map((a: any) => a.id).sort());
    await checkPage("content");
    const assetId = world.assetIds[1]!;
    await page.click(`[data-id="${assetId}"] button:has-text("Edit")`);
    await page.fill(`#title-${assetId}`, "Reconciliation in one click");
    await page.click(`[data-id="${assetId}"] button:has-text("Save")`);
    await expect.poll(async () => (await admin(`{ contentAssets { id title } }`)).contentAssets.find((a: any) => a.id === assetId)?.title).toBe("Reconciliation in one click");

    expect(await open("journeys", '[data-testid="journey"]')).toBe(1);
    const { journey } = await admin(`query($id: ID!) { journey(id: $id) { counts { active } } }`, { id: world.journeyId });
    expect(Number(await page.getAttribute(`[data-testid="journey"][data-id="${world.journeyId}"]`, "data-active"))).toBe(journey.counts.active);
    await checkPage("journeys");

    expect(await open("segments", '[data-testid="segment"]')).toBe(1);
    const saved = await admin(`query($id: ID!) { customers(filter: {segmentId: $id}) { totalCount } }`, { id: world.segmentId });
    expect(Number(await page.getAttribute(`[data-testid="segment"][data-id="${world.segmentId}"]`, "data-value"))).toBe(saved.customers.totalCount);
    await page.fill("form[aria-label='New segment'] input[name=name]", "Health accounts");
    await page.fill("form[aria-label='New segment'] fieldset input", "health");
    const preview = await admin(`{ segmentPreview(rules: [{field: NICHE, op: EQ, values: ["health"]}]) }`);
    await expect.poll(async () => Number(await valueOf("live-count"))).toBe(preview.segmentPreview);
    await checkPage("segments");
    await page.click("form[aria-label='New segment'] button[type=submit]");
    await expect.poll(async () => (await admin(`{ segments { name customerCount } }`)).segments.find((s: any) => s.name === "Health accounts")?.customerCount).toBe(preview.segmentPreview);
  });

  it("is keyboard-navigable and fits a phone's width", async () => {
    await open("", '[data-testid="mrr-at-risk"]');
    await page.keyboard.press("Tab");
    expect(await page.evaluate(`document.activeElement.textContent`)).toBe("Skip to content");
    let steps = 0;
    while ((await page.evaluate(`document.activeElement.textContent`)) !== "Customers" && steps++ < 10) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[data-testid="customers-total"]', { timeout: BROWSER_TIMEOUT_MS });
    expect(new URL(page.url()).hash).toBe("#/customers");

    await page.setViewportSize({ width: 390, height: 844 });
    for (const [route, ready, name] of [["", '[data-testid="mrr-at-risk"]', "overview"], [`customers/${world.starId}`, '[data-testid="health"]', "customer"]] as const) {
      await open(route, ready);
      expect(await overflowsSideways(page), route).toBe(false);
      await screenshot(page, `console-${name}-phone`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it("refuses a request without the CSRF token from the signed-in page, and signs out for good", async () => {
    await open("", '[data-testid="mrr-at-risk"]');
    const status = await page.evaluate(`fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ customers { totalCount } }" }) }).then((r) => r.status)`);
    expect(status).toBe(403);
    await page.click("button:has-text('Sign out')");
    await page.waitForSelector("#key", { timeout: BROWSER_TIMEOUT_MS });
    expect(await context.cookies()).toEqual([]);
    await page.reload();
    await page.waitForSelector("#key", { timeout: BROWSER_TIMEOUT_MS });
  });
});
