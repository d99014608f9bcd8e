/**
 * The servers bench/landing.bench.ts measures, one per process, so that neither the load
 * generator nor the harness shares their event loop. Started with child_process.fork() and
 * `--import tsx`; the first message says what to serve:
 *
 *   { kind: "bare", body }            node:http answering every request with these JSON bytes (the ceiling)
 *   { kind: "apollo", page }          Apollo Server 5 standalone, `landingPage` resolving to this object (the peer)
 *   { kind: "app", databaseUrl, landingCache?, landingCatalog?, stripeWebhookSecrets? }   the real app (createApp) on http.createServer
 *
 * It answers { type: "listening", url }, then { type: "stats" } with { queries, sources } (SQL
 * statements so far; LandingCache answers by source, for "app") and exits on { type: "stop" }.
 */
import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Kind, parse, print, type DefinitionNode, type ObjectTypeDefinitionNode } from "graphql";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseDatabaseUrl } from "../src/config/env.js";
import { openDatabase, type DatabaseHandle } from "../src/db/client.js";
import type { Answer, LandingSource } from "../src/landing/landing.cache.js";
import type { ImpressionBufferOptions, LandingCacheOptions, LandingCatalogOptions } from "../src/config/config.js";
import type { LandingPageData } from "../src/landing/landing.service.js";
import { createApp } from "../src/server/app.js";
import { testConfig } from "../test/helpers/config.js";
import { BENCH_ADMIN_KEY } from "./http.js";

export type ServerSpec =
  | { kind: "bare"; body: string }
  | { kind: "apollo"; page: LandingPageData }
  | { kind: "app"; databaseUrl: string; landingCache?: Partial<LandingCacheOptions>; landingCatalog?: Partial<LandingCatalogOptions>; impressions?: Partial<ImpressionBufferOptions>; stripeWebhookSecrets?: string[] };

export interface ServerStats {
  queries: number;
  /** The server process's CPU time so far (user + system), in ms. */
  cpuMs: number;
  sources: Record<LandingSource, number>;
  /** Misses computed by SQL, and the catalog's whole loads and patches (app servers only). */
  catalog?: { bySql: number; loads: number; patches: number };
}

export type ServerMessage = { type: "listening"; url: string } | ({ type: "stats" } & ServerStats);

const LANDING_TYPES = new Set(["LandingPage", "LandingContent", "LandingMatch", "PublicAffiliate", "ContentKind"]);

/** The landing-page part of our committed SDL: its types, and a Query with `landingPage` alone. */
export function landingSdl(schemaFile = new URL("../schema/schema.graphql", import.meta.url)): string {
  const definitions: DefinitionNode[] = [];
  for (const definition of parse(readFileSync(schemaFile, "utf8")).definitions) {
    if (!("name" in definition) || !definition.name) continue;
    if (LANDING_TYPES.has(definition.name.value)) definitions.push(definition);
    if (definition.name.value === "Query") {
      const query = definition as ObjectTypeDefinitionNode;
      definitions.push({ ...query, fields: query.fields?.filter((field) => field.name.value === "landingPage") });
    }
  }
  return print({ kind: Kind.DOCUMENT, definitions });
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(spec: ServerSpec): Promise<{ url: string; stats(): ServerStats; stop(): Promise<void> }> {
  const sources: Record<LandingSource, number> = { fresh: 0, cached: 0, stale: 0, default: 0 };
  if (spec.kind === "bare") {
    const body = Buffer.from(spec.body);
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
      res.end(body);
    });
    const url = await listen(server);
    return { url, stats: () => ({ queries: 0, cpuMs: cpuMs(), sources }), stop: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  if (spec.kind === "apollo") {
    const apollo = new ApolloServer({ typeDefs: landingSdl(), resolvers: { Query: { landingPage: () => spec.page } } });
    const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: "127.0.0.1" } });
    return { url: url.replace(/\/$/, ""), stats: () => ({ queries: 0, cpuMs: cpuMs(), sources }), stop: () => apollo.stop() };
  }
  const database: DatabaseHandle = await openDatabase(parseDatabaseUrl(spec.databaseUrl));
  const app = await createApp(testConfig({
      adminApiKey: BENCH_ADMIN_KEY,
      landingCache: spec.landingCache,
      landingCatalog: spec.landingCatalog,
      impressions: spec.impressions,
      ...(spec.stripeWebhookSecrets ? { stripe: { webhookSecrets: spec.stripeWebhookSecrets }, visitRateLimit: { perMinute: 0 } } : {}),
    }), { database });
  // A probe, bench only: which answers were computed and which came from the cache, so the
  // report can show that the cached runs hit and the uncached run missed.
  // Hits are answered by getCached() (get() calls it too), the rest by miss() (get() calls it too).
  const getCached = app.landing.getCached.bind(app.landing);
  app.landing.getCached = (...args: Parameters<typeof getCached>) => {
    const hit = getCached(...args);
    if (hit) sources.cached++;
    return hit;
  };
  // Synchronous when miss() is (a miss the catalog decides): the probe must not add a promise.
  const miss = app.landing.miss.bind(app.landing);
  const count = (answer: Answer) => {
    if (answer.source !== "cached") sources[answer.source]++;
    return answer;
  };
  app.landing.miss = (...args: Parameters<typeof miss>) => {
    const answer = miss(...args);
    return answer instanceof Promise ? answer.then(count) : count(answer);
  };
  const server = createServer(app.handler);
  const url = await listen(server);
  return {
    url,
    stats: () => ({
      queries: database.queryCount(),
      cpuMs: cpuMs(),
      sources: { ...sources },
      catalog: { bySql: app.landing.stats.bySql, loads: app.landing.catalog?.stats.loads ?? 0, patches: app.landing.catalog?.stats.patches ?? 0 },
    }),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.stop();
      await database.close();
    },
  };
}

process.once("message", (spec: ServerSpec) => {
  start(spec).then(
    (server) => {
      process.on("message", (message: { type: string }) => {
        if (message.type === "stats") process.send!({ type: "stats", ...server.stats() } satisfies ServerMessage);
        if (message.type === "stop") void server.stop().finally(() => process.exit(0));
      });
      process.send!({ type: "listening", url: server.url } satisfies ServerMessage);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
