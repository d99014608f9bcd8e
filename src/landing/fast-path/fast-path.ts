import type { IncomingMessage, ServerResponse } from "node:http";
import type { GraphQLSchema, ValidationRule } from "graphql";
import { LRUCache } from "lru-cache";
import { landingCacheKey, type LandingCache, type LandingEntry, type LandingSource } from "../landing.cache.js";
import type { LandingInput } from "../landing.service.js";
import { createAnalyser, landingInputOf, type Analysis } from "./analysis.js";
import { failBody, failBodyRead, fastBodyLength, handOn, parseStrictJson, readBody, type PrereadRequest } from "./body.js";
import { createPersistedQueries, paramsOf, type GraphQLParams } from "./params.js";
import { render, send, type RenderedResponse } from "./response.js";

// Apollo's per-request pipeline (parsing, validation, plugins, context, execution) costs
// several times the landingPage resolver, and Express's routing and body parsing cost more
// than a cached answer too; marketing sites ask the same few questions on every page view.
// So an anonymous request whose document is nothing but one landingPage field is answered by
// this plain node:http handler, in front of Express: the landing cache gives the page, and the
// exact bytes graphql-js produced for that (document, variables, page) are sent again. Anything
// else, or anything unusual, falls through to Express and Apollo untouched (a POST body this
// handler read is handed on as `req.body`, which express.json() then leaves alone).
//
// Its parts: body.ts reads a POST body in front of Express; params.ts reads the GraphQL
// parameters and persisted-query hashes; analysis.ts decides which documents qualify;
// response.ts renders and sends the answer.

/** A request this handler has resolved before: what its raw parameters mean. */
interface KnownRequest {
  analysis: Analysis;
  variables: Record<string, unknown>;
  input: LandingInput;
  /** The landing cache's key for `input`. */
  key: string;
}

/** Distinct documents analysed and remembered (persisted-query hashes included). */
const MAX_DOCUMENTS = 1_000;
/**
 * Distinct raw requests (body or query string) remembered with their meaning, and their bytes:
 * marketing sites spread over tens of thousands of (affiliate, niche) pages.
 */
const MAX_REQUESTS = 20_000;
const MAX_REQUEST_BYTES = 24 * 1024 * 1024;

export interface FastPathOptions {
  /** The rules Apollo validates with (its limits included): a document it would refuse is passed to it. */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  /** PUBLIC_CORS_ORIGINS: landingPage is public, so its answers carry CORS for them. */
  corsOrigins: readonly string[];
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => {
    const type = part.split(";")[0]!.trim().toLowerCase();
    return type === "application/json" || type === "*/*" || type === "application/*";
  });
}

/** `/graphql` or `/graphql?…`: what this handler may look at (Express serves the rest). */
export function isGraphQLRequest(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return url === "/graphql" || url.startsWith("/graphql?");
}

