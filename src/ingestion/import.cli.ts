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
  --customers FILE  CSV (UTF-8) with a header: external_id, name, niche, plan, mrr_cents, acquisition_channel,
                    status, signed_up_at, churned_at, retention_cost_cents (external_id and name required;
                    dates RFC 3339 with Z or an offset; status CHURNED needs churned_at)
  --events FILE     one webhook event (JSON) per line, as POST /webhooks/events takes them, applied in time order
  --errors FILE     write every refused row there ("FILE:LINE: column: reason"); default: the first 20 on stderr
Re-running the same files changes nothing. Exit status 0 when every row was taken, 1 when some were refused.`;

const MAX_SHOWN = 20;

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
  // Events are judged in time order, so their errors come out of line order: each file's are sorted.
  const errorLines: string[] = [];
  const shown: string[] = [];
  const report = (file: string, errors: RowError[]) => {
    const lines = errors.sort((a, b) => a.line - b.line).map((e) => `${file}:${e.line}: ${e.reason}`);
    if (values.errors) errorLines.push(...lines);
    else shown.push(...lines.slice(0, MAX_SHOWN - shown.length));
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
      const errors: RowError[] = [];
      // Without --errors only the first lines are shown: keep the MAX_SHOWN lowest, not every error.
      const onError = (e: RowError) => {
        errors.push(e);
        if (!values.errors && errors.length > 2 * MAX_SHOWN) errors.sort((a, b) => a.line - b.line).splice(MAX_SHOWN);
      };
      try {
        summary = await run(context, file, { ...progress.options, onError });
      } catch (error) {
        throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
      } finally {
        progress.stop();
      }
      report(file, errors);
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
  } else {
    for (const line of shown) console.error(`  ${line}`);
    if (refused > shown.length) console.error(`  … and ${refused - shown.length} more (use --errors FILE for all)`);
  }
  return refused > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`import failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
