import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { startTestApp, type TestApp } from "../../helpers/app.js";
import { customerObject, invoiceObject, signatureFor, stripeEventOf, stripeId, subscriptionObject, unixNow } from "../../helpers/stripe-fixtures.js";

// POST /webhooks/stripe: Stripe-Signature verified as Stripe specifies on the raw bytes (any v1,
// any configured secret, 300 s tolerance), idempotent by event id, unhandled types and the other
// mode's events ignored and counted, bad bodies answered 4xx with a reason and nothing stored.

const SECRET = "whsec_test_current";
const OLD_SECRET = "whsec_test_previous";
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ stripe: { webhookSecrets: [SECRET, OLD_SECRET], maxBytes: 64 * 1024 } });
});
afterAll(async () => {
  await t?.close();
});

const post = (body: string, signature?: string) => {
  const req = t.http.post("/webhooks/stripe").set("content-type", "application/json");
  return (signature === undefined ? req : req.set("stripe-signature", signature)).send(body);
};
const storedEvent = async (id: string) => (await queryRows<{ outcome: string; type: string }>(t.database.db, sql`select outcome, type from stripe_events where id = ${id}`))[0];
const customerEvent = (name: string) => stripeEventOf("basil", "customer.created", customerObject("basil", { name, email: `${name.toLowerCase()}@example.com` }));
const customersNamed = async (name: string) => {
  const res = await t.admin(`{ customers(first: 100) { edges { node { id name externalId } } } }`);
  return (res.data!.customers.edges as { node: { name: string } }[]).filter((e) => e.node.name === name);
};

describe("Stripe-Signature", () => {
  it("accepts an event signed by the stripe package with either configured secret (a rolled secret)", async () => {
    for (const secret of [SECRET, OLD_SECRET]) {
      const event = customerEvent(`Signed ${secret.slice(-7)}`);
      const body = JSON.stringify(event);
      const res = await post(body, signatureFor(body, secret));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ received: true, id: event.id, outcome: "applied" });
      expect(await storedEvent(event.id as string)).toMatchObject({ outcome: "applied", type: "customer.created" });
    }
  });

  it("accepts a header with several v1 (and a v0) when any v1 matches", async () => {
    const event = customerEvent("Several signatures");
    const body = JSON.stringify(event);
    const good = signatureFor(body, SECRET);
    const t0 = good.split(",")[0]!;
    const header = `${t0},v1=${"0".repeat(64)},${good.split(",")[1]},v0=${"1".repeat(64)}`;
    expect((await post(body, header)).status).toBe(200);
  });

  const refusals: [string, (body: string) => string | undefined, string][] = [
    ["missing header", () => undefined, "missing_signature"],
    ["wrong secret", (body) => signatureFor(body, "whsec_someone_else"), "no_matching_signature"],
    ["stale timestamp (301 s old)", (body) => signatureFor(body, SECRET, unixNow() - 301), "timestamp_out_of_tolerance"],
    ["timestamp from the future (301 s ahead)", (body) => signatureFor(body, SECRET, unixNow() + 301), "timestamp_out_of_tolerance"],
    ["no v1, only v0", (body) => signatureFor(body, SECRET).replace("v1=", "v0="), "missing_v1"],
    ["no timestamp", (body) => signatureFor(body, SECRET).replace(/^t=\d+,/, ""), "missing_timestamp"],
  ];
  for (const [what, sign, reason] of refusals) {
    it(`refuses a ${what} with 400 and the reason, storing nothing`, async () => {
      const name = `Refused ${what}`;
      const event = customerEvent(name);
      const body = JSON.stringify(event);
      const res = await post(body, sign(body));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: "BAD_SIGNATURE", reason });
      expect(await storedEvent(event.id as string)).toBeUndefined();
      expect(await customersNamed(name)).toHaveLength(0);
    });
  }

  it("refuses a body changed after signing (the signature covers the raw bytes)", async () => {
    const event = customerEvent("Tampered");
    const body = JSON.stringify(event);
    const signature = signatureFor(body, SECRET);
    const tampered = body.replace('"Tampered"', '"Tampered!"');
    const res = await post(tampered, signature);
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe("no_matching_signature");
    // Re-serialized JSON with the same meaning is other bytes, refused too.
    expect((await post(JSON.stringify(event, null, 2), signature)).status).toBe(400);
    expect(await customersNamed("Tampered!")).toHaveLength(0);
  });
});

