import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

// The in-browser IDE at GET /graphql: GraphiQL and Monaco's workers, all served by Advocate
// (graphiql.route.ts), so it works with no internet access.

/** Where the server put Monaco's workers (versioned URLs, written in by esbuild's `define`). */
declare const __ADVOCATE_WORKERS__: { editor: string; json: string; graphql: string };

/** The headers editor's first content: shows where a key goes; sent without it until filled in. */
export const KEY_PLACEHOLDER = "Bearer <admin or affiliate key>";

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    const url = label === "json" ? __ADVOCATE_WORKERS__.json : label === "graphql" ? __ADVOCATE_WORKERS__.graphql : __ADVOCATE_WORKERS__.editor;
    return new Worker(url);
  },
};

/** fetch, minus an Authorization header still holding the placeholder (its "<…>" is no key). */
const fetchWithoutPlaceholder: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  if (headers.get("authorization") === KEY_PLACEHOLDER) headers.delete("authorization");
  return fetch(input, { ...init, headers });
};

const DEFAULT_QUERY = `# Advocate's GraphQL API. Put your admin key (or an affiliate's key) in the
# Authorization header below, then run with Ctrl-Enter. The Docs button lists every field.
query Overview {
  customers(first: 5) {
    totalCount
    edges { node { id name healthScore healthBand } }
  }
}
`;

const HEADERS = JSON.stringify({ Authorization: KEY_PLACEHOLDER }, null, 2);

const root = document.getElementById("graphiql")!;
createRoot(root).render(
  createElement(GraphiQL, {
    fetcher: createGraphiQLFetcher({ url: new URL("/graphql", location.href).href, fetch: fetchWithoutPlaceholder }),
    defaultQuery: DEFAULT_QUERY,
    initialHeaders: HEADERS,
    defaultHeaders: HEADERS,
    // Keys stay out of localStorage.
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: "headers",
  }),
);
