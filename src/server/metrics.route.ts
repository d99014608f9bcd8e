import express, { type Router } from "express";
import { bearerToken, sameSecret } from "../auth/api-keys.js";
import type { Metrics } from "./observability.js";

/** GET /metrics, scraped from inside the network; with METRICS_TOKEN set, only with that bearer token. */
export function metricsRouter(metrics: Metrics, metricsToken: string | undefined): Router {
  const router = express.Router();
  router.get("/metrics", async (req, res) => {
    if (metricsToken !== undefined && !sameSecret(bearerToken(req.headers.authorization ?? "") ?? "", metricsToken)) {
      return res.status(401).set("www-authenticate", "Bearer").json({ error: { code: "UNAUTHENTICATED", message: "a valid metrics token is required" } });
    }
    res.set("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