describe("bodies", () => {
  it("answers 413 with a reason past the body limit, and 400 for a signed body that is not JSON or not an event", async () => {
    const big = JSON.stringify({ ...customerEvent("Big"), padding: "x".repeat(70 * 1024) });
    const tooLarge = await post(big, signatureFor(big, SECRET));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });

    const notJson = "{not json";
    const bad = await post(notJson, signatureFor(notJson, SECRET));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);

    const notEvent = JSON.stringify({ object: "customer", id: "cus_1" });
    const res = await post(notEvent, signatureFor(notEvent, SECRET));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not a Stripe event/);
  });

  it("answers 415 for a compressed body and stores nothing; a GET of the endpoint is not an event (404)", async () => {
    const event = customerEvent("Gzipped");
    const body = JSON.stringify(event);
    const res = await t.http
      .post("/webhooks/stripe")
      .set("content-type", "application/json")
      .set("content-encoding", "gzip")
      .set("stripe-signature", signatureFor(body, SECRET))
      .send(gzipSync(body));
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/uncompressed/);
    expect(await storedEvent(event.id as string)).toBeUndefined();
    expect(await customersNamed("Gzipped")).toHaveLength(0);
    expect((await t.http.get("/webhooks/stripe")).status).toBe(404);
  });

  it("answers 503 with the reason when STRIPE_WEBHOOK_SECRET is not set", async () => {
    const bare = await startTestApp();
    try {
      const body = JSON.stringify(customerEvent("Unconfigured"));
      const res = await bare.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(body, SECRET)).send(body);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(/STRIPE_WEBHOOK_SECRET/);
    } finally {
      await bare.close();
    }
  });
});

describe("idempotency and ignored events", () => {
  it("answers a redelivered event 200 and changes nothing", async () => {
    const stripeCustomer = customerObject("basil", { name: "Once" });
    const event = stripeEventOf("basil", "customer.created", stripeCustomer);
    const body = JSON.stringify(event);
    expect((await post(body, signatureFor(body, SECRET))).body.outcome).toBe("applied");
    const again = await post(body, signatureFor(body, SECRET));
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe("duplicate");
    // Even when the same id comes with other contents: the event id is the key.
    const altered = JSON.stringify({ ...event, data: { object: { ...stripeCustomer, name: "Twice" } } });
    expect((await post(altered, signatureFor(altered, SECRET))).body.outcome).toBe("duplicate");
    expect(await customersNamed("Once")).toHaveLength(1);
    expect(await customersNamed("Twice")).toHaveLength(0);
  });

  it("applies a subscription or an invoice once when it is delivered again, at once or later, with other contents", async () => {
    // The event's row and the handler's first statements go out together: a redelivery that got
    // further than them must leave nothing behind (its transaction rolls back).
    const stripeCustomer = customerObject("basil", { name: "Redelivered Co" });
    const created = JSON.stringify(stripeEventOf("basil", "customer.created", stripeCustomer));
    expect((await post(created, signatureFor(created, SECRET))).body.outcome).toBe("applied");
    const subscription = subscriptionObject("basil", { customer: stripeCustomer.id as string, items: [{ lookupKey: "team", unitAmount: 4_900 }] });
    const event = stripeEventOf("basil", "customer.subscription.created", subscription);
    const body = JSON.stringify(event);
    const altered = JSON.stringify({ ...event, data: { object: subscriptionObject("basil", { customer: stripeCustomer.id as string, id: subscription.id as string, items: [{ lookupKey: "scale", unitAmount: 99_900 }] }) } });
    const answers = await Promise.all([body, body, altered].map((payload) => post(payload, signatureFor(payload, SECRET))));
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(["applied", "duplicate", "duplicate"]);
    const now = unixNow();
    const invoice = stripeEventOf("basil", "invoice.paid", invoiceObject("basil", { customer: stripeCustomer.id as string, subscription: subscription.id as string, amount: 4_900, periodStart: now - 60, periodEnd: now + 30 * 86_400 }));
    const invoiceBody = JSON.stringify(invoice);
    const invoiceObj = (invoice.data as { object: Record<string, unknown> }).object;
    const doubled = JSON.stringify({ ...invoice, data: { object: { ...invoiceObj, total_excluding_tax: 9_800, amount_paid: 9_800 } } });
    const paid = await Promise.all([invoiceBody, doubled].map((payload) => post(payload, signatureFor(payload, SECRET))));
    expect(paid.map((a) => a.body.outcome).sort()).toEqual(["applied", "duplicate"]);
    expect((await post(doubled, signatureFor(doubled, SECRET))).body.outcome).toBe("duplicate");
    const [customer] = await customersNamed("Redelivered Co");
    const stored = await queryRows<{ mrr_cents: number; plan: string; changes: number; payments: number; paid: number }>(
      t.database.db,
      sql`select c.mrr_cents, c.plan, (select count(*)::int from plan_changes where customer_id = c.id) as changes,
                 (select count(*)::int from payments where customer_id = c.id) as payments, (select sum(amount_cents)::int from payments where customer_id = c.id) as paid
            from customers c where c.id = ${(customer as unknown as { node: { id: string } }).node.id}`,
    );
    // Whichever delivery came first is the one applied: the original (twice) or the altered one.
    const first = answers[2]!.body.outcome === "applied" ? { plan: "scale", mrr: 99_900 } : { plan: "team", mrr: 4_900 };
    expect(stored[0]).toMatchObject({ plan: first.plan, mrr_cents: first.mrr, payments: 1 });
    expect(stored[0]!.paid).toBe(paid[0]!.body.outcome === "applied" ? 4_900 : 9_800);
  });

  it("ignores unhandled types with 200 and counts them in /metrics by type and outcome", async () => {
    const event = stripeEventOf("basil", "product.created", { id: stripeId("prod"), object: "product", name: "Widget" });
    const body = JSON.stringify(event);
    const res = await post(body, signatureFor(body, SECRET));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: "ignored", detail: expect.stringMatching(/does not use product\.created/) });
    expect(await storedEvent(event.id as string)).toMatchObject({ outcome: "ignored" });
    const metrics = (await t.http.get("/metrics")).text;
    expect(metrics).toMatch(/advocate_stripe_events_total\{type="product\.created",outcome="ignored"\} 1\b/);
    expect(metrics).toMatch(/advocate_stripe_events_total\{type="customer\.created",outcome="applied"\} [1-9]/);
    expect(metrics).toMatch(/advocate_stripe_events_total\{type="customer\.created",outcome="duplicate"\} [1-9]/);
  });
});

