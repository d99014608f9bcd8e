import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

// A PostgreSQL server of a test's own, which it may stop and start (an outage) without
// disturbing the server every other test file shares. Started by .ci/start-postgres.sh.

const BIN = process.env.ADVOCATE_PG_BIN ?? "/usr/lib/postgresql/15/bin";

export const canRunPrivatePostgres = () => existsSync(`${BIN}/pg_ctl`) && (process.getuid?.() === 0 || process.env.USER === "postgres");

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  destroy(): void;
}

function asOwner(args: string[]) {
  const command = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", ...args] : args;
  execFileSync(command[0]!, command.slice(1), { stdio: "pipe", cwd: "/", timeout: 60_000 });
}

export function startPrivatePostgres(): PrivatePostgres {
  const out = execFileSync("bash", [".ci/start-postgres.sh", "start"], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ADVOCATE_PG_PORT: String(55000 + Math.floor(Math.random() * 900)) },
    timeout: 90_000,
  });
  const vars = Object.fromEntries([...out.matchAll(/\b(PG_\w+)=['"]?([^'"\s]+)/g)].map((m) => [m[1], m[2]]));
  const { PG_URL: url, PG_DIR: dir, PG_PORT: port } = vars as Record<string, string>;
  if (!url || !dir || !port) throw new Error(`could not start a private PostgreSQL: ${out}`);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  return {
    url,
    stop: () => asOwner([`${BIN}/pg_ctl`, "-D", `${dir}/data`, "-m", "fast", "-w", "-t", "30", "stop"]),
    start: () => asOwner([`${BIN}/pg_ctl`, "-D", `${dir}/data`, "-l", `${dir}/postgres.log`, "-w", "-t", "60", "-o", options, "start"]),
    destroy: () => execFileSync("bash", [".ci/start-postgres.sh", "stop", dir], { stdio: "pipe", timeout: 60_000 }),
  };
}
