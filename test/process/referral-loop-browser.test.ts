import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, unique, type TestApp } from "../helpers/app.js";
import { ManualClock } from "../helpers/smtp.js";
import { signatureFor } from "../helpers/stripe-fixtures.js";
import { demoRefundEvent } from "../../src/stripe/demo-events.js";

// Issue 14's loop, end to end, in a real browser: the demo marketing page opened with
// ?via=<code>&niche=<niche>, the tracking snippet records the visit, "Start trial" goes to the
// demo checkout, which sends Stripe-shaped, correctly signed customer.created,
// checkout.session.completed, customer.subscription.created and invoice.paid events to
// /webhooks/stripe as Stripe would; the affiliate's stats then show the referral and the
// invoice's revenue, the closed period a PENDING commission of the plan's share, and Stripe's
// charge.refunded voids it.

declare const window: { advocate?: { visitorId?: string; affiliate?: string | null } };

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`referral-loop-browser.test.ts: skipped, ${CHROMIUM} is missing (bash .ci/run installs it)`);

const SECRET = "whsec_referral_loop";
const PERIOD_MS = 30.4375 * 86_400_000;
const SCREENSHOT = fileURLToPath(new URL("../../test-output/referral-loop-checkout.png", import.meta.url));
const TIMEOUT_MS = 20_000;

describe.skipIf(!hasChromium)("the referral loop in Chromium: visit, signup, payment, commission, refund", () => {
  const clock = new ManualClock();
  let t: TestApp;
  let server: Server | undefined;
  let browser: Browser | undefined;
  let baseUrl: string;
  const code = unique("loop").toLowerCase();

  async function admin(query: string, variables: Record<string, unknown> = {}) {
    const res = await t.admin(query, variables);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }
  const affiliate = async () =>
    (
      await admin(
        `query($c: String!) { affiliate(code: $c) { stats { visits referredCustomers revenueCents }
           referrals { edges { node { visitorId customer { id plan mrrCents } } } }
           commissions { kind status revenueCents amountCents voidReason } } }`,
        { c: code },
      )
    ).affiliate;

  beforeAll(async () => {
    t = await startTestApp({ stripe: { webhookSecrets: [SECRET] } }, { clock });
    await admin(`mutation($i: AffiliateInput!) { createAffiliate(input: $i) { id } }`, { i: { code, name: "Loop Partner", commissionType: "PERCENT", commissionValue: 20 } });
    const listening = createServer(t.app.handler);
    await new Promise<void>((resolve, reject) => {
      listening.once("error", reject);
      listening.listen(0, "127.0.0.1", resolve);
    });
    server = listening;
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, timeout: TIMEOUT_MS, args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });
  });

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await t?.close();
  });

  it("closes the loop", async () => {
    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    try {
      // 1. The visit: the snippet reads ?via= and records it, with the niche.
      await page.goto(`${baseUrl}/demo/landing?via=${encodeURIComponent(code)}&niche=fintech`, { waitUntil: "domcontentloaded" });
      await page.waitForFunction(() => Boolean(window.advocate?.visitorId), undefined, { timeout: TIMEOUT_MS });
      const visitorId = await page.evaluate(() => window.advocate!.visitorId!);
      await expect.poll(async () => (await affiliate()).stats.visits, { timeout: TIMEOUT_MS }).toBe(1);

      // 2. The signup and the payment: "Start trial" carries client_reference_id=adv_<visitor>.
      const href = await page.getAttribute("#start-trial", "href");
      expect(href).toContain(`client_reference_id=adv_${visitorId}`);
      await Promise.all([page.waitForURL(/\/demo\/checkout/, { timeout: TIMEOUT_MS }), page.click("#start-trial")]);
      await page.waitForSelector("h1", { timeout: TIMEOUT_MS });
      expect(await page.textContent("h1")).toBe("Thanks, your trial started");
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      const ids = {
        customer: (await page.getAttribute("[data-stripe-customer]", "data-stripe-customer"))!,
        invoice: (await page.getAttribute("[data-stripe-invoice]", "data-stripe-invoice"))!,
        charge: (await page.getAttribute("[data-stripe-charge]", "data-stripe-charge"))!,
      };

      // 3. The referral and its revenue: the growth plan's invoice of $199.00.
      const referred = await affiliate();
      expect(referred.stats).toEqual({ visits: 1, referredCustomers: 1, revenueCents: 19_900 });
      expect(referred.referrals.edges).toEqual([{ node: { visitorId, customer: { id: expect.any(String), plan: "growth", mrrCents: 19_900 } } }]);
      const { customer } = await admin(`query($id: ID!) { customer(id: $id) { payments { externalId amountCents currency } } }`, { id: referred.referrals.edges[0].node.customer.id });
      expect(customer.payments).toEqual([{ externalId: ids.invoice, amountCents: 19_900, currency: "USD" }]);

      // 4. The commission: once the first period has closed, 20% of the invoice, held PENDING.
      clock.advanceMs(PERIOD_MS + 60_000);
      await admin(`mutation { runCommissionLedger { accrued } }`);
      expect((await affiliate()).commissions).toEqual([{ kind: "ACCRUAL", status: "PENDING", revenueCents: 19_900, amountCents: 3_980, voidReason: null }]);

      // 5. Stripe refunds the charge in full (basil: the charge names its PaymentIntent): voided.
      const refundedAt = Math.floor(clock.now().getTime() / 1000);
      const refund = JSON.stringify(demoRefundEvent({ ...ids, session: "", subscription: "", paymentIntent: await paymentIntentOf(ids.invoice) }, 19_900, 19_900, "usd", refundedAt));
      const res = await t.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(refund, SECRET, refundedAt)).send(refund);
      expect(res.body).toMatchObject({ outcome: "applied" });
      const voided = await affiliate();
      expect(voided.commissions).toEqual([{ kind: "ACCRUAL", status: "VOIDED", revenueCents: 19_900, amountCents: 3_980, voidReason: expect.stringMatching(/^refund/) }]);
      expect(voided.stats.revenueCents).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  /** The PaymentIntent the invoice was paid with, as invoice.paid recorded it (Customer.payments). */
  async function paymentIntentOf(invoice: string): Promise<string> {
    const { customers } = await admin(`query { customers(first: 50) { edges { node { payments { externalId paymentIntentId } } } } }`);
    type Paid = { externalId: string; paymentIntentId: string | null };
    const found = customers.edges.flatMap((e: { node: { payments: Paid[] } }) => e.node.payments).find((p: Paid) => p.externalId === invoice) as Paid | undefined;
    expect(found?.paymentIntentId, "invoice.paid recorded its PaymentIntent").toMatch(/^pi_/);
    return found!.paymentIntentId!;
  }
});
