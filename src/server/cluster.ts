import "reflect-metadata";
import cluster from "node:cluster";
import { availableParallelism } from "node:os";
import { ConfigError, loadConfig } from "../config/env.js";
import { openDatabase } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import { loadDemoDataIfEmpty } from "../seed/demo.js";

/**
 * `npm run start:cluster`: one Advocate process per core of this machine (CLUSTER_WORKERS,
 * default all), sharing the port (node:cluster). Each worker is the same stateless server as
 * `npm start`: its landing cache is kept in step with the others over LISTEN/NOTIFY, its job
 * runner shares the jobs table, rate limits are per worker. PostgreSQL only: the embedded
 * database belongs to one process. The primary migrates and seeds before forking (so workers
 * never race to), restarts a worker that dies, and on SIGTERM passes it on and waits.
 */
async function primary() {
  const config = loadConfig();
  if (config.database.kind !== "postgres") throw new ConfigError("cluster mode needs DATABASE_URL=postgres://… (the embedded database belongs to one process)");
  const workers = Number(process.env.CLUSTER_WORKERS ?? "") || availableParallelism();
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    if (config.seedDemo) await loadDemoDataIfEmpty(database.db);
  } finally {
    await database.close();
  }

  let stopping = false;
  const fork = () => cluster.fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    log.error("cluster worker died: starting another", { pid: worker.process.pid, code, signal });
    setTimeout(fork, 1_000);
  });
  for (let i = 0; i < workers; i++) fork();
  log.info("cluster started", { workers });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info("cluster shutting down", { signal });
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const done = () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0);
    cluster.on("exit", done);
    done();
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 5_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

if (cluster.isPrimary) {
  primary().catch((error) => {
    if (error instanceof ConfigError) log.error(`configuration: ${error.message}`);
    else log.error("cluster failed to start", describeError(error));
    process.exit(1);
  });
} else {
  await import("./main.js");
}
