import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMailer } from "../../../src/email/mailer.js";
import { startTestApp, unique, type TestApp } from "../../helpers/app.js";
import { startTestSmtp } from "../../helpers/smtp.js";

// What is private stays so: logs carry no SQL parameters or personal data, public answers no
// database details, and a stakeholder's email is one mailbox, the one mail goes to.

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function newCustomer(app: TestApp): Promise<string> {
  const res = await app.admin(`mutation($e: String!) { upsertCustomer(input: {externalId: $e, name: "Privacy Co", mrrCents: 1000}) { id } }`, { e: unique("crm") });
  expect(res.errors).toBeUndefined();
  return res.data!.upsertCustomer.id;
}

const upsertStakeholder = (app: TestApp, customerId: string, name: string, email: string) =>
  app.admin(`mutation($id: ID!, $n: String!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: $n, email: $e, role: CHAMPION}) { id email } }`, { id: customerId, n: name, e: email });

/** Runs `action` and returns every log record written meanwhile. */
async function logsOf(action: () => Promise<unknown>): Promise<{ text: string; records: Record<string, unknown>[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((line) => (lines.push(String(line)), true));
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  const text = lines.join("");
  const records = text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { text, records };
}

describe("logs", () => {
  it("log a failed statement by its SQL text, code and message, never its parameters (an email, a name)", async () => {
    const broken = await startTestApp();
    try {
      const customerId = await newCustomer(broken);
      // A failure no service anticipates, and one whose database message quotes the refused
      // value: the email column wants a uuid now.
      await broken.database.db.execute(sql`alter table stakeholders drop column email`);
      await broken.database.db.execute(sql`alter table stakeholders add column email uuid`);
      await broken.database.db.execute(sql`create unique index stakeholders_probe_key on stakeholders (customer_id, email)`);
      const email = "fox.mulder@privacy.example";
      let answer: Awaited<ReturnType<typeof upsertStakeholder>> | undefined;
      const { text, records } = await logsOf(async () => (answer = await upsertStakeholder(broken, customerId, "Fox Secretname", email)));
      expect(answer!.errors![0]!.extensions!.code).toBe("INTERNAL_SERVER_ERROR");
      const logged = records.find((r) => r.message === "unexpected error in a request");
      expect(logged).toMatchObject({ level: "error", code: "22P02" });
      expect(logged!.query).toMatch(/^insert into "stakeholders"/);
      expect(logged!.error).toMatch(/invalid input syntax for type uuid/);
      expect(text).not.toContain(email);
      expect(text).not.toContain("fox.mulder");
      expect(text).not.toContain("Secretname");
      expect(text).not.toMatch(/params:/);
    } finally {
      await broken.close();
    }
  });
});

describe("stakeholder emails", () => {
  it.each(["postmaster,attacker@evil.example", "a;b@evil.example", "x(c)@evil.example", "foo<evil@attacker.example>", "\"a\"@evil.example", "a@[127.0.0.1]"])(
    "refuses %s: one plain mailbox only, nothing written",
    async (address) => {
      const customerId = await newCustomer(t);
      const before = await t.database.fingerprint();
      const res = await upsertStakeholder(t, customerId, "Eve", address);
      expect(res.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "email" });
      expect(await t.database.fingerprint()).toEqual(before);
    },
  );

  it("accepts an ordinary address, stored in lower case", async () => {
    const customerId = await newCustomer(t);
    const res = await upsertStakeholder(t, customerId, "Dana", "Dana.Scully+crm@Example.co.uk");
    expect(res.errors).toBeUndefined();
    expect(res.data!.upsertStakeholder.email).toBe("dana.scully+crm@example.co.uk");
  });

  it("mails an address stored before these checks to that address only, never to the addresses a parser finds in it", async () => {
    const smtp = await startTestSmtp();
    const mailer = createMailer({ smtpUrl: smtp.url, from: "Advocate <hello@advocate.test>" });
    try {
      await mailer.send({ to: "postmaster,attacker@evil.example", subject: "s", text: "t", html: "<p>t</p>", messageId: "<m1@advocate.test>", unsubscribeUrl: "http://advocate.test/u" }).catch(() => undefined);
      expect(smtp.to("attacker@evil.example")).toEqual([]);
      await mailer.send({ to: "ana@acme.io", subject: "s", text: "t", html: "<p>t</p>", messageId: "<m2@advocate.test>", unsubscribeUrl: "http://advocate.test/u" });
      expect(smtp.to("ana@acme.io")).toHaveLength(1);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });
});

describe("readiness", () => {
  it("says 'database unreachable' while the database is down, never the driver's message, which goes to the log", async () => {
    const down = await startTestApp();
    try {
      await down.database.close();
      let res: Awaited<ReturnType<typeof down.http.get>> | undefined;
      const { records } = await logsOf(async () => (res = await down.http.get("/readyz")));
      expect(res!.status).toBe(503);
      expect(res!.body).toEqual({ status: "unavailable", reason: "database unreachable", landing: "ok" });
      const logged = records.find((r) => r.message === "not ready: database unreachable");
      expect(logged).toMatchObject({ level: "warn" });
      expect(typeof logged!.error).toBe("string");
      expect(res!.text).not.toContain(logged!.error);
      if (down.database.url) expect(String(logged!.error)).toContain(new URL(down.database.url).port);
    } finally {
      await down.app.stop();
    }
  });

  it("says the job runner's polls fail, never their SQL", async () => {
    const failing = await startTestApp({ jobs: { pollMs: 60_000 } });
    try {
      await failing.database.db.execute(sql`alter table jobs rename to jobs_gone`);
      failing.app.jobs.kick();
      let res = await failing.http.get("/readyz");
      for (const deadline = Date.now() + 10_000; res.status === 200 && Date.now() < deadline; res = await failing.http.get("/readyz")) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: "unavailable", reason: "job polling fails", jobs: "failing" });
      expect(res.text).not.toMatch(/select|relation|jobs_gone|params/i);
    } finally {
      await failing.close();
    }
  });
});
