import {
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
  type ValidationRule,
} from "graphql";
import { LRUCache } from "lru-cache";
import { normalizeLandingInput, type LandingInput } from "../landing.service.js";
import { compileProjection, type Projection } from "./projection.js";

/** A document that is nothing but one landingPage field, valid under Apollo's rules. */
export interface Analysis {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  field: FieldNode;
  fieldDef: GraphQLField<unknown, unknown>;
  /** The answer's data read off a page without execute(); undefined when the selection needs execute(). */
  project: Projection | undefined;
}

export interface AnalyserOptions {
  /** Distinct documents analysed and remembered. */
  maxDocuments: number;
  /** The rules Apollo validates with (its limits included): a document it would refuse is passed to it. */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
}

/** Which documents the fast path may answer, each parsed and validated once (false: not one of them). */
export function createAnalyser(schema: GraphQLSchema, options: AnalyserOptions): (query: string) => Analysis | false {
  const landingField = schema.getQueryType()!.getFields().landingPage!;
  const analyses = new LRUCache<string, Analysis | false>({ max: options.maxDocuments });
  return function analyse(query) {
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
        const field = selections[0] as FieldNode;
        result = { document, operation: operation!, field, fieldDef: landingField, project: compileProjection(document, landingField, field) };
      }
    } catch {
      result = false;
    }
    analyses.set(query, result);
    return result;
  };
}

/** The landing page a request for this document asks for; undefined when its variables do not coerce. */
export function landingInputOf(schema: GraphQLSchema, analysis: Analysis, variables: Record<string, unknown>): LandingInput | undefined {
  try {
    const coerced = getVariableValues(schema, analysis.operation.variableDefinitions ?? [], variables);
    if (coerced.errors) return undefined;
    return normalizeLandingInput(getArgumentValues(analysis.fieldDef, analysis.field, coerced.coerced));
  } catch {
    return undefined;
  }
}
