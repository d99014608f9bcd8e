import "reflect-metadata";
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { parseDatabaseUrl, parseScoringConfig } from "../config/env.js";
import { openDatabase } from "../db/client.js";
import { serviceContextWithoutServer } from "../db/change-bridge.js";
import { importCustomersCsv, importEventsNdjson, type ImportOptions, type ImportSummary, type RowError } from "./import.service.js";

const USAGE = `Usage: npm run import -- [--customers customers.csv] [--events events.ndjson] [--errors report.txt]

Imports into the database of DATABASE_URL (unset: PGlite in ./data), streaming and in batches:
  --customers FILE  CSV with a header: external_id, name, niche, plan, mrr_cents, acquisition_channel,
                    status, signed_up_at, retention_cost_cents (external_id and name required)
  --events FILE     one webhook event (JSON) per line, as POST /webhooks/events takes them
  --errors FILE     write every refused row there ("line N: reason"); default: the first 20 on stderr
Re-running the same file changes nothing. Exit status 0 when every row was taken, 1 when some were refused.`;

function progressFor(file: string): { options: Pick<ImportOptions, "onProgress">; stop(): void } {
  if (!process.stderr.isTTY) return { options: {}, stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: " {bar} {percentage}% | {value}/{total} KB", hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
  bar.start(Math.ceil(statSync(file).size / 1024), 0);
  return { options: { onProgress: (bytes) => bar.update(Math.ceil(bytes / 1024)) }, stop: () => bar.stop() };
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { customers: { type: "string" }, events: { type: "string" }, errors: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) return console.log(USAGE), 0;
  if (!values.customers && !values.events) return console.error(USAGE), 2;
  const errorLines: string[] = [];
  let shown = 0;
  const onError = (e: RowError) => {
    if (values.errors) errorLines.push(`line ${e.line}: ${e.reason}`);
    else if (shown++ < 20) console.error(`  line ${e.line}: ${e.reason}`);
  };
  const handle = await openDatabase(parseDatabaseUrl(process.env.DATABASE_URL));
  const context = serviceContextWithoutServer(handle.db, parseScoringConfig(process.env));
  let refused = 0;
  try {
    await handle.migrate();
    const jobs: [string, string | undefined, typeof importCustomersCsv][] = [
      ["customers", values.customers, importCustomersCsv],
      ["events", values.events, importEventsNdjson],
    ];
    for (const [what, file, run] of jobs) {
      if (!file) continue;
      const started = performance.now();
      const progress = progressFor(file);
      let summary: ImportSummary;
      try {
        summary = await run(context, file, { ...progress.options, onError });
      } finally {
        progress.stop();
      }
      refused += summary.rejected;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        what === "customers"
          ? `customers: ${summary.rows} rows, ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} refused, in ${seconds} s`
          : `events: ${summary.rows} lines, ${summary.created} stored, ${summary.unchanged} already stored, ${summary.rejected} refused, in ${seconds} s`,
      );
    }
  } finally {
    await context.settled();
    await handle.close();
  }
  if (values.errors) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(values.errors, errorLines.join("\n") + (errorLines.length ? "\n" : ""));
  } else if (shown > 20) console.error(`  … and ${shown - 20} more (use --errors FILE for all)`);
  return refused > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`import failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
