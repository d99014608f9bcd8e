import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { sql } from "drizzle-orm";
import { queryRows, type DatabaseHandle } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import { isUnexpectedError } from "../common/errors.js";
import type { LandingCache } from "../landing/landing.cache.js";
import type { JobRunner } from "../jobs/job.runner.js";
import type { Context } from "../graphql/context.js";

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route a request is counted under: a fixed set, never the raw path (unbounded labels). */
export function routeOf(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0]!;
  if (path === "/graphql") return "graphql";
  if (path === "/landing") return "landing";
  if (path.startsWith("/webhooks/")) return "webhook";
  if (path === "/unsubscribe") return "unsubscribe";
  if (path === "/healthz" || path === "/readyz" || path === "/metrics") return path.slice(1);
  if (path.startsWith("/demo/")) return "demo";
  return "other";
}

/**
 * Prometheus metrics (prom-client), served at /metrics: HTTP requests and latency by route and
 * status, GraphQL requests and latency by operation and status, landing-cache hits and misses,
 * database connections, job queue depth, and Node's own process metrics (memory, event loop,
 * GC), which the soak benchmark reads.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = new Counter({ name: "advocate_http_requests_total", help: "HTTP requests by route, method and status", labelNames: ["route", "method", "status"], registers: [this.registry] });
  private readonly httpDuration = new Histogram({ name: "advocate_http_request_duration_seconds", help: "HTTP request latency by route", labelNames: ["route"], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly graphqlRequests = new Counter({
    name: "advocate_graphql_requests_total",
    help: "GraphQL operations by operation (type and root fields) and status (ok, or the first error code)",
    labelNames: ["operation", "status"],
    registers: [this.registry],
  });
  private readonly stripeEvents = new Counter({
    name: "advocate_stripe_events_total",
    help: "Stripe events answered 200, by type and outcome (applied, duplicate, ignored, stale, rejected)",
    labelNames: ["type", "outcome"],
    registers: [this.registry],
  });
  private readonly segmentCalls = new Counter({
    name: "advocate_segment_calls_total",
    help: "Calls to the Segment routes (/v1/*), by type and outcome (accepted, duplicate, rejected, unknown_account)",
    labelNames: ["type", "outcome"],
    registers: [this.registry],
  });
  private readonly stripeUnlinked = new Counter({
    name: "advocate_stripe_unlinked_payments_total",
    help: "Stripe invoices paid by a Stripe customer Advocate did not know yet (kept unlinked, linked when it is known)",
    registers: [this.registry],
  });
  private readonly graphqlDuration = new Histogram({ name: "advocate_graphql_request_duration_seconds", help: "GraphQL latency by operation", labelNames: ["operation"], buckets: LATENCY_BUCKETS, registers: [this.registry] });

  constructor(deps: { database: DatabaseHandle; landing: LandingCache; jobs: JobRunner }) {
    collectDefaultMetrics({ register: this.registry, prefix: "advocate_" });
    const { landing, jobs, database } = deps;
    const landingCounter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    landingCounter("advocate_landing_cache_hits_total", "Landing pages answered from memory", () => landing.stats.hits);
    landingCounter("advocate_landing_cache_misses_total", "Landing pages not in the cache: decided by the catalog or computed from the database", () => landing.stats.misses);
    landingCounter("advocate_landing_cache_sql_misses_total", "Landing-page misses computed by SQL (no catalog in use, or a whole reload under way)", () => landing.stats.bySql);
    landingCounter("advocate_landing_cache_stale_total", "Landing pages served stale while the database failed", () => landing.stats.stale);
    landingCounter("advocate_landing_cache_fallbacks_total", "Landing pages answered with the built-in default", () => landing.stats.fallbacks);
    new Gauge({
      name: "advocate_landing_cache_entries",
      help: "Landing answers held in memory",
      registers: [this.registry],
      collect() {
        this.set(landing.size.entries);
      },
    });
    // The landing catalog: what it holds, whether misses use it, how its loads go.
    const catalogGauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read());
        },
      });
    const catalog = landing.catalog;
    catalogGauge("advocate_landing_catalog_in_use", "1 while landing misses are decided in memory, 0 while they use SQL", () => (catalog?.mode === "in-use" ? 1 : 0));
    catalogGauge("advocate_landing_catalog_assets", "Live assets the landing catalog holds", () => catalog?.size.assets ?? 0);
    catalogGauge("advocate_landing_catalog_bytes", "Estimated memory of the landing catalog (bounded by LANDING_CATALOG_MAX_MB)", () => catalog?.size.bytes ?? 0);
    catalogGauge("advocate_landing_catalog_stale", "1 while the landing catalog misses a change it could not load", () => (catalog?.stale ? 1 : 0));
    catalogGauge("advocate_landing_catalog_load_seconds", "Duration of the last full load of the landing catalog", () => (catalog?.stats.lastLoadMs ?? 0) / 1000);
    landingCounter("advocate_landing_catalog_loads_total", "Full loads of the landing catalog", () => catalog?.stats.loads ?? 0);
    landingCounter("advocate_landing_catalog_patches_total", "Landing catalog snapshots rebuilt with only the changed assets reloaded", () => catalog?.stats.patches ?? 0);
    landingCounter("advocate_landing_catalog_load_failures_total", "Loads of the landing catalog that failed", () => catalog?.stats.failedLoads ?? 0);
    new Gauge({
      name: "advocate_jobs",
      help: "Jobs by state: queued, due (queued and due now), running, failed",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        try {
          const depth = await jobs.depth();
          for (const [state, n] of Object.entries(depth)) this.set({ state }, n);
        } catch {
          // The database is down: the gauge keeps its last values; /readyz says why.
        }
      },
    });
    new Gauge({
      name: "advocate_db_connections",
      help: "Database connections of this application by state (PostgreSQL: from pg_stat_activity, all instances)",
      labelNames: ["state"],
      registers: [this.registry],
      async collect() {
        if (database.kind !== "postgres") return this.set({ state: "embedded" }, 1);
        try {
          const rows = await queryRows<{ state: string | null; n: number }>(
            database.db,
            sql`select coalesce(state, 'unknown') as state, count(*)::int as n from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid() group by 1`,
          );
          this.reset();
          for (const row of rows) this.set({ state: row.state ?? "unknown" }, row.n);
        } catch {
          // As above.
        }
      },
    });
    new Gauge({
      name: "advocate_db_queries_total",
      help: "SQL statements this process sent",
      registers: [this.registry],
      collect() {
        this.set(database.queryCount());
      },
    });
  }

  // Label children resolved once per label set: every landing page view passes here, and
  // resolving labels (hashing a label object) per request cost more than the counting.
  private readonly counterChildren = new Map<string, { inc(): void }>();
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();

  /** Counts and times one HTTP request when its response is done. */
  observe(req: IncomingMessage, res: ServerResponse, started = performance.now()): void {
    // The route is read now: Express rewrites req.url under a mount path ("/graphql" → "/").
    const route = routeOf(req.url);
    res.once("finish", () => this.record(req, res, started, route));
  }

  /** Counts and times a request whose answer is written (or failed) now. */
  record(req: IncomingMessage, res: ServerResponse, started: number, route = routeOf(req.url)): void {
    const key = `${route} ${req.method} ${res.statusCode}`;
    let counter = this.counterChildren.get(key);
    if (!counter) this.counterChildren.set(key, (counter = this.httpRequests.labels(route, req.method ?? "GET", String(res.statusCode))));
    counter.inc();
    let duration = this.durationChildren.get(route);
    if (!duration) this.durationChildren.set(route, (duration = this.httpDuration.labels(route)));
    duration.observe((performance.now() - started) / 1000);
  }

  /** A Stripe event answered; the type label only as Stripe spells types (signed, so bounded by Stripe's list). */
  stripeEvent(type: string, outcome: string, unlinked = false): void {
    this.stripeEvents.inc({ type: /^[a-z0-9_.]{1,80}$/.test(type) ? type : "other", outcome });
    if (unlinked) this.stripeUnlinked.inc();
  }

  /** Calls of a Segment request: type is one of the five or "invalid", so the labels stay bounded. */
  segment(outcomes: readonly { type: string; status: string }[]): void {
    const counts = new Map<string, number>();
    for (const o of outcomes) counts.set(`${o.type}\u0000${o.status}`, (counts.get(`${o.type}\u0000${o.status}`) ?? 0) + 1);
    for (const [key, n] of counts) {
      const [type, outcome] = key.split("\u0000");
      this.segmentCalls.inc({ type, outcome }, n);
    }
  }

  graphql(operation: string, status: string, seconds: number): void {
    this.graphqlRequests.inc({ operation, status });
    this.graphqlDuration.observe({ operation }, seconds);
  }
}

