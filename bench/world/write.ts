import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { World, type WorldOptions, type WorldStats } from "./simulate.js";

// Writes a world as the files of Advocate's bulk import (README "Bulk import"), streamed:
//   customers.csv  one row per customer as it signed up (plan, MRR, signup date, term_months)
//   events.ndjson  webhook events up to `until`: action (count, users), usage, nps, ticket, csat,
//                  plan_change (termMonths), churn
//   truth.csv      customers active at `until`: the world's true 90-day churn probability and
//                  whether they churned in those 90 days (never imported: the benchmark's answer key)

const csv = (value: string | number) => (/[",\n]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value));

/** Buffers lines into ~1 MB writes and waits for the stream to drain: bounded memory whatever the volume. */
class LineWriter {
  private chunk: string[] = [];
  private size = 0;
  constructor(private readonly out: WriteStream) {}
  async write(line: string): Promise<void> {
    this.chunk.push(line);
    this.size += line.length + 1;
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const text = this.chunk.join("\n") + "\n";
    this.chunk = [];
    this.size = 0;
    if (!this.out.write(text)) await once(this.out, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, "finish");
  }
}

export interface WorldFiles {
  customers: string;
  events: string;
  truth: string;
  stats: WorldStats;
}

export async function writeWorld(dir: string, options: WorldOptions): Promise<WorldFiles> {
  mkdirSync(dir, { recursive: true });
  const files = { customers: join(dir, "customers.csv"), events: join(dir, "events.ndjson"), truth: join(dir, "truth.csv") };
  const world = new World(options);
  const customers = new LineWriter(createWriteStream(files.customers));
  await customers.write("external_id,name,niche,plan,mrr_cents,acquisition_channel,status,signed_up_at,term_months");
  for (const c of world.customerRows()) {
    await customers.write([c.externalId, c.name, c.niche, c.plan, c.mrrCents, c.acquisitionChannel, "ACTIVE", c.signedUpAt.toISOString(), c.termMonths].map(csv).join(","));
  }
  await customers.close();
  const events = new LineWriter(createWriteStream(files.events));
  for (const line of world.events()) await events.write(line);
  await events.close();
  const truth = new LineWriter(createWriteStream(files.truth));
  await truth.write("external_id,true_churn_probability_90d,churned_within_90d,churned_at");
  for (const t of world.truth) await truth.write([t.externalId, t.probability, t.churned ? 1 : 0, t.churnedAt?.toISOString() ?? ""].join(","));
  await truth.close();
  return { ...files, stats: world.stats };
}
