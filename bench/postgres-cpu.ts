import { readdirSync, readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../src/db/client.js";

// The CPU a benchmark's PostgreSQL server spends, read from this machine's /proc (Linux): the
// postmaster and its children (backends, WAL writer, autovacuum). The benches run it on the same
// machine, so it is a share of the same cores.

/** The postmaster of the server `db` talks to (its backend's parent). */
export async function postmasterOf(db: Database): Promise<number> {
  const [backend] = await queryRows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`);
  return Number(readFileSync(`/proc/${backend!.pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ")[1]);
}

/** CPU seconds of the postmaster's processes so far (those that ended are no longer counted). */
export function postgresCpuSeconds(postmaster: number): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
      if (Number(fields[1]) === postmaster || Number(pid) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100;
}