export function createLandingFastPath(schema: GraphQLSchema, landing: LandingCache, options: FastPathOptions) {
  const analyse = createAnalyser(schema, { maxDocuments: MAX_DOCUMENTS, ...options });
  const documentOf = createPersistedQueries(MAX_DOCUMENTS);
  /**
   * Raw requests (a POST body, a GET query string) already understood: a repeat skips JSON
   * parsing and variable coercion. Only requests that teach no persisted-query hash are kept.
   * The answer itself is kept with the landing entry it was rendered from (entry.rendered), so
   * it lives and goes with the page.
   */
  const known = new LRUCache<string, KnownRequest>({
    max: MAX_REQUESTS,
    maxSize: MAX_REQUEST_BYTES,
    sizeCalculation: (_request, raw) => raw.length * 2 + 600,
  });

  /** What a request asks for, or undefined when it is not a plain landingPage query. */
  function understand(p: GraphQLParams, req: IncomingMessage, res: ServerResponse): KnownRequest | "answered" | undefined {
    const query = documentOf(p, req, res);
    if (query === "answered") return query;
    if (!query) return undefined;
    const analysis = analyse(query);
    if (!analysis || (p.operationName && p.operationName !== analysis.operation.name?.value)) return undefined;
    const input = landingInputOf(schema, analysis, p.variables);
    return input && { analysis, variables: p.variables, input, key: landingCacheKey(input) };
  }

  /**
   * Sends the page for this entry; false when graphql-js reports an error (Apollo then answers
   * instead). The entry keeps the projected answer for the document it was last rendered for:
   * a projection reads only the page (no directives, no field arguments: analysis.ts,
   * projection.ts), so it is the same bytes for every request of that document on this entry.
   */
  function respond(req: IncomingMessage, res: ServerResponse, request: KnownRequest, entry: LandingEntry, source: LandingSource): boolean | Promise<boolean> {
    const { analysis } = request;
    const kept = entry.rendered;
    if (kept && kept.document === analysis) {
      send(req, res, kept.response as RenderedResponse, source, options.corsOrigins);
      return true;
    }
    const sent = (response: RenderedResponse | undefined) => {
      if (!response) return false;
      // Only a projected answer is kept: it reads nothing but the page. An executed one may read
      // variables the page does not depend on (should a landing type's field ever take arguments).
      if (analysis.project) entry.rendered = { document: analysis, response };
      send(req, res, response, source, options.corsOrigins);
      return true;
    };
    const response = render(schema, analysis, request.variables, entry, source);
    return response instanceof Promise ? response.then(sent) : sent(response);
  }

  /** Answers a request understood before: synchronously when the page is cached or decided in memory. */
  function answer(req: IncomingMessage, res: ServerResponse, request: KnownRequest): boolean | Promise<boolean> {
    const hit = landing.getCached(request.input, request.key);
    if (hit) return respond(req, res, request, hit, "cached");
    let got: ReturnType<LandingCache["miss"]>;
    try {
      got = landing.miss(request.input, request.key);
    } catch (error) {
      // Apollo answers instead (with the error, if it recurs).
      return Promise.reject(error);
    }
    if (!(got instanceof Promise)) return respond(req, res, request, got.entry, got.source);
    return got.then(({ entry, source }) => respond(req, res, request, entry, source));
  }

  /**
   * Answers from the raw parameters (a body or a query string, the key of what is remembered),
   * or calls next() so that Express and Apollo do.
   */
  function serve(req: IncomingMessage, res: ServerResponse, raw: string, params: () => GraphQLParams | null, next: () => void): void {
    let request = known.get(raw);
    if (!request) {
      const p = params();
      if (!p) return next();
      const understood = understand(p, req, res);
      if (understood === "answered") return;
      if (!understood) return next();
      request = understood;
      // A request that teaches a persisted-query hash must reach understand() every time.
      if (!p.hash || !p.query) known.set(raw, request);
    }
    const done = answer(req, res, request);
    if (done === true) return;
    if (done === false) return next();
    done.then(
      (ok) => ok || next(),
      () => res.headersSent || next(),
    );
  }

  /**
   * The node:http handler for /graphql. `next` hands the request to Express (with `req.body`
   * set when this handler read it).
   */
  return function landingGraphQL(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const method = req.method;
    if ((method !== "GET" && method !== "POST") || req.headers.authorization || !acceptsJson(req.headers.accept)) return next();
    if (method === "GET") {
      const url = req.url!;
      const queryString = url.length > "/graphql?".length ? url.slice("/graphql?".length) : "";
      if (!queryString) return next();
      return serve(req, res, `GET ${queryString}`, () => paramsOf(Object.fromEntries(new URLSearchParams(queryString))), next);
    }
    const length = fastBodyLength(req);
    if (length === undefined) return next();
    readBody(req, length).then(
      (buffer) => {
        const text = buffer.toString("utf8");
        const preread = req as PrereadRequest;
        const request = known.get(text);
        if (request) {
          // Asked before: no JSON parsing unless Apollo must answer after all.
          const done = answer(req, res, request);
          if (done === true) return;
          if (done === false) return handOn(preread, text, next);
          done.then(
            (ok) => ok || handOn(preread, text, next),
            () => res.headersSent || handOn(preread, text, next),
          );
          return;
        }
        let body: unknown;
        try {
          body = parseStrictJson(text);
        } catch (error) {
          failBody(req, error as Error);
          return next();
        }
        preread.body = body;
        if (!body || typeof body !== "object" || Array.isArray(body)) return next();
        serve(req, res, text, () => paramsOf(body as Record<string, unknown>), next);
      },
      (error: Error) => {
        failBodyRead(req, error);
        next();
      },
    );
  };
}
