import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  execute,
  getArgumentValues,
  getVariableValues,
  Kind,
  parse,
  validate,
  type ValidationRule,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import { Role } from "../auth/roles.js";
import { landingCacheKey, type LandingCache, type LandingEntry, type LandingSource } from "./landing.cache.js";
import { normalizeLandingInput, type LandingInput } from "./landing.service.js";

// Apollo's per-request pipeline (parsing, validation, plugins, context, execution) costs
// several times the landingPage resolver, and Express's routing and body parsing cost more
// than a cached answer too; marketing sites ask the same few questions on every page view.
// So an anonymous request whose document is nothing but one landingPage field is answered by
// this plain node:http handler, in front of Express: the landing cache gives the page, and the
// exact bytes graphql-js produced for that (document, variables, page) are sent again. Anything
// else, or anything unusual, falls through to Express and Apollo untouched (a POST body this
// handler read is handed on as `req.body`, which express.json() then leaves alone).

interface Analysis {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  field: FieldNode;
  fieldDef: GraphQLField<unknown, unknown>;
}

/** The GraphQL parameters of a request, from a JSON body (POST) or the query string (GET). */
interface GraphQLParams {
  query?: string;
  variables: Record<string, unknown>;
  operationName?: string;
  hash?: string;
}

/** A request this handler has resolved before: what its raw parameters mean. */
interface KnownRequest {
  query: string;
  variables: Record<string, unknown>;
  input: LandingInput;
  /** The landing cache's key for `input`. */
  key: string;
  /** The last answer sent, and the ETag of the page it was rendered from. */
  response?: RenderedResponse;
  pageEtag?: string;
}

interface RenderedResponse {
  body: Buffer;
  etag: string;
  /** The headers of a POST answer, made on first use. */
  headers?: string[];
}

const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

const CDN_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
const FALLBACK_CACHE_CONTROL = "public, max-age=5";
const PERSISTED_QUERY_NOT_FOUND = Buffer.from(
  JSON.stringify({ errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] }) + "\n",
);
/** A larger POST body is no landing query: Express reads it, with its own limit. */
const MAX_FAST_BODY_BYTES = 16 * 1024;

export interface FastPathOptions {
  /** Distinct documents analysed and remembered (persisted-query hashes included). */
  maxDocuments?: number;
  /** Distinct raw requests (body or query string) remembered with their meaning and last answer. */
  maxRequests?: number;
  maxRequestBytes?: number;
  /** The rules Apollo validates with (its limits included): a document it would refuse is passed to it. */
  validationRules?: readonly ValidationRule[];
  maxTokens?: number;
}

/** What express.json() would have raised for a body this handler read: Express answers it the same way. */
export const PREREAD_BODY_ERROR = Symbol("advocate.prereadBodyError");

type PrereadRequest = IncomingMessage & { body?: unknown; [PREREAD_BODY_ERROR]?: Error };

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => {
    const type = part.split(";")[0]!.trim().toLowerCase();
    return type === "application/json" || type === "*/*" || type === "application/*";
  });
}

/** `application/json`, with no charset or utf-8: what express.json() parses without complaint. */
function isPlainJson(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [type, ...parameters] = contentType.toLowerCase().split(";");
  if (type!.trim() !== "application/json") return false;
  return parameters.every((p) => {
    const [name, value] = p.split("=").map((s) => s.trim());
    return name !== "charset" || value === "utf-8" || value === '"utf-8"';
  });
}

function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      chunks.push(chunk);
    });
    req.once("end", () => (received === length ? resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) : reject(new Error("request size did not match content length"))));
    req.once("error", reject);
  });
}

/** express.json()'s strict mode: only an object or an array is a JSON body. */
function parseStrictJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== "{" && first !== "[") {
    throw Object.assign(new SyntaxError(`Unexpected token ${first ?? "end"} in JSON: a body must be an object or an array`), { status: 400, statusCode: 400, expose: true, type: "entity.parse.failed" });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw Object.assign(error as Error, { status: 400, statusCode: 400, expose: true, type: "entity.parse.failed", body: text });
  }
}

function paramsOf(source: Record<string, unknown>): GraphQLParams | null {
  try {
    const parseJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const extensions = parseJson(source.extensions) as { persistedQuery?: { version?: number; sha256Hash?: string } } | undefined;
    const variables = parseJson(source.variables) as Record<string, unknown> | null | undefined;
    if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return null;
    return {
      query: typeof source.query === "string" ? source.query : undefined,
      variables: variables ?? {},
      operationName: typeof source.operationName === "string" ? source.operationName : undefined,
      hash: extensions?.persistedQuery?.version === 1 ? extensions.persistedQuery.sha256Hash : undefined,
    };
  } catch {
    return null;
  }
}

