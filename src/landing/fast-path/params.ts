import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { LRUCache } from "lru-cache";

/** The GraphQL parameters of a request, from a JSON body (POST) or the query string (GET). */
export interface GraphQLParams {
  query?: string;
  variables: Record<string, unknown>;
  operationName?: string;
  hash?: string;
}

const PERSISTED_QUERY_NOT_FOUND = Buffer.from(
  JSON.stringify({ errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] }) + "\n",
);

/** A body's or a query string's parameters; null when they are not GraphQL-over-HTTP's. */
export function paramsOf(source: Record<string, unknown>): GraphQLParams | null {
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

/**
 * Apollo's automatic persisted queries, as far as landing pages need them: the sha256 hashes
 * this instance has been taught, at most `max`. documentOf() gives a request's document: its
 * query (teaching the hash it comes with), or the document of a hash taught before.
 */
export function createPersistedQueries(max: number) {
  const persisted = new LRUCache<string, string>({ max });
  return function documentOf(p: GraphQLParams, req: IncomingMessage, res: ServerResponse): string | "answered" | undefined {
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
    return query;
  };
}
