import { execFile, execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../src/db/client.js";
import { signWebhookBody } from "../../src/ingestion/webhook.signature.js";
import { ManualClock } from "../helpers/smtp.js";
import { daysAgo, startTestApp, unique, type TestApp } from "../helpers/app.js";
import { createCustomer } from "../helpers/factories.js";

// X-Advocate-Signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">. A captured request stops
// working 300 s after it was signed; secrets rotate (several configured, several v1 sent).

const SECRET = "signature-secret-new";
const OLD_SECRET = "signature-secret-old";
let t: TestApp;
// The webhook's clock: moved by hand to deliver a captured request again later.
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ webhook: { secrets: [SECRET, OLD_SECRET] } }, { clock });
});
afterAll(async () => {
  await t?.close();
});

const post = (body: string, signature: string) => t.http.post("/webhooks/events").set("content-type", "application/json").set("x-advocate-signature", signature).send(body);
const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);
const hmac = (secret: string, signed: string) => createHmac("sha256", secret).update(signed).digest("hex");

const customer = (externalId = unique("crm")) => createCustomer(t, { externalId, name: "Signed", signedUpAt: daysAgo(60) });
const planOf = async (id: string) => (await t.admin(`query($id: ID!) { customer(id: $id) { plan mrrCents } }`, { id })).data!.customer;

describe("webhook signatures", () => {
  it("refuses a captured request replayed after 300 s, whose events it had rejected, with 401 and the reason", async () => {
    const externalId = unique("later");
    const body = JSON.stringify({ events: [{ id: unique("pc"), type: "plan_change", customerExternalId: externalId, at: daysAgo(1), plan: "enterprise", mrrCents: 99_000 }] });
    const signature = signWebhookBody(body, SECRET, nowSeconds());
    const first = await post(body, signature);
    expect(first.status).toBe(200);
    expect(first.body.events[0]).toMatchObject({ status: "rejected", reason: expect.stringMatching(/^customerExternalId: no customer/) });

    // The customer exists now; the same bytes, delivered again five minutes and a second later.
    const c = await customer(externalId);
    clock.advanceMs(301_000);
    const replay = await post(body, signature);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({ code: "UNAUTHENTICATED", reason: "timestamp_out_of_tolerance" });
    expect(replay.body.error.message).toMatch(/\d+ s from the server's clock, past the 300 s tolerance/);
    expect(await planOf(c.id)).toMatchObject({ mrrCents: 10_000 });

    // Signed anew, it is delivered.
    const fresh = await post(body, signWebhookBody(body, SECRET, nowSeconds()));
    expect(fresh.body.events[0].status).toBe("accepted");
    expect(await planOf(c.id)).toMatchObject({ plan: "enterprise", mrrCents: 99_000 });
    clock.advanceMs(-301_000);
  });

  it("refuses a timestamp too far in the future as well", async () => {
    const body = JSON.stringify({ events: [] });
    // 310 s, not 301: the signature is made up to a second before the server reads its clock
    // (whole seconds, and the request takes its time under load), which ate a 1 s margin.
    const res = await post(body, signWebhookBody(body, SECRET, nowSeconds() + 310));
    expect(res.status).toBe(401);
    expect(res.body.error.reason).toBe("timestamp_out_of_tolerance");
  });

  it("accepts a signature with two v1 values when the second matches, and one by a rotated-out secret still configured", async () => {
    const c = await customer();
    const body = JSON.stringify({ events: [{ id: unique("nps"), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 8 }] });
    const ts = nowSeconds();
    const twoV1 = `t=${ts},v1=${hmac("a-secret-nobody-has", `${ts}.${body}`)},v1=${hmac(SECRET, `${ts}.${body}`)}`;
    const res = await post(body, twoV1);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1 });

    const other = JSON.stringify({ events: [{ id: unique("nps"), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 9 }] });
    const byOld = await post(other, signWebhookBody(other, OLD_SECRET, nowSeconds()));
    expect(byOld.status).toBe(200);
    expect(byOld.body).toMatchObject({ accepted: 1 });
  });

  it("names what is wrong: no header, no timestamp, a bad timestamp, no v1, no v1 that matches", async () => {
    const c = await customer();
    const body = JSON.stringify({ events: [{ id: unique("nps"), type: "nps", customerExternalId: c.externalId, at: daysAgo(1), score: 3 }] });
    const ts = nowSeconds();
    const v1 = hmac(SECRET, `${ts}.${body}`);
    const cases: [signature: string | null, reason: string][] = [
      [null, "missing_signature"],
      [`v1=${v1}`, "missing_timestamp"],
      [`sha256=${hmac(SECRET, body)}`, "missing_timestamp"],
      [`t=soon,v1=${v1}`, "bad_timestamp"],
      [`t=${ts}.5,v1=${v1}`, "bad_timestamp"],
      [`t=${ts}`, "missing_v1"],
      [`t=${ts},v1=00`, "missing_v1"],
      [`t=${ts},v1=${hmac("wrong", `${ts}.${body}`)}`, "no_matching_signature"],
      // The signature of another time: the timestamp is part of what is signed.
      [`t=${ts - 1},v1=${v1}`, "no_matching_signature"],
      // The HMAC of the body alone, as the old sha256= scheme signed it.
      [`t=${ts},v1=${hmac(SECRET, body)}`, "no_matching_signature"],
    ];
    const messages = new Set<string>();
    for (const [signature, reason] of cases) {
      const req = t.http.post("/webhooks/events").set("content-type", "application/json");
      const res = await (signature === null ? req : req.set("x-advocate-signature", signature)).send(body);
      expect(res.status, `${signature}`).toBe(401);
      expect(res.body.error, `${signature}`).toMatchObject({ code: "UNAUTHENTICATED", reason });
      messages.add(`${reason}: ${res.body.error.message.replace(/t=\S+ is/, "t=… is")}`);
    }
    expect(messages.size).toBe(5);
    const [stored] = await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from ingested_events where customer_id = ${c.id}::uuid`);
    expect(stored!.n).toBe(0);
  });

  const hasTools = ["openssl", "curl"].every((tool) => {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`]);
      return true;
    } catch {
      return false;
    }
  });
  it.skipIf(!hasTools)("README's openssl and curl example is accepted as written", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const snippet = /Signing from a shell[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1]!.replace(/^ {2}/gm, "");
    await t.admin(`mutation { upsertCustomer(input: {externalId: "crm-1", name: "Readme", mrrCents: 1, signedUpAt: "2025-01-01T00:00:00Z"}) { id } }`);
    const server = createServer(t.app.handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { stdout } = await promisify(execFile)("bash", ["-c", snippet.replaceAll("http://localhost:4000", url)], { env: { ...process.env, WEBHOOK_SECRET: SECRET } });
      expect(JSON.parse(stdout)).toMatchObject({ accepted: 1, events: [{ id: "evt-1", status: "accepted" }] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
