import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startTestApp, unique, type TestApp } from "../helpers/app.js";
import { CHROMIUM, hasChromium, launchChromium, listenLocally, type Listening } from "../helpers/browser.js";

if (!hasChromium) console.warn(`graphiql-browser.test.ts: skipped, ${CHROMIUM} is missing (bash .ci/run installs it)`);

// The first GET /graphql bundles GraphiQL with Monaco (seconds on a busy 2-vCPU machine).
const LOAD_TIMEOUT_MS = 90_000;

describe.skipIf(!hasChromium)("GraphiQL at GET /graphql, offline, in headless Chromium", () => {
  let t: TestApp;
  let server: Listening | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    server = await listenLocally(t.app.handler);
    baseUrl = server.baseUrl;
    browser = await launchChromium();
  }, LOAD_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await t?.close();
  });

  /** What a Monaco editor inside `scope` shows (its rendered lines, non-breaking spaces as spaces). */
  const editorText = (page: Page, scope: string) =>
    page.locator(`${scope} .view-lines`).first().innerText().then((text) => text.replace(/\u00a0/g, " "));

  /** Replaces the content of the Monaco editor inside `scope`, as a paste would. */
  async function replaceEditorText(page: Page, scope: string, text: string) {
    await page.locator(`${scope} .view-lines`).first().click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
  }

  it("loads with nothing from outside the server, starts the headers with a Bearer placeholder, and runs an admin query", async () => {
    const name = unique("Initech");
    const { data } = await t.admin(`mutation($input: CustomerInput!) { upsertCustomer(input: $input) { id } }`, {
      input: { externalId: unique("crm"), name, niche: "fintech", mrrCents: 10_000, status: "ACTIVE", signedUpAt: new Date().toISOString() },
    });
    const customerId: string = data!.upsertCustomer.id;

    const context = await browser!.newContext({ viewport: { width: 1400, height: 900 } });
    // No network beyond the server: any other host (a CDN) is refused, and noted.
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${baseUrl}/`) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
      outside.push(url);
      return route.abort("internetdisconnected");
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // An error status from /graphql is an answer the result pane shows (asserted below), not a broken page.
      if (message.type() === "error" && !(message.location().url.startsWith(`${baseUrl}/graphql`) && /^Failed to load resource: .* status of 4\d\d/.test(message.text()))) problems.push(`console: ${message.text()}`);
    });
    try {
      const res = await page.goto(`${baseUrl}/graphql`, { timeout: LOAD_TIMEOUT_MS });
      expect(res!.headers()["content-security-policy"]).toContain("script-src 'self'");
      await page.waitForSelector("section.result-window .monaco-editor", { timeout: LOAD_TIMEOUT_MS });

      const headersEditor = ".graphiql-editor-tool .graphiql-editor:not(.hidden)";
      expect(await page.locator('.graphiql-editor-tool[aria-label="Headers"]').isVisible()).toBe(true);
      expect(await editorText(page, headersEditor)).toMatch(/"Authorization": "Bearer /);

      await replaceEditorText(page, headersEditor, JSON.stringify({ Authorization: `Bearer ${ADMIN_KEY}` }));
      await replaceEditorText(page, "section.graphiql-query-editor", `query { customer(id: "${customerId}") { name mrrCents } }`);
      // GraphiQL takes the edited headers and query after a debounce: on a busy machine the first
      // click can run before it; a user would press run again, and so does this test.
      const answered = (timeout: number) =>
        page
          .waitForFunction((expected) => (globalThis as any).document.querySelector("section.result-window .view-lines")?.textContent?.includes(expected), name, { timeout })
          .then(() => true, () => false);
      let shown = false;
      for (let attempt = 0; attempt < 6 && !shown; attempt++) {
        await page.click("button.graphiql-execute-button");
        shown = await answered(5_000);
      }
      expect(shown, "the query's answer in the result pane").toBe(true);
      const result = JSON.parse(await editorText(page, "section.result-window"));
      expect(result).toEqual({ data: { customer: { name, mrrCents: 10_000 } } });
      expect(outside, "requests to hosts other than the server").toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 3 * LOAD_TIMEOUT_MS);

  it("serves the IDE's files at immutable versioned URLs, gzipped, with 304 on a repeat", async () => {
    const html = await t.http.get("/graphql").set("accept", "text/html");
    expect(html.status).toBe(200);
    const script = /src="(\/graphql\/ide\/graphiql\.js\?v=[\w-]+)"/.exec(html.text)?.[1];
    expect(script).toBeDefined();
    const first = await t.http.get(script!).set("accept-encoding", "gzip");
    expect(first.status).toBe(200);
    expect(first.headers["content-encoding"]).toBe("gzip");
    expect(first.headers["cache-control"]).toContain("immutable");
    const again = await t.http.get(script!).set("accept-encoding", "gzip").set("if-none-match", first.headers.etag!);
    expect(again.status).toBe(304);
    expect((await t.http.get("/graphql/ide/nothing.js")).status).toBe(404);
  }, LOAD_TIMEOUT_MS);
});
