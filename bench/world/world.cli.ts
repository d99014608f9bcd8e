import { parseArgs } from "node:util";
import { DAY_MS } from "./model.js";
import { writeWorld } from "./write.js";

const USAGE = `Usage: tsx bench/world/world.cli.ts --out DIR [--seed S] [--customers 3000] [--days 730]
         [--until 2026-12-01] [--period-days 1] [--per-event] [--volume 1]

Writes DIR/customers.csv, DIR/events.ndjson (npm run import -- --customers … --events …) and
DIR/truth.csv (the true 90-day churn probability of the customers active at --until, and who
churned). Same options, same bytes. --until defaults to today 00:00 UTC; --per-event writes one
line per product event (no count) instead of one per customer, event name and period.`;

const { values } = parseArgs({
  options: {
    out: { type: "string" }, seed: { type: "string", default: "world" }, customers: { type: "string", default: "3000" },
    days: { type: "string", default: "730" }, until: { type: "string" }, "period-days": { type: "string", default: "1" },
    "per-event": { type: "boolean", default: false }, volume: { type: "string", default: "1" }, help: { type: "boolean", short: "h" },
  },
});
if (values.help || !values.out) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}
const until = values.until ? new Date(`${values.until}T00:00:00Z`) : new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
const started = performance.now();
const { stats } = await writeWorld(values.out, {
  seed: values.seed!, customers: Number(values.customers), days: Number(values.days), until,
  periodDays: Number(values["period-days"]), perEvent: values["per-event"], volume: Number(values.volume),
});
console.log(JSON.stringify({ ...stats, until: until.toISOString(), seconds: Math.round((performance.now() - started) / 100) / 10, heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) }));
