/**
 * `npm run bench`: every benchmark, against the PostgreSQL of DATABASE_URL (which it empties).
 * Figures, with the machine and dataset size, go into BENCHMARKS.md. `npm run bench -- exports
 * landing` runs only the scripts whose names contain one of the words.
 */
import { execFileSync } from "node:child_process";

if (!process.env.DATABASE_URL?.startsWith("postgres")) {
  console.error("Set DATABASE_URL=postgres://… : the benchmarks empty the database they run on.");
  process.exit(2);
}
const ALL = ["bench/seed.bench.ts", "bench/intelligence.bench.ts", "bench/landing.bench.ts", "bench/affiliate-stats.bench.ts", "bench/webhook.bench.ts", "bench/segment.bench.ts", "bench/stripe-webhook.bench.ts", "bench/churn-world.bench.ts", "bench/exports.bench.ts"];
const words = process.argv.slice(2);
const chosen = words.length === 0 ? ALL : ALL.filter((script) => words.some((word) => script.includes(word)));
if (chosen.length === 0) {
  console.error(`No benchmark matches ${words.join(", ")}; there are: ${ALL.join(", ")}`);
  process.exit(2);
}
for (const script of chosen) {
  console.log(`\n== ${script} ==`);
  execFileSync(process.execPath, ["--import", "tsx", script], { stdio: "inherit" });
}
