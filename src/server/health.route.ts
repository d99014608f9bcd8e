import express, { type Router } from "express";
import type { DatabaseHandle } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import type { JobRunner } from "../jobs/job.runner.js";
import type { LandingCache } from "../landing/landing.cache.js";
import type { Lifecycle } from "./dispatch.js";

const READINESS_TIMEOUT_MS = 2_000;

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /healthz (the process answers) and GET /readyz (it can serve: not shutting down, the
 * database answers, the job runner polls).
 */
export function healthRouter({ database, landing, runner, lifecycle }: { database: DatabaseHandle; landing: LandingCache; runner: JobRunner; lifecycle: Lifecycle }): Router {
  const router = express.Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  // Readiness is public: it says what fails, never the driver's message (the database's address,
  // SQL). The detail goes to the log, once per new detail, not once per probe.
  let lastUnready: string | undefined;
  router.get("/readyz", async (_req, res) => {
    if (lifecycle.draining) return res.status(503).json({ status: "unavailable", reason: "shutting down" });
    try {
      await withTimeout(database.ping(), READINESS_TIMEOUT_MS);
      lastUnready = undefined;
      // The database answers again: landing pages will be fresh from the next miss on.
      landing.degraded = false;
      const jobs = !runner.polling ? "off" : runner.lastPollError ? "failing" : "running";
      // The poll's own error is logged by the runner ("job poll failed").
      if (jobs === "failing") return res.status(503).json({ status: "unavailable", reason: "job polling fails", database: database.kind, jobs });
      res.json({ status: "ready", database: database.kind, jobs });
    } catch (error) {
      const detail = describeError(error);
      if (detail.error !== lastUnready) log.warn("not ready: database unreachable", detail);
      lastUnready = detail.error as string;
      res.status(503).json({ status: "unavailable", reason: "database unreachable", landing: landing.degraded ? "fallback" : "ok" });
    }
  });
  return router;
}
