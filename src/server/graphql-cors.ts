import type { ApolloServerPlugin } from "@apollo/server";
import { Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from "graphql";
import { allowedOrigin, CORS_HEADERS } from "../common/cors.js";
import { Role } from "../auth/roles.js";

/**
 * The request headers a browser may send to /graphql cross-origin: content-type (a JSON body),
 * and the headers Apollo's CSRF prevention accepts in place of one (a GET).
 */
export const GRAPHQL_CORS_HEADERS = [...CORS_HEADERS, "apollo-require-preflight", "x-apollo-operation-name"] as const;

/** The root fields an operation selects, through fragments; undefined when a fragment is missing. */
function rootFields(selectionSet: SelectionSetNode, document: DocumentNode, names: string[] = []): string[] | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (!rootFields(selection.selectionSet, document, names)) return undefined;
    } else {
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (!fragment || fragment.kind !== Kind.FRAGMENT_DEFINITION || !rootFields(fragment.selectionSet, document, names)) return undefined;
    }
  }
  return names;
}

/** Whether every root field of the operation is public (@Allow(Role.PUBLIC)): landingPage, trackReferralVisit. */
function isPublicOperation(schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const root = operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "query" ? schema.getQueryType() : null;
  const names = root && rootFields(operation.selectionSet, document);
  if (!root || !names || names.length === 0) return false;
  const fields = root.getFields();
  return names.every((name) => name === "__typename" || ((fields[name]?.extensions as { access?: Role[] } | undefined)?.access ?? []).includes(Role.PUBLIC));
}

/**
 * CORS on /graphql's Apollo path: an answer is approved for PUBLIC_CORS_ORIGINS only when the
 * request carries no Authorization header and its operation is public, so a page elsewhere can
 * call landingPage and trackReferralVisit but never read an admin's or affiliate's answer (nor
 * the refusal of a keyless call to a keyed operation). The preflight is answered in dispatch.ts.
 */
export function graphqlCorsPlugin(origins: readonly string[]): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response, operation, document, schema }) {
          const headers = request.http?.headers;
          const vary = response.http.headers.get("vary");
          response.http.headers.set("vary", vary ? `${vary}, Origin` : "Origin");
          const origin = headers?.get("origin");
          if (!origin || headers?.get("authorization") !== undefined || !operation || !document) return;
          const allowed = allowedOrigin(origins, origin);
          if (allowed && isPublicOperation(schema, operation, document)) response.http.headers.set("access-control-allow-origin", allowed);
        },
      };
    },
  };
}