/** `/graphql` or `/graphql?…`: what this handler may look at (Express serves the rest). */
export function isGraphQLRequest(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return url === "/graphql" || url.startsWith("/graphql?");
}

export function createLandingFastPath(schema: GraphQLSchema, landing: LandingCache, options: FastPathOptions = {}) {
  const landingField = schema.getQueryType()!.getFields().landingPage!;
  const analyses = new LRUCache<string, Analysis | false>({ max: options.maxDocuments ?? 1_000 });
  /** Persisted-query hashes (sha256 of the document) this instance has been taught. */
  const persisted = new LRUCache<string, string>({ max: options.maxDocuments ?? 1_000 });
  /**
   * Raw requests (a POST body, a GET query string) already understood, with their last answer:
   * a repeat skips JSON parsing, variable coercion and execution while the page is unchanged.
   * Only requests that teach no persisted-query hash are kept.
   */
  const known = new LRUCache<string, KnownRequest>({
    max: options.maxRequests ?? 10_000,
    maxSize: options.maxRequestBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (request, raw) => raw.length * 2 + (request.response?.body.length ?? 0) + 600,
  });
  function analyse(query: string): Analysis | false {
    const remembered = analyses.get(query);
    if (remembered !== undefined) return remembered;
    let result: Analysis | false = false;
    try {
      const document = parse(query, { noLocation: true, maxTokens: options.maxTokens });
      const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
      const operation = operations[0];
      const selections = operation?.selectionSet.selections ?? [];
      let directives = false;
      visit(document, { Directive: () => void (directives = true) });
      if (
        operations.length === 1 &&
        operation!.operation === "query" &&
        selections.length === 1 &&
        selections[0]!.kind === Kind.FIELD &&
        selections[0]!.name.value === "landingPage" &&
        !directives &&
        validate(schema, document, options.validationRules).length === 0
      ) {
        result = { document, operation: operation!, field: selections[0] as FieldNode, fieldDef: landingField };
      }
    } catch {
      result = false;
    }
    analyses.set(query, result);
    return result;
  }

  /** What a request asks for, or undefined when it is not a plain landingPage query. */
  function understand(p: GraphQLParams, req: IncomingMessage, res: ServerResponse): KnownRequest | "answered" | undefined {
    let query = p.query;
    if (p.hash) {
      if (query) {
        // Teach the hash only when it is the document's: Apollo refuses a mismatch itself.
        if (createHash("sha256").update(query).digest("hex") !== p.hash) return undefined;
        persisted.set(p.hash, query);
      } else query = persisted.get(p.hash);
      // An unknown hash on a GET that Apollo would refuse as a possible CSRF: answer as Apollo's
      // persisted-query protocol expects, so the client resends the document with its hash.
      if (!query && req.method === "GET" && !req.headers["apollo-require-preflight"] && !req.headers["x-apollo-operation-name"]) {
        res.writeHead(200, {
          "Content-Type": "application/json; charset=utf-8",
          "Cache-Control": "private, no-cache, must-revalidate",
          "Content-Length": PERSISTED_QUERY_NOT_FOUND.length,
        });
        res.end(PERSISTED_QUERY_NOT_FOUND);
        return "answered";
      }
    }
    if (!query) return undefined;
    const analysis = analyse(query);
    if (!analysis || (p.operationName && p.operationName !== analysis.operation.name?.value)) return undefined;
    try {
      const coerced = getVariableValues(schema, analysis.operation.variableDefinitions ?? [], p.variables);
      if (coerced.errors) return undefined;
      const args = getArgumentValues(analysis.fieldDef, analysis.field, coerced.coerced);
      const input = normalizeLandingInput(args);
      return { query, variables: p.variables, input, key: landingCacheKey(input) };
    } catch {
      return undefined;
    }
  }

  /** graphql-js's answer for this request and page, as bytes; undefined when it reports an error. */
  async function render(request: KnownRequest, entry: LandingEntry, source: LandingSource): Promise<RenderedResponse | undefined> {
    const analysis = analyse(request.query);
    if (!analysis) return undefined;
    // The resolver sees the page this handler already fetched, so the page is read (and its
    // impressions counted) once per request.
    const context = { caller: { role: Role.PUBLIC }, landing: { get: async () => ({ entry, source }) } };
    const result = await execute({ schema, document: analysis.document, variableValues: request.variables, contextValue: context });
    if (result.errors) return undefined;
    const body = Buffer.from(JSON.stringify({ data: result.data }) + "\n");
    return { body, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
  }

  function send(req: IncomingMessage, res: ServerResponse, response: RenderedResponse, source: LandingSource): void {
    const fallback = source === "stale" || source === "default";
    if (req.method !== "GET" && !fallback) {
      res.writeHead(200, (response.headers ??= ["Content-Type", JSON_CONTENT_TYPE, "X-Advocate-Fast-Path", "1", "Content-Length", String(response.body.length)]));
      res.end(response.body);
      return;
    }
    const headers: Record<string, string | number> = { "Content-Type": JSON_CONTENT_TYPE, "X-Advocate-Fast-Path": "1" };
    if (fallback) headers["X-Advocate-Fallback"] = source;
    if (req.method === "GET") {
      // A GET with a persisted-query hash is a URL a CDN can cache.
      headers.ETag = response.etag;
      headers["Cache-Control"] = fallback ? FALLBACK_CACHE_CONTROL : CDN_CACHE_CONTROL;
      if (req.headers["if-none-match"] === response.etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    headers["Content-Length"] = response.body.length;
    res.writeHead(200, headers);
    res.end(response.body);
  }

  /** Sends the page for this entry; false when graphql-js reports an error (Apollo then answers instead). */
  function respond(req: IncomingMessage, res: ServerResponse, raw: string | undefined, request: KnownRequest, entry: LandingEntry, source: LandingSource): boolean | Promise<boolean> {
    if (request.response && request.pageEtag === entry.etag) {
      send(req, res, request.response, source);
      return true;
    }
    return render(request, entry, source).then((response) => {
      if (!response) return false;
      if (raw !== undefined && (source === "fresh" || source === "cached")) {
        // Remembered with the request (set again so that its size is counted anew).
        known.set(raw, { ...request, pageEtag: entry.etag, response });
      }
      send(req, res, response, source);
      return true;
    });
  }

  /** Answers a request understood before: synchronously when the page is cached. */
  function answer(req: IncomingMessage, res: ServerResponse, raw: string | undefined, request: KnownRequest): boolean | Promise<boolean> {
    const hit = landing.getCached(request.input, request.key);
    if (hit) return respond(req, res, raw, request, hit, "cached");
    return landing.get(request.input, request.key).then(({ entry, source }) => respond(req, res, raw, request, entry, source));
  }

  /**
   * Answers from the raw parameters (a body or a query string, the key of what is remembered),
   * or calls next() so that Express and Apollo do.
   */
  function serve(req: IncomingMessage, res: ServerResponse, raw: string, params: () => GraphQLParams | null, next: () => void): void {
    let request = known.get(raw);
    let rememberAs: string | undefined = raw;
    if (!request) {
      const p = params();
      if (!p) return next();
      const understood = understand(p, req, res);
      if (understood === "answered") return;
      if (!understood) return next();
      request = understood;
      // A request that teaches a persisted-query hash must reach understand() every time.
      if (!p.hash || !p.query) known.set(raw, request);
      else rememberAs = undefined;
    }
    const done = answer(req, res, rememberAs, request);
    if (done === true) return;
    if (done === false) return next();
    done.then(
      (ok) => ok || next(),
      () => res.headersSent || next(),
    );
  }

  /** Hands a POST to Express with the body read here, as express.json() would have left it. */
  function handOn(req: PrereadRequest, text: string, next: () => void): void {
    try {
      req.body = parseStrictJson(text);
    } catch (error) {
      req[PREREAD_BODY_ERROR] = error as Error;
    }
    next();
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
    const length = Number(req.headers["content-length"]);
    const encoding = req.headers["content-encoding"];
    if (!(length > 0 && length <= MAX_FAST_BODY_BYTES) || (encoding && encoding !== "identity") || !isPlainJson(req.headers["content-type"])) return next();
    readBody(req, length).then(
      (buffer) => {
        const text = buffer.toString("utf8");
        const preread = req as PrereadRequest;
        const request = known.get(text);
        if (request) {
          // Asked before: no JSON parsing unless Apollo must answer after all.
          const done = answer(req, res, text, request);
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
          preread[PREREAD_BODY_ERROR] = error as Error;
          return next();
        }
        preread.body = body;
        if (!body || typeof body !== "object" || Array.isArray(body)) return next();
        serve(req, res, text, () => paramsOf(body as Record<string, unknown>), next);
      },
      (error: Error) => {
        (req as PrereadRequest)[PREREAD_BODY_ERROR] = Object.assign(error, { status: 400, statusCode: 400, expose: true, type: "request.size.invalid" });
        next();
      },
    );
  };
}

/** Express middleware: raises what reading the body in front of Express found wrong, as express.json() would. */
export function prereadBodyErrors(req: IncomingMessage, _res: ServerResponse, next: (error?: unknown) => void): void {
  next((req as PrereadRequest)[PREREAD_BODY_ERROR]);
}
