import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "../helpers/db.js";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.js";
import { unique } from "../helpers/app.js";
import { freePort, startServerProcess, waitFor } from "../helpers/server-process.js";

// A real restart: the server process is killed (SIGKILL) while its job is handing an email to
// SMTP, a new process starts on the same database, takes the job over once its lease ran out,
// and the customer receives the email exactly once. On PostgreSQL, and on the embedded database
// persisted in a directory (as `npm start` runs it).

const ADMIN = "restart-admin-key-0123456789";
let smtp: TestSmtp;
let database: TestDatabase | undefined;
let dataDir: string | undefined;
let child: ChildProcess | undefined;

beforeAll(async () => {
  smtp = await startTestSmtp();
  if (process.env.DATABASE_URL?.startsWith("postgres")) {
    database = await openTestDatabase();
  } else dataDir = mkdtempSync(join(tmpdir(), "advocate-restart-"));
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await smtp?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function start(port: number) {
  const proc = startServerProcess(
    {
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      PORT: String(port),
      ADMIN_API_KEY: ADMIN,
      SEED_DEMO: "false",
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Advocate <hello@advocate.test>",
      JOB_POLL_MS: "100",
      JOB_LEASE_SECONDS: "2",
    },
    dataDir,
  );
  child = proc.child;
  await proc.listening();
  return proc.child;
}

describe("a job interrupted by a restart", () => {
  it("completes once on the next process", async () => {
    const port = await freePort();
    const gql = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const first = await start(port);
    const email = `${unique("restart")}@example.com`.toLowerCase();
    await gql(`mutation { createAffiliate(input: {code: "restart-ally", name: "Ally", commissionType: PERCENT, commissionValue: 10}) { id } }`);
    await gql(`mutation($i: JourneyInput!) { createJourney(input: $i) { id } }`, {
      i: {
        name: "Restart onboarding",
        trigger: "REFERRAL_ATTRIBUTED",
        steps: [
          { kind: "EMAIL", subject: "Welcome {{customer.name}}", body: "Hello" },
          { kind: "WAIT", waitHours: 24 },
        ],
      },
    });
    const { upsertCustomer } = await gql(`mutation { upsertCustomer(input: {externalId: "restart-1", name: "Restart Co", mrrCents: 1000}) { id } }`);
    await gql(`mutation($id: ID!, $e: String!) { upsertStakeholder(input: {customerId: $id, name: "Rita", email: $e, role: CHAMPION}) { id } }`, { id: upsertCustomer.id, e: email });

    const held = smtp.holdNext();
    await gql(`mutation($id: ID!) { attributeReferral(affiliateCode: "restart-ally", customerId: $id) { id } }`, { id: upsertCustomer.id });
    await held.arrived;
    // The process dies mid-send; the SMTP server never accepted the message.
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    held.release("drop");
    expect(smtp.to(email)).toHaveLength(0);

    await start(port);
    await waitFor(() => smtp.to(email).length > 0, 30_000);
    // Well past another lease: still exactly one.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(smtp.to(email)).toHaveLength(1);
    expect(smtp.to(email)[0]!.subject).toBe("Welcome Restart Co");
    const data = await gql(`query($id: ID!) { customer(id: $id) { journeyEnrollments { status stepIndex history { outcome } } } }`, { id: upsertCustomer.id });
    expect(data.customer.journeyEnrollments).toEqual([{ status: "ACTIVE", stepIndex: 2, history: [{ outcome: "EMAIL_SENT" }, { outcome: "WAITED" }] }]);
  }, 150_000);
});
