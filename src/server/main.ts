import "reflect-metadata";
import type { AddressInfo } from "node:net";
import { generateAdminKey } from "../auth/api-keys.js";
import { embeddedAdminKey } from "../auth/admin-key-file.js";
import { ConfigError, loadConfig } from "../config/env.js";
import { openDatabase } from "../db/client.js";
import { serviceContextWithoutServer } from "../db/change-bridge.js";
import { describeError, log } from "../common/log.js";
import { findLandingExample, loadDemoDataIfEmpty } from "../seed/demo.js";
import { recomputeAllScores } from "../intelligence/scores.service.js";
import { createApp } from "./app.js";
import { createHttpServer } from "./http-server.js";
import { startupGuide } from "./home.js";
import { createMailer } from "../email/mailer.js";

async function main() {
  const config = loadConfig();
  if (config.adminApiKey === undefined && config.database.kind !== "pglite") {
    throw new ConfigError("ADMIN_API_KEY is required with PostgreSQL (it is generated only for the embedded database)");
  }

  const database = await openDatabase(config.database);
  await database.migrate();
  let adminApiKey = config.adminApiKey;
  if (adminApiKey === undefined && config.database.kind === "pglite") {
    // A newcomer's `npm start` just works: a key kept beside the embedded database (the same at
    // every start, readable by a shell), or for this run only in memory; shown, never logged.
    const dataDir = config.database.dataDir;
    if (dataDir === undefined) {
      adminApiKey = generateAdminKey();
      process.stdout.write(`\nADMIN_API_KEY was not set; admin key for this run:\n\n  ${adminApiKey}\n\n`);
    } else {
      const stored = embeddedAdminKey(dataDir);
      adminApiKey = stored.key;
      process.stdout.write(
        `\nADMIN_API_KEY was not set; the admin key ${stored.created ? "generated for" : "kept with"} the embedded database (${stored.path}):\n\n` +
          `  ${adminApiKey}\n\nIn another shell, here: export ADMIN_API_KEY="$(cat ${stored.path})"\n\n`,
      );
    }
  }
  if (config.seedDemo) {
    const loaded = await loadDemoDataIfEmpty(database.db);
    if (loaded.customers > 0) log.info("loaded demo data into the empty database", loaded);
  }
  // Customers loaded in bulk (demo, imports) have no scores yet: compute them before serving.
  const scored = await recomputeAllScores(serviceContextWithoutServer(database.db, config.scoring, config.program.currency), new Date(), { onlyMissing: true });
  if (scored > 0) log.info("computed missing customer scores", { customers: scored });
  const landingExample = await findLandingExample(database.db);
  const mailer = createMailer(config.email);
  if (mailer.transport === "log") log.warn("SMTP_URL is unset: journey emails are written to the log, not sent");

  const app = await createApp({ ...config, adminApiKey }, { database, mailer, landingExample });
  // Slow or stalled clients (slowloris) are cut off instead of holding sockets.
  const server = createHttpServer(app.handler, config.requestTimeoutMs);
  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    const base = `http://localhost:${port}`;
    if (!config.production) process.stdout.write(startupGuide(base, landingExample));
    log.info("Advocate is listening", { url: `${base}/graphql`, index: `${base}/`, database: database.kind, demo: landingExample });
  });

  // Graceful shutdown: report not-ready (the balancer stops sending), stop accepting, let the
  // requests in flight finish (answers say Connection: close), finish or hand back running jobs,
  // flush impressions, close the database; past SHUTDOWN_TIMEOUT_SECONDS, exit 1.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info("shutting down", { signal, timeoutMs: config.shutdownTimeoutMs });
    setTimeout(() => {
      log.error("shutdown timed out: exiting with work unfinished", { ms: Date.now() - started });
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.drain();
    // Until the listener closes, connections the kernel has queued are served; closing it resets
    // them. So keep serving (answers say Connection: close, /readyz says 503) while the balancer
    // notices; Ctrl-C (SIGINT) does not wait.
    if (signal === "SIGTERM" && config.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainMs));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await app.stop({ timeoutMs: Math.max(1_000, config.shutdownTimeoutMs - (Date.now() - started) - 2_000) });
    await database.close();
    log.info("shut down", { signal, ms: Date.now() - started });
    process.exit(0);
  };
  // Ours alone (Apollo's stopOnTerminationSignals is off): a second signal does not restart it.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error) => {
  if (error instanceof ConfigError) log.error(`configuration: ${error.message}`);
  else log.error("failed to start", describeError(error));
  process.exit(1);
});
