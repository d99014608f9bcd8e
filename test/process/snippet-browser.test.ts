import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../helpers/app.js";
import { createAffiliate, createAsset } from "../helpers/factories.js";

// page.evaluate functions run in the page; test/ has no DOM types, so its globals are declared here.
declare const window: any;
declare const document: any;
type HTMLAnchorElement = { href: string };

// The tracking snippet (/advocate.js) in headless Chromium, on a marketing site of its own
// origin: www.shop.example.test and shop.example.test (both mapped to 127.0.0.1), the API on
// 127.0.0.1. Each behaviour of README "Tracking snippet" is checked here.

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`snippet-browser.test.ts: skipped, ${CHROMIUM} is missing (bash .ci/run installs it)`);

const SCREENSHOT = fileURLToPath(new URL("../../test-output/snippet-slots.png", import.meta.url));
const TIMEOUT_MS = 20_000;
const WINDOW_DAYS = 3;
const DAY_S = 86_400;
/** The install tag's queue stub, verbatim as README gives it. */
const STUB = "window.advocate=window.advocate||function(){(advocate.q=advocate.q||[]).push(arguments)}";

interface Seen {
  visitorId: string;
  affiliate: string | null;
  page: Record<string, any> | null;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(!hasChromium)("tracking snippet in headless Chromium", () => {
  let t: TestApp;
  let api: Server;
  let shop: Server;
  let browser: Browser;
  let apiUrl: string;
  let shopPort: number;
  /** Requests the API received, "METHOD /path", in order. */
  const apiRequests: string[] = [];
  /** The marketing site's pages by path; each request's query string is the page's own. */
  const pages = new Map<string, string>();
  let code: string;
  let other: string;

  const www = (path: string) => `http://www.shop.example.test:${shopPort}${path}`;
  const bare = (path: string) => `http://shop.example.test:${shopPort}${path}`;

  /** A marketing page with the install tag: the stub, then the async script with `attributes`. */
  function page(path: string, { attributes = "", head = "", body = "" } = {}) {
    pages.set(
      path,
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title>
<script>${STUB}</script>${head}
<script async src="${apiUrl}/advocate.js" ${attributes}></script></head><body>${body}</body></html>`,
    );
  }

  async function open(context: BrowserContext, url: string): Promise<{ tab: Page; seen: Seen }> {
    const tab = await context.newPage();
    await tab.goto(url, { waitUntil: "domcontentloaded" });
    return { tab, seen: await ready(tab) };
  }

  /** What window.advocate says once ready(cb) is called back. */
  function ready(tab: Page): Promise<Seen> {
    return tab.evaluate(
      () =>
        new Promise<Seen>((resolve) =>
          (window as any).advocate("ready", (a: Seen) => resolve({ visitorId: a.visitorId, affiliate: a.affiliate, page: a.page })),
        ),
    );
  }

  async function visit(context: BrowserContext, url: string): Promise<Seen> {
    const { tab, seen } = await open(context, url);
    await tab.close();
    return seen;
  }

  async function advocateCookie(context: BrowserContext) {
    return (await context.cookies()).find((c) => c.name === "_advocate");
  }

  const withContext = async <T,>(fn: (context: BrowserContext) => Promise<T>): Promise<T> => {
    const context = await browser.newContext();
    try {
      return await fn(context);
    } finally {
      await context.close();
    }
  };

  async function admin(query: string, variables: Record<string, unknown> = {}) {
    const res = await t.admin(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }
  const visitsOf = async (affiliate: string) => (await admin(`query($c: String!) { affiliate(code: $c) { stats { visits } } }`, { c: affiliate })).affiliate.stats.visits;

  beforeAll(async () => {
    const shopListening = await listen((req, res) => {
      const html = pages.get(new URL(req.url ?? "/", "http://x").pathname);
      res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      res.end(html ?? "not found");
    });
    shop = shopListening.server;
    shopPort = shopListening.port;
    // The shop's two hosts may call the public API; other.example.test may not.
    t = await startTestApp({
      publicCorsOrigins: [www(""), bare("")],
      attributionWindowDays: WINDOW_DAYS,
      visitRateLimit: { perMinute: 0 },
      program: { siteUrl: www("/plain") },
    });
    const apiListening = await listen((req, res) => {
      apiRequests.push(`${req.method} ${new URL(req.url ?? "/", "http://x").pathname}`);
      t.app.handler(req, res);
    });
    api = apiListening.server;
    apiUrl = `http://127.0.0.1:${apiListening.port}`;

    code = (await createAffiliate(t, { name: "Jane Partner" })).code;
    other = (await createAffiliate(t, { name: "Other Partner" })).code;
    page("/plain");
    page("/partner", { attributes: 'data-params="partner"' });
    page("/first-touch", { attributes: 'data-attribution="first-touch"' });
    page("/cookie-domain", { attributes: 'data-cookie-domain="shop.example.test"' });
    page("/niche", { attributes: 'data-niche="Logistics"' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: TIMEOUT_MS,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-features=HttpsUpgrades",
        "--host-resolver-rules=MAP *.example.test 127.0.0.1",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of [api, shop]) if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await t?.close();
  });

  it("reads the affiliate from via, ref, fpr or aff, or the names data-params gives", async () => {
    for (const name of ["via", "ref", "fpr", "aff"]) {
      const seen = await withContext((context) => visit(context, www(`/plain?${name}=${code.toUpperCase()}`)));
      expect(seen.affiliate, name).toBe(code);
    }
    await withContext(async (context) => {
      expect((await visit(context, www(`/partner?via=${code}`))).affiliate).toBeNull();
      expect((await visit(context, www(`/partner?partner=${code}`))).affiliate).toBe(code);
    });
  });

  it("ignores malformed codes, and keeps looking in the other parameters", async () => {
    for (const query of ["via=x", "via=bad%20code!", `via=${"a".repeat(65)}`, "via="]) {
      await withContext(async (context) => {
        const seen = await visit(context, www(`/plain?${query}`));
        expect(seen.affiliate, query).toBeNull();
        expect((await advocateCookie(context))?.value).toBe(`${seen.visitorId}.`);
      });
    }
    expect((await withContext((context) => visit(context, www(`/plain?via=bad!&ref=${code}`)))).affiliate).toBe(code);
  });

  it("keeps a url-safe random visitor id and the affiliate in a SameSite=Lax cookie on the registrable domain, for ATTRIBUTION_WINDOW_DAYS", async () => {
    await withContext(async (context) => {
      const before = Date.now() / 1000;
      const first = await visit(context, www(`/plain?via=${code}`));
      expect(first.visitorId).toMatch(/^[A-Za-z0-9_-]{20,128}$/);
      const cookie = (await advocateCookie(context))!;
      expect(cookie).toMatchObject({ value: `${first.visitorId}.${code}`, domain: ".example.test", path: "/", sameSite: "Lax", httpOnly: false, secure: false });
      expect(cookie.expires).toBeGreaterThanOrEqual(before + WINDOW_DAYS * DAY_S - 5);
      expect(cookie.expires).toBeLessThanOrEqual(Date.now() / 1000 + WINDOW_DAYS * DAY_S + 5);
      expect((await context.cookies()).map((c) => c.name)).toEqual(["_advocate"]);
      // The other host of the same site shares it: same visitor, same affiliate, without ?via=.
      expect(await visit(context, bare("/plain"))).toMatchObject({ visitorId: first.visitorId, affiliate: code });
    });
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) ids.add((await withContext((context) => visit(context, www("/plain")))).visitorId);
    expect(ids.size).toBe(3);
  });

  it("puts the cookie on data-cookie-domain when the page names one", async () => {
    await withContext(async (context) => {
      await visit(context, www(`/cookie-domain?via=${code}`));
      expect((await advocateCookie(context))!.domain).toBe(".shop.example.test");
    });
  });

  it("last-touch (the default) takes a new affiliate; first-touch keeps the unexpired cookie's; an expired cookie starts anew", async () => {
    await withContext(async (context) => {
      const first = await visit(context, www(`/plain?via=${code}`));
      const second = await visit(context, www(`/plain?via=${other}`));
      expect(second).toMatchObject({ visitorId: first.visitorId, affiliate: other });
      expect((await advocateCookie(context))!.value).toBe(`${first.visitorId}.${other}`);
    });
    await withContext(async (context) => {
      const first = await visit(context, www(`/first-touch?via=${code}`));
      expect(await visit(context, www(`/first-touch?via=${other}`))).toMatchObject({ visitorId: first.visitorId, affiliate: code });
      expect((await advocateCookie(context))!.value).toBe(`${first.visitorId}.${code}`);
      // The window is over: the browser has dropped the cookie, so the next touch attributes anew.
      await context.clearCookies();
      const after = await visit(context, www(`/first-touch?via=${other}`));
      expect(after.affiliate).toBe(other);
      expect(after.visitorId).not.toBe(first.visitorId);
      // The same with a cookie whose expiry has passed (set as the browser would keep it).
      await context.addCookies([{ name: "_advocate", value: `${after.visitorId}.${other}`, domain: ".example.test", path: "/", expires: Date.now() / 1000 - 60 }]);
      expect((await visit(context, www(`/first-touch?via=${code}`))).affiliate).toBe(code);
    });
  });

  it("records the visit once per page view, with the niche and the content id of a materials-kit link", async () => {
    const { id: affiliateId, code: affiliate } = await createAffiliate(t);
    const key: string = (await admin(`mutation($id: ID!) { createAffiliateApiKey(affiliateId: $id) }`, { id: affiliateId })).createAffiliateApiKey;
    const asset = await createAsset(t, { kind: "USE_CASE", title: "Made for this partner", affiliateCode: affiliate });
    // The link the affiliate shares, as its materials kit gives it (MARKETING_SITE_URL is the shop's page).
    const kit = await t.gql(`{ myAffiliate { materialsKit { useCases { id trackingLink } } } }`, {}, key);
    expect(kit.errors, JSON.stringify(kit.errors)).toBeUndefined();
    const link = kit.data!.myAffiliate.materialsKit[0].useCases.find((u: any) => u.id === asset).trackingLink as string;
    expect(link.startsWith(www("/plain?"))).toBe(true);
    const sent: unknown[] = [];
    await withContext(async (context) => {
      context.on("request", (request) => {
        if (request.url().startsWith(`${apiUrl}/visits`)) sent.push(JSON.parse(request.postData() ?? "null"));
      });
      await visit(context, link);
      await visit(context, www("/plain?niche=Fintech"));
      await visit(context, www("/niche"));
    });
    expect(sent).toHaveLength(3);
    expect(sent[0]).toMatchObject({ affiliate, content: asset });
    expect(sent[1]).toMatchObject({ affiliate, niche: "Fintech" });
    expect(sent[1]).not.toHaveProperty("content");
    expect(sent[2]).toMatchObject({ affiliate, niche: "Logistics" });
    // One visitor, one day: one visit, and the asset that brought it is credited with it.
    expect(await visitsOf(affiliate)).toBe(1);
    const { contentPerformance } = await admin(`{ contentPerformance(limit: 500) { asset { id } visits } }`);
    expect(contentPerformance.find((r: any) => r.asset.id === asset)).toEqual({ asset: { id: asset }, visits: 1 });
  });

  it("exposes window.advocate, calls ready() back, and replays what the stub queued before it loaded", async () => {
    page("/queue", {
      head: `<script>window.calls=[];advocate('ready',function(a){calls.push(['queued',a.visitorId,a.affiliate])});</script>`,
    });
    await withContext(async (context) => {
      const { tab, seen } = await open(context, www(`/queue?via=${code}`));
      const state = await tab.evaluate(() => {
        const a = (window as any).advocate;
        const calls = (window as any).calls as unknown[];
        let late: unknown = null;
        a.ready((b: Seen) => (late = b.affiliate));
        return { calls, late, fields: { visitorId: a.visitorId, affiliate: a.affiliate, ready: typeof a.ready } };
      });
      expect(state.fields).toEqual({ visitorId: seen.visitorId, affiliate: code, ready: "function" });
      expect(state.calls).toEqual([["queued", seen.visitorId, code]]);
      expect(state.late).toBe(code);
      await tab.close();
    });
  });

  it("adds client_reference_id=adv_<visitor> to Stripe and data-advocate-checkout links, also added later, and fills signup inputs", async () => {
    page("/checkout-links", {
      body: `<a id="payment-link" href="https://buy.stripe.com/test_28o8zz">Buy</a>
<a id="checkout" href="https://checkout.stripe.com/c/pay/cs_test_a1">Pay</a>
<a id="own" data-advocate-checkout href="/demo/checkout?plan=growth">Start trial</a>
<a id="unrelated" href="https://example.com/pricing">Pricing</a>
<a id="site-reference" href="https://buy.stripe.com/test_x?client_reference_id=order-7">Order</a>
<form><input id="visitor" type="hidden" name="visitor" data-advocate-visitor><input id="email" name="email"></form>`,
    });
    await withContext(async (context) => {
      const { tab, seen } = await open(context, www(`/checkout-links?via=${code}`));
      const reference = `adv_${seen.visitorId}`;
      expect(reference.length).toBeLessThanOrEqual(200);
      const href = (id: string) => tab.$eval(`#${id}`, (a) => (a as HTMLAnchorElement).href);
      expect(new URL(await href("payment-link")).searchParams.get("client_reference_id")).toBe(reference);
      expect(new URL(await href("checkout")).searchParams.get("client_reference_id")).toBe(reference);
      expect(await href("own")).toBe(www(`/demo/checkout?plan=growth&client_reference_id=${reference}`));
      expect(await href("unrelated")).toBe("https://example.com/pricing");
      expect(await href("site-reference")).toBe("https://buy.stripe.com/test_x?client_reference_id=order-7");
      expect(await tab.inputValue("#visitor")).toBe(seen.visitorId);
      expect(await tab.inputValue("#email")).toBe("");

      await tab.evaluate(() => {
        const late = document.createElement("div");
        late.innerHTML = '<a id="late" href="https://buy.stripe.com/test_late">Later</a><input id="late-visitor" data-advocate-visitor>';
        document.body.append(late);
      });
      await tab.waitForFunction(() => (document.getElementById("late") as HTMLAnchorElement).href.includes("client_reference_id="), null, { timeout: TIMEOUT_MS });
      expect(new URL(await href("late")).searchParams.get("client_reference_id")).toBe(reference);
      expect(await tab.inputValue("#late-visitor")).toBe(seen.visitorId);
      await tab.close();
    });
  });

  it("renders landing content into the slots as text, with one request to the API besides the cached script", async () => {
    const niche = unique("slots").toLowerCase();
    const xss = `<img src=x onerror="window.hacked=1">Acme's story`;
    await createAsset(t, { kind: "USE_CASE", title: xss, body: "<b>bold?</b>", niches: [niche] });
    await createAsset(t, { kind: "PAIN_POINT", title: "Month-end takes two weeks", niches: [niche], url: "https://example.com/pain" });
    page("/slots", {
      body: `<h2>Use cases</h2><div id="use" data-advocate-slot="use-cases"></div>
<h2>Pain points</h2><div id="pain" data-advocate-slot="pain-points"></div><div id="cases" data-advocate-slot="case-studies"></div>`,
    });
    const url = www(`/slots?via=${code}&niche=${niche}`);
    await withContext(async (context) => {
      const seenByPage: string[] = [];
      context.on("request", (request) => {
        if (request.url().startsWith(apiUrl)) seenByPage.push(`${request.method()} ${new URL(request.url()).pathname}`);
      });
      apiRequests.length = 0;
      const { tab, seen } = await open(context, url);
      expect(seen.page).toMatchObject({ affiliate: { code, name: "Jane Partner" } });
      expect(await tab.locator("#use h3").allTextContents()).toEqual([xss]);
      expect(await tab.locator("#use p").allTextContents()).toEqual(["<b>bold?</b>"]);
      expect(await tab.locator("#use a").count(), "no URL, no link").toBe(0);
      expect(await tab.locator("#pain h3").allTextContents()).toEqual(["Month-end takes two weeks"]);
      expect(await tab.locator('#pain a[href="https://example.com/pain"]').count()).toBe(1);
      expect(await tab.locator("[data-advocate-slot] img, [data-advocate-slot] b").count()).toBe(0);
      expect(await tab.evaluate(() => (window as any).hacked)).toBeUndefined();
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await tab.screenshot({ path: SCREENSHOT, fullPage: true });
      console.log(`snippet: screenshot at ${SCREENSHOT}`);
      // The script and the visit (which brought the slots' content): no preflight, nothing else.
      expect(apiRequests).toEqual(["GET /advocate.js", "POST /visits"]);
      expect(seenByPage).toEqual(["GET /advocate.js", "POST /visits"]);
      await tab.close();

      // A second view: the script is fresh in the browser's cache (max-age=300), so only the visit reaches the API.
      apiRequests.length = 0;
      const again = await open(context, url);
      expect(again.seen.visitorId).toBe(seen.visitorId);
      expect(await again.tab.locator("#pain h3").allTextContents()).toEqual(["Month-end takes two weeks"]);
      expect(apiRequests).toEqual(["POST /visits"]);
      await again.tab.close();
    });
  });

  it("lets a page on an allowed origin call the public API, and no page read an admin's answer", async () => {
    await withContext(async (context) => {
      const { tab } = await open(context, www("/plain"));
      const results = await tab.evaluate(
        async ({ apiUrl, key, code }) => {
          const call = async (path: string, init: RequestInit) => {
            try {
              const res = await fetch(apiUrl + path, init);
              return { status: res.status, body: await res.json() };
            } catch (error) {
              return { failed: String(error) };
            }
          };
          const json = { "content-type": "application/json" };
          const landing = JSON.stringify({ query: `query($c: String) { landingPage(affiliateCode: $c) { affiliate { code } } }`, variables: { c: code } });
          const withApollo = JSON.stringify({ query: `query($c: String) { landingPage(affiliateCode: $c) { affiliate { code } } __typename }`, variables: { c: code } });
          const track = JSON.stringify({ query: `mutation($c: String!) { trackReferralVisit(affiliateCode: $c, visitorId: "from-the-browser") }`, variables: { c: code } });
          const customers = JSON.stringify({ query: `{ customers(first: 1) { totalCount } }` });
          return {
            landingGet: await call(`/landing?affiliate=${code}`, {}),
            landingPage: await call("/graphql", { method: "POST", headers: json, body: landing }),
            landingPageApollo: await call("/graphql", { method: "POST", headers: json, body: withApollo }),
            trackReferralVisit: await call("/graphql", { method: "POST", headers: json, body: track }),
            adminWithKey: await call("/graphql", { method: "POST", headers: { ...json, authorization: `Bearer ${key}` }, body: customers }),
            adminWithoutKey: await call("/graphql", { method: "POST", headers: json, body: customers }),
            credentialed: await call("/graphql", { method: "POST", headers: json, body: landing, credentials: "include" }),
          };
        },
        { apiUrl, key: ADMIN_KEY, code },
      );
      expect(results.landingGet).toMatchObject({ status: 200, body: { affiliate: { code } } });
      expect(results.landingPage).toMatchObject({ status: 200, body: { data: { landingPage: { affiliate: { code } } } } });
      expect(results.landingPageApollo).toMatchObject({ status: 200, body: { data: { landingPage: { affiliate: { code } } } } });
      expect(results.trackReferralVisit).toMatchObject({ status: 200, body: { data: { trackReferralVisit: true } } });
      expect(results.adminWithKey).toEqual({ failed: expect.stringMatching(/Failed to fetch/) });
      expect(results.adminWithoutKey).toEqual({ failed: expect.stringMatching(/Failed to fetch/) });
      expect(results.credentialed).toEqual({ failed: expect.stringMatching(/Failed to fetch/) });
      await tab.close();
    });
    // A site that is not in PUBLIC_CORS_ORIGINS cannot read even the public answers.
    page("/elsewhere");
    await withContext(async (context) => {
      const tab = await context.newPage();
      await tab.goto(`http://other.example.test:${shopPort}/elsewhere`);
      const result = await tab.evaluate(async (apiUrl) => {
        try {
          return (await fetch(`${apiUrl}/landing`)).status;
        } catch (error) {
          return String(error);
        }
      }, apiUrl);
      expect(result).toMatch(/Failed to fetch/);
      await tab.close();
    });
  });
});
