import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import {
  execute,
  getArgumentValues,
  getVariableValues,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import { Role } from "../auth/roles.js";
import type { LandingCache, LandingEntry, LandingSource } from "./landing.cache.js";
import { normalizeLandingInput } from "./landing.service.js";

// Apollo's per-request pipeline (parsing, validation, plugins, context, execution) costs
// several times the landingPage resolver, and marketing sites ask the same few questions on
// every page view. For an anonymous request whose document is nothing but one landingPage
// field, this handler answers before Apollo: the landing cache gives the page, and the exact
// bytes graphql-js produced for that (document, variables, page) are sent again. Anything
// else, or anything unusual, falls through to Apollo untouched.

interface Analysis {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  field: FieldNode;
  fieldDef: GraphQLField<unknown, unknown>;
}

const CDN_CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600";
const PERSISTED_QUERY_NOT_FOUND =
  JSON.stringify({ errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] }) + "\n";

export interface FastPathOptions {
  /** Distinct documents analysed and remembered (persisted-query hashes included). */
  maxDocuments?: number;
  maxResponses?: number;
  maxResponseBytes?: number;
}

function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(",").some((part) => {
    const type = part.split(";")[0]!.trim().toLowerCase();
    return type === "application/json" || type === "*/*" || type === "application/*";
  });
}

export function createLandingFastPath(schema: GraphQLSchema, landing: LandingCache, options: FastPathOptions = {}) {
  const landingField = schema.getQueryType()!.getFields().landingPage!;
  const analyses = new LRUCache<string, Analysis | false>({ max: options.maxDocuments ?? 1_000 });
  /** Persisted-query hashes (sha256 of the document) this instance has been taught. */
  const persisted = new LRUCache<string, string>({ max: options.maxDocuments ?? 1_000 });
  const responses = new LRUCache<string, { body: Buffer; etag: string }>({
    max: options.maxResponses ?? 10_000,
    maxSize: options.maxResponseBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (response, key) => response.body.length + key.length + 64,
  });

  function analyse(query: string): Analysis | false {
    const known = analyses.get(query);
    if (known !== undefined) return known;
    let result: Analysis | false = false;
    try {
      const document = parse(query, { noLocation: true });
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
        validate(schema, document).length === 0
      ) {
        result = { document, operation: operation!, field: selections[0] as FieldNode, fieldDef: landingField };
      }
    } catch {
      result = false;
    }
    analyses.set(query, result);
    return result;
  }

  /** The request's GraphQL parameters, from a JSON body (POST) or the query string (GET). */
  function params(req: Request): { query?: string; variables?: Record<string, unknown>; operationName?: string; hash?: string } | null {
    try {
      const source = req.method === "GET" ? req.query : req.body;
      if (!source || typeof source !== "object") return null;
      const raw = source as Record<string, unknown>;
      const parseJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
      const extensions = parseJson(raw.extensions) as { persistedQuery?: { version?: number; sha256Hash?: string } } | undefined;
      const variables = parseJson(raw.variables) as Record<string, unknown> | null | undefined;
      if (variables != null && (typeof variables !== "object" || Array.isArray(variables))) return null;
      return {
        query: typeof raw.query === "string" ? raw.query : undefined,
        variables: variables ?? {},
        operationName: typeof raw.operationName === "string" ? raw.operationName : undefined,
        hash: extensions?.persistedQuery?.version === 1 ? extensions.persistedQuery.sha256Hash : undefined,
      };
    } catch {
      return null;
    }
  }

  return async function landingFastPath(req: Request, res: Response, next: NextFunction) {
    if ((req.method !== "GET" && req.method !== "POST") || req.headers.authorization || !acceptsJson(req.headers.accept)) return next();
    const p = params(req);
    if (!p) return next();
    let query = p.query;
    if (p.hash) {
      if (query) {
        // Teach the hash only when it is the document's: Apollo refuses a mismatch itself.
        if (createHash("sha256").update(query).digest("hex") !== p.hash) return next();
        persisted.set(p.hash, query);
      } else query = persisted.get(p.hash);
      // An unknown hash on a GET that Apollo would refuse as a possible CSRF: answer as Apollo's
      // persisted-query protocol expects, so the client resends the document with its hash.
      if (!query && req.method === "GET" && !req.headers["apollo-require-preflight"] && !req.headers["x-apollo-operation-name"]) {
        res.setHeader("Content-Type", "application/json; charset=utf-8");
        res.setHeader("Cache-Control", "private, no-cache, must-revalidate");
        res.end(PERSISTED_QUERY_NOT_FOUND);
        return;
      }
    }
    if (!query) return next();
    const analysis = analyse(query);
    if (!analysis || (p.operationName && p.operationName !== analysis.operation.name?.value)) return next();

    let entry: LandingEntry;
    let source: LandingSource;
    try {
      const coerced = getVariableValues(schema, analysis.operation.variableDefinitions ?? [], p.variables ?? {});
      if (coerced.errors) return next();
      const args = getArgumentValues(analysis.fieldDef, analysis.field, coerced.coerced);
      ({ entry, source } = await landing.get(normalizeLandingInput(args)));
    } catch {
      return next();
    }

    const key = `${query}\u0000${JSON.stringify(p.variables ?? {})}\u0000${entry.etag}`;
    let response = responses.get(key);
    if (!response) {
      // The resolver sees the page this handler already fetched, so the page is read (and its
      // impressions counted) once per request.
      const context = { caller: { role: Role.PUBLIC }, landing: { get: async () => ({ entry, source }) } };
      const result = await execute({ schema, document: analysis.document, variableValues: p.variables, contextValue: context });
      if (result.errors) return next();
      const body = Buffer.from(JSON.stringify({ data: result.data }) + "\n");
      response = { body, etag: `"${createHash("sha1").update(body).digest("base64url")}"` };
      if (source === "fresh" || source === "cached") responses.set(key, response);
    }
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("X-Advocate-Fast-Path", "1");
    if (source === "stale" || source === "default") res.setHeader("X-Advocate-Fallback", source);
    if (req.method === "GET") {
      // A GET with a persisted-query hash is a URL a CDN can cache.
      const { etag } = response;
      res.setHeader("ETag", etag);
      res.setHeader("Cache-Control", source === "fresh" || source === "cached" ? CDN_CACHE_CONTROL : "public, max-age=5");
      if (req.headers["if-none-match"] === etag) {
        res.status(304).end();
        return;
      }
    }
    res.end(response.body);
  };
}
