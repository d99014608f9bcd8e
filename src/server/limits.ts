import { ApolloArmor } from "@escape.tech/graphql-armor";
import { specifiedRules, type ValidationRule } from "graphql";

/**
 * What one GraphQL document may ask (graphql-armor: depth, cost, aliases, directives, tokens),
 * and whether the schema may be explored (introspection, "Did you mean …?" suggestions).
 * graphql-armor rather than graphql-query-complexity: it covers all five limits in one
 * maintained package with an Apollo Server plugin, and its rules run on the fast path too.
 */
export interface GraphQLLimits {
  maxDepth: number;
  /**
   * Static cost: 2 per object field, 1 per scalar, × 1.5 per level (graphql-armor's model). The
   * model grows 1.5× per level and Relay connections add two levels each (edges, node): a
   * dashboard's affiliates → referrals → customer page costs ~20,000, hence 50,000.
   */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Off in production unless INTROSPECTION=true. */
  introspection: boolean;
  /** Field suggestions in errors leak the schema as introspection does: off with it. */
  fieldSuggestions: boolean;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphQLLimits = {
  maxDepth: 12,
  maxCost: 50_000,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2_000,
  introspection: true,
  fieldSuggestions: true,
};

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
