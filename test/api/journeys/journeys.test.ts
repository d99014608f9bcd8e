import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../src/db/client.js";
import { createMailer } from "../../../src/email/mailer.js";
import { createWorker } from "../../../src/server/worker.js";
import { ChangeChannel } from "../../../src/common/changes.js";
import { testConfig, unique, daysAgo, type TestApp } from "../../helpers/app.js";
import { createCustomer } from "../../helpers/factories.js";
import { ManualClock, type TestSmtp } from "../../helpers/smtp.js";
import { MAIL_FROM, startMailingApp } from "../../helpers/mailing-app.js";

// Drip journeys end to end: a referred customer's emails arrive at a real SMTP server in this
// process, waits pass on a hand-moved clock, and the jobs behind them are durable.

let t: TestApp;
let smtp: TestSmtp;
const clock = new ManualClock();
const FROM = MAIL_FROM;

beforeAll(async () => {
  ({ t, smtp } = await startMailingApp(clock, { jobs: { backoffBaseMs: 60_000, leaseMs: 60_000 } }));
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const drain = () => t.app.jobs.drain();

async function customer(name: string, niche: string, opts: { nps?: number; active?: number; email?: string } = {}): Promise<string> {
  const { id } = await createCustomer(t, { name, niche, mrrCents: 20_000, signedUpAt: daysAgo(opts.email ? 1 : 400) });
  if (opts.nps !== undefined) await t.admin(`mutation($id: ID!, $s: Int!) { recordNpsResponse(customerId: $id, score: $s) { id } }`, { id, s: opts.nps });
  if (opts.active !== undefined) {
    await t.admin(`mutation($id: ID!, $a: Int!) { recordUsage(input: {customerId: $id, activeUsers: $a, licensedSeats: 10}) { id } }`, { id, a: opts.active });
  }
  if (opts.email) {
    const s = await t.admin(`mutation($id: ID!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: "Dana Scully", email: $e, role: CHAMPION}) { id } }`, {
      id,
      e: opts.email,
    });
    expect(s.errors).toBeUndefined();
  }
  return id;
}

async function createJourney(name: string, steps: object[], trigger = "REFERRAL_ATTRIBUTED") {
  const res = await t.admin(`mutation($i: JourneyInput!) { createJourney(input: $i) { id name trigger status steps { index kind } } }`, {
    i: { name, trigger, steps },
  });
  expect(res.errors).toBeUndefined();
  return res.data!.createJourney as { id: string };
}

const enrollment = async (journeyId: string) =>
  (
    await t.admin(
      `query($id: ID!) { journey(id: $id) { counts { active completed stopped optedOut emailsSent }
         enrollments(first: 10) { totalCount edges { node { id status stepIndex customer { name } history { stepIndex outcome detail } } } } } }`,
      { id: journeyId },
    )
  ).data!.journey;

describe("drip journeys", () => {
  const niche = `logistics-${Date.now().toString(36)}`;
  const code = unique("ally").toLowerCase();
  let journeyId: string;

  beforeAll(async () => {
    await t.admin(`mutation($c: String!) { createAffiliate(input: {code: $c, name: "Ally McBeal", commissionType: PERCENT, commissionValue: 10}) { id } }`, { c: code });
    const star = await customer("Star Freight", niche, { nps: 10, active: 10 });
    const asset = await t.admin(`mutation($i: ContentAssetInput!) { createContentAsset(input: $i) { id } }`, {
      i: { kind: "CASE_STUDY", title: "How Star Freight cut churn", body: "Star Freight halved churn.\n\nMore detail.", url: "https://example.com/star", niches: [niche], customerId: star },
    });
    expect(asset.errors).toBeUndefined();
    const journey = await createJourney(`Onboarding ${niche}`, [
      {
        kind: "EMAIL",
        subject: "Welcome to Advocate, {{customer.name}}",
        body: "Hi {{contact.firstName | there}},\n\n{{affiliate.name}} sent you our way. Read {{caseStudy.title}}: {{caseStudy.url}}",
      },
      { kind: "WAIT", waitHours: 48 },
      { kind: "EMAIL", subject: "Next step for {{customer.name}}", body: "Try {{milestone.next | inviting a teammate}}. Stop: {{unsubscribeUrl}}" },
    ]);
    journeyId = journey.id;
  });

  it("sends a referred customer the first email on attribution, the second after the wait, and then completes", async () => {
    const email = `${unique("dana")}@example.com`.toLowerCase();
    const id = await customer("Acme Haulage", niche, { email });
    const attributed = await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
    expect(attributed.errors).toBeUndefined();

    await drain();
    const [first] = smtp.to(email);
    expect(smtp.to(email)).toHaveLength(1);
    expect(first!.subject).toBe("Welcome to Advocate, Acme Haulage");
    expect(first!.text).toContain("Hi Dana,");
    expect(first!.text).toContain("Ally McBeal sent you our way. Read How Star Freight cut churn: https://example.com/star");
    expect(first!.from?.text).toContain("hello@advocate.test");
    expect(first!.messageId).toMatch(/@advocate\.test>?$/);
    // Every email carries its unsubscribe link, in the body and as RFC 8058 one-click headers.
    expect(first!.text).toMatch(/Unsubscribe: http:\/\/advocate\.test\/unsubscribe\?token=[\w-]+/);
    const header = (name: string) => first!.headerLines.find((h) => h.key === name)?.line.replace(/\r?\n\s+/g, " ");
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(header("list-unsubscribe")).toMatch(/^List-Unsubscribe: <http:\/\/advocate\.test\/unsubscribe\?token=[\w-]+>/);

    // Nothing more until the 48 hours have passed.
    clock.advanceHours(47);
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
    clock.advanceHours(2);
    await drain();
    const second = smtp.to(email)[1]!;
    expect(smtp.to(email)).toHaveLength(2);
    expect(second.subject).toBe("Next step for Acme Haulage");
    expect(second.text).toMatch(/Stop: http:\/\/advocate\.test\/unsubscribe\?token=/);
    expect(second.text).not.toContain("--\nUnsubscribe:");

    const view = await enrollment(journeyId);
    const mine = view.enrollments.edges.map((e: any) => e.node).find((n: any) => n.customer.name === "Acme Haulage");
    expect(mine.status).toBe("COMPLETED");
    expect(mine.history.map((h: any) => h.outcome)).toEqual(["EMAIL_SENT", "WAITED", "EMAIL_SENT"]);
    expect(view.counts.emailsSent).toBeGreaterThanOrEqual(2);

    // Running everything again sends nothing: each (enrollment, step) is sent once.
    clock.advanceHours(100);
    await drain();
    expect(smtp.to(email)).toHaveLength(2);
  });

  it("sends nothing after the customer unsubscribes through the link", async () => {
    const email = `${unique("mulder")}@example.com`.toLowerCase();
    const id = await customer("Beta Shipping", niche, { email });
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
    const link = /Unsubscribe: http:\/\/advocate\.test(\/unsubscribe\?token=[\w-]+)/.exec(smtp.to(email)[0]!.text!)![1]!;

    // A link fetch (a mail scanner's) only shows the button; the one-click POST unsubscribes.
    const page = await t.http.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form method="post"');
    expect((await t.admin(`query($id: ID!) { customer(id: $id) { emailOptedOutAt } }`, { id })).data!.customer.emailOptedOutAt).toBeNull();
    const done = await t.http.post(link).type("form").send("List-Unsubscribe=One-Click");
    expect(done.status).toBe(200);
    expect(done.text).toContain("You are unsubscribed");

    clock.advanceHours(49);
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
    const c = (await t.admin(`query($id: ID!) { customer(id: $id) { emailOptedOutAt journeyEnrollments { status } } }`, { id })).data!.customer;
    expect(c.emailOptedOutAt).not.toBeNull();
    expect(c.journeyEnrollments).toEqual([{ status: "OPTED_OUT" }]);
    expect((await t.http.post("/unsubscribe?token=not-a-real-token-123456")).status).toBe(404);
  });

  it("honours an admin's opt-out set between two emails", async () => {
    const email = `${unique("skinner")}@example.com`.toLowerCase();
    const id = await customer("Gamma Cargo", niche, { email });
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
    await drain();
    const res = await t.admin(`mutation($id: ID!) { setEmailOptOut(customerId: $id, optedOut: true) { emailOptedOutAt } }`, { id });
    expect(res.data!.setEmailOptOut.emailOptedOutAt).not.toBeNull();
    clock.advanceHours(49);
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
  });

  it("retries a failed send with backoff and sends it once", async () => {
    const email = `${unique("frohike")}@example.com`.toLowerCase();
    const id = await customer("Delta Trucks", niche, { email });
    smtp.failNext(2);
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
    await drain();
    expect(smtp.to(email)).toHaveLength(0);
    const [job] = await queryRows<{ attempts: number; status: string; last_error: string }>(
      t.database.db,
      sql`select j.attempts, j.status, j.last_error from jobs j join journey_enrollments e on j.key = 'enrollment:' || e.id where e.customer_id = ${id}::uuid`,
    );
    expect(job).toMatchObject({ attempts: 1, status: "QUEUED" });
    expect(job!.last_error).toContain("try again later");
    clock.advanceMs(61_000); // first retry after 1 minute: fails again
    await drain();
    expect(smtp.to(email)).toHaveLength(0);
    clock.advanceMs(61_000); // the second waits 2 minutes
    await drain();
    expect(smtp.to(email)).toHaveLength(0);
    clock.advanceMs(61_000);
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
    const [delivery] = await queryRows<{ attempts: number; status: string }>(
      t.database.db,
      sql`select d.attempts, d.status from email_deliveries d where d.customer_id = ${id}::uuid`,
    );
    expect(delivery).toEqual({ attempts: 3, status: "SENT" });
  });

  it("finishes a job whose worker died mid-send exactly once, on another worker", async () => {
    const email = `${unique("byers")}@example.com`.toLowerCase();
    const id = await customer("Epsilon Freight", niche, { email });
    // Worker A: a second runner on the same database, as another instance would be.
    const a = await createWorker({ db: t.database.db, changes: new ChangeChannel(), scoring: testConfig().scoring, programCurrency: testConfig().program.currency }, testConfig({ email: { from: FROM, publicUrl: "http://advocate.test" } }), {
      clock,
      mailer: createMailer({ smtpUrl: smtp.url, from: FROM }),
    });
    const held = smtp.holdNext();
    await t.admin(`mutation($c: String!, $id: ID!) { attributeReferral(affiliateCode: $c, customerId: $id) { id } }`, { c: code, id });
    const running = a.runner.drain();
    await held.arrived;
    // A is mid-send: the main runner skips the claimed job (SKIP LOCKED, live lease).
    expect(await drain()).toBe(0);
    // A dies mid-send: it renews nothing and records nothing more.
    a.runner.abandon();
    clock.advanceMs(61_000);
    // Its lease and its claim on the delivery ran out: the main runner takes the job over and sends.
    expect(await drain()).toBeGreaterThan(0);
    expect(smtp.to(email)).toHaveLength(1);
    // A's connection now fails; what it still tries to write is fenced off by the newer claim.
    held.release("drop");
    await running.catch(() => undefined);
    await a.stop(0);
    clock.advanceMs(61_000);
    await drain();
    expect(smtp.to(email)).toHaveLength(1);
    const [row] = await queryRows<{ status: string; history: string }>(
      t.database.db,
      sql`select e.status, string_agg(s.outcome, ',' order by s.id) as history from journey_enrollments e
          join enrollment_steps s on s.enrollment_id = e.id where e.customer_id = ${id}::uuid group by e.status`,
    );
    expect(row).toEqual({ status: "ACTIVE", history: "EMAIL_SENT,WAITED" });
  });

  it("pauses and resumes a journey, and enrolls a segment", async () => {
    const segmentNiche = `${niche}-seg`;
    const emails = [1, 2].map(() => `${unique("seg")}@example.com`.toLowerCase());
    const ids = [await customer("Seg One", segmentNiche, { email: emails[0] }), await customer("Seg Two", segmentNiche, { email: emails[1] })];
    const seg = await t.admin(`mutation($n: String!, $v: [String!]!) { createSegment(input: {name: $n, rules: [{field: NICHE, op: EQ, values: $v}]}) { id } }`, {
      n: unique("seg"),
      v: [segmentNiche],
    });
    const manual = await createJourney(
      unique("manual"),
      [
        { kind: "BRANCH", condition: { healthBandIn: ["RED"] }, then: "STOP" },
        { kind: "EMAIL", subject: "Hello {{customer.name}}", body: "Hi {{contact.name}}" },
      ],
      "MANUAL",
    );
    expect((await t.admin(`mutation($id: ID!) { pauseJourney(id: $id) { status } }`, { id: manual.id })).data!.pauseJourney.status).toBe("PAUSED");
    const enrolled = await t.admin(`mutation($j: ID!, $s: ID!) { enrollSegment(journeyId: $j, segmentId: $s) }`, { j: manual.id, s: seg.data!.createSegment.id });
    expect(enrolled.data!.enrollSegment).toBe(2);
    // Again: already enrolled, nobody new.
    expect((await t.admin(`mutation($j: ID!, $s: ID!) { enrollSegment(journeyId: $j, segmentId: $s) }`, { j: manual.id, s: seg.data!.createSegment.id })).data!.enrollSegment).toBe(0);
    await drain();
    expect(emails.map((e) => smtp.to(e).length)).toEqual([0, 0]);
    await t.admin(`mutation($id: ID!) { resumeJourney(id: $id) { status } }`, { id: manual.id });
    await drain();
    expect(emails.map((e) => smtp.to(e).length)).toEqual([1, 1]);
    const view = await enrollment(manual.id);
    expect(view.counts).toMatchObject({ completed: 2, emailsSent: 2 });
    expect(view.enrollments.edges[0].node.history.map((h: any) => h.outcome)).toEqual(["CONTINUED", "EMAIL_SENT"]);
    const again = await t.admin(`mutation($j: ID!, $c: ID!) { enrollCustomer(journeyId: $j, customerId: $c) { id } }`, { j: manual.id, c: ids[0] });
    expect(again.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("journey dashboards", () => {
  it("lists journeys with counts, enrollments, customers and histories in a fixed number of statements", async () => {
    const query = `{ journeys { name counts { active paused completed stopped optedOut failed emailsSent } enrollments(first: 5) { totalCount edges { node { status customer { name } history { outcome } journey { name } } } } } }`;
    const statements = async () => {
      const before = t.database.queryCount();
      const res = await t.admin(query);
      expect(res.errors).toBeUndefined();
      return { count: t.database.queryCount() - before, journeys: res.data!.journeys as any[] };
    };
    const first = await statements();
    expect(first.journeys.length).toBeGreaterThanOrEqual(2);
    const enrolled = first.journeys.find((j) => j.enrollments.totalCount > 0);
    const { active, paused, completed, stopped, optedOut, failed } = enrolled.counts;
    expect(enrolled.enrollments.totalCount).toBe(active + paused + completed + stopped + optedOut + failed);
    expect(enrolled.enrollments.edges.length).toBe(Math.min(5, enrolled.enrollments.totalCount));
    // Three more journeys with an enrollment each: the same number of statements.
    for (let i = 0; i < 3; i++) {
      const j = await createJourney(unique("dash"), [{ kind: "EMAIL", subject: "a", body: "b" }], "MANUAL");
      const c = await customer(`Dash ${i}`, "dash-niche", { email: `${unique("dash")}@example.com`.toLowerCase() });
      await t.admin(`mutation($j: ID!, $c: ID!) { enrollCustomer(journeyId: $j, customerId: $c) { id } }`, { j: j.id, c });
    }
    const second = await statements();
    expect(second.journeys.length).toBe(first.journeys.length + 3);
    expect(second.count).toBe(first.count);
    expect(second.count).toBeLessThanOrEqual(6);
  });
});

describe("journey validation", () => {
  const bad = async (steps: object[], name = unique("bad")) => {
    const before = await t.database.fingerprint();
    const res = await t.admin(`mutation($i: JourneyInput!) { createJourney(input: $i) { id } }`, { i: { name, steps } });
    expect(await t.database.fingerprint()).toEqual(before);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    return res.errors![0]!.message;
  };

  it("refuses a template with an unknown variable when the journey is saved", async () => {
    expect(await bad([{ kind: "EMAIL", subject: "Hi", body: "Dear {{customer.nmae}}" }])).toMatch(/steps\[0\]\.body: unknown template variable \{\{customer\.nmae\}\}/);
    expect(await bad([{ kind: "EMAIL", subject: "Hi {{ oops", body: "x" }])).toMatch(/steps\[0\]\.subject: .*malformed/);
  });

  it("refuses steps that cannot run", async () => {
    expect(await bad([])).toMatch(/at least one step/);
    expect(await bad([{ kind: "WAIT", waitHours: 0 }, { kind: "EMAIL", subject: "a", body: "b" }])).toMatch(/steps\[0\]\.waitHours/);
    expect(await bad([{ kind: "WAIT", waitHours: 2 }])).toMatch(/at least one EMAIL/);
    expect(await bad([{ kind: "EMAIL", subject: "a", body: "b", waitHours: 3 }])).toMatch(/steps\[0\]\.waitHours: is not used by a EMAIL step/);
    expect(
      await bad([
        { kind: "EMAIL", subject: "a", body: "b" },
        { kind: "BRANCH", condition: { healthBandIn: ["RED"] }, then: "GOTO", gotoStep: 0 },
      ]),
    ).toMatch(/steps\[1\]\.gotoStep: must be a later step/);
    expect(await bad([{ kind: "BRANCH", condition: { healthBandIn: ["RED"], milestoneReached: "x" }, then: "STOP" }, { kind: "EMAIL", subject: "a", body: "b" }])).toMatch(
      /exactly one/,
    );
    expect(
      await bad([{ kind: "BRANCH", condition: { inSegmentId: "00000000-0000-4000-8000-000000000000" }, then: "STOP" }, { kind: "EMAIL", subject: "a", body: "b" }]),
    ).toMatch(/does not exist/);
    const name = unique("dup");
    await createJourney(name, [{ kind: "EMAIL", subject: "a", body: "b" }], "MANUAL");
    expect(await bad([{ kind: "EMAIL", subject: "a", body: "b" }], name)).toMatch(/already exists/);
  });

  it("lists the template variables", async () => {
    const res = await t.admin(`{ journeyTemplateVariables { name } }`);
    expect(res.data!.journeyTemplateVariables.map((v: any) => v.name)).toContain("caseStudy.title");
  });
});