/** "query customers,segments": the operation type and its root fields (bounded by the schema, unlike client-chosen names). */
function operationLabel(operation: { operation: string; selectionSet: { selections: readonly { kind: string; name?: { value: string } }[] } } | null | undefined): string {
  if (!operation) return "unparsed";
  const fields = operation.selectionSet.selections.map((s) => (s.kind === "Field" ? s.name!.value : "…"));
  return `${operation.operation} ${[...new Set(fields)].sort().join(",")}`.slice(0, 120);
}

/**
 * Per GraphQL request: a structured log line (request id, operation, role, duration, outcome),
 * the metrics, the request id on the response (header, and on masked errors so a client can
 * quote it), and every unexpected error logged with the request id.
 */
export function observabilityPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (isUnexpectedError(error)) {
              log.error("unexpected error in a request", { requestId: contextValue.requestId, operationName, ...describeError(error.originalError ?? error) });
            }
          }
        },
        async willSendResponse({ response, operation, operationName, errors }) {
          response.http.headers.set("x-request-id", contextValue.requestId);
          if (response.body.kind === "single") {
            for (const error of response.body.singleResult.errors ?? []) {
              if (error.extensions?.code === "INTERNAL_SERVER_ERROR") (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
          const seconds = (performance.now() - started) / 1000;
          const label = operationLabel(operation);
          // The code the client sees: a domain error (FORBIDDEN, BAD_USER_INPUT) gets it in formatError.
          const sent = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const first = sent?.[0] ?? errors?.[0];
          const status = first ? String(first.extensions?.code ?? "ERROR") : "ok";
          metrics.graphql(label, status, seconds);
          log.info("graphql request", {
            requestId: contextValue.requestId,
            operation: label,
            operationName: operationName ?? undefined,
            role: contextValue.caller?.role,
            ms: Math.round(seconds * 10_000) / 10,
            status,
          });
        },
      };
    },
  };
}