describe("STRIPE_LIVEMODE", () => {
  it("takes only the configured mode's events, counting the others as ignored; unset takes both", async () => {
    const live = await startTestApp({ stripe: { webhookSecrets: [SECRET], livemode: true } });
    try {
      const send = (event: Record<string, unknown>) => {
        const body = JSON.stringify(event);
        return live.http.post("/webhooks/stripe").set("content-type", "application/json").set("stripe-signature", signatureFor(body, SECRET)).send(body);
      };
      const testMode = await send(stripeEventOf("basil", "customer.created", customerObject("basil", { name: "Test mode" }), { livemode: false }));
      expect(testMode.status).toBe(200);
      expect(testMode.body).toMatchObject({ outcome: "ignored", detail: expect.stringMatching(/test-mode event, and STRIPE_LIVEMODE=true/) });
      const liveMode = await send(stripeEventOf("basil", "customer.created", { ...customerObject("basil", { name: "Live mode" }), livemode: true }, { livemode: true }));
      expect(liveMode.body.outcome).toBe("applied");
      const names = (await live.admin(`{ customers(first: 10) { edges { node { name } } } }`)).data!.customers.edges.map((e: { node: { name: string } }) => e.node.name);
      expect(names).toContain("Live mode");
      expect(names).not.toContain("Test mode");
      expect((await live.http.get("/metrics")).text).toMatch(/advocate_stripe_events_total\{type="customer\.created",outcome="ignored"\} 1\b/);
    } finally {
      await live.close();
    }
    // This file's app has STRIPE_LIVEMODE unset: a live event is taken as well as test ones.
    const event = stripeEventOf("basil", "customer.created", customerObject("basil", { name: "Live too" }), { livemode: true });
    const body = JSON.stringify(event);
    expect((await post(body, signatureFor(body, SECRET))).body.outcome).toBe("applied");
  });
});
