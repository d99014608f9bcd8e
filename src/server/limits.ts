import { ApolloArmor } from "@escape.tech/graphql-armor";
import { specifiedRules, type ValidationRule } from "graphql";
import type { GraphQLLimits } from "../config/config.js";

/**
 * The limits of config.ts's GraphQLLimits, enforced by graphql-armor rather than
 * graphql-query-complexity: it covers all five limits in one maintained package with an Apollo
 * Server plugin, and its rules run on the fast path too.
 */
export function armorFor(limits: GraphQLLimits) {
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ignoreIntrospection: true },
    costLimit: { maxCost: limits.maxCost, ignoreIntrospection: true },
    maxAliases: { n: limits.maxAliases },
    maxDirectives: { n: limits.maxDirectives },
    // Counted by graphql-js's own parser instead (Apollo's parseOptions, the fast path's parse):
    // armor's plugin throws from parsing, which Apollo answers with a 500.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.fieldSuggestions },
  }).protect();
}

/** The validation rules a document must pass on every path (Apollo's and the landing fast path's). */
export function validationRulesOf(armor: ReturnType<typeof armorFor>): ValidationRule[] {
  return [...specifiedRules, ...armor.validationRules];
}
