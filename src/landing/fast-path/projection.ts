import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type SelectionSetNode,
} from "graphql";

// What graphql-js's execute() makes of a landing page, without executing: the landingPage field's
// selection read off the page object and written as JSON, keys in selection order, scalars and
// enums serialized by their own types. Executing the document costs several times deciding the
// page (BENCHMARKS.md, "Landing catalog"); this costs a few microseconds. The catalog shares one
// item object per asset across pages (and never changes it), so a list's items are written once
// per compiled selection and item, and remembered while the item lives. Fields, aliases, __typename and fragments on
// the object's own type are compiled; a directive, a repeated response key or a value the schema
// would refuse (a null where it is non-null) leaves the answer to execute(), which the caller runs.
// test/http/landing-fast-path.test.ts compares the bytes with Apollo's on random selections.

/** Writes one value of a page as its response JSON; NOT_PROJECTED when execute() must answer. */
type Project = (value: unknown) => string | typeof NOT_PROJECTED;

const NOT_PROJECTED = Symbol("not projected");

type Fragments = ReadonlyMap<string, FragmentDefinitionNode>;

function compileType(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined, fragments: Fragments): Project | undefined {
  const nonNull = isNonNullType(type);
  const inner = getNullableType(type);
  let project: Project | undefined;
  if (isListType(inner)) {
    const item = compileType(inner.ofType, selectionSet, fragments);
    if (!item) return undefined;
    const written = new WeakMap<object, string>();
    project = (value) => {
      if (!Array.isArray(value)) return NOT_PROJECTED;
      let out = "[";
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i];
        const remembered = typeof element === "object" && element !== null;
        let v = remembered ? written.get(element) : undefined;
        if (v === undefined) {
          const json = item(element);
          if (json === NOT_PROJECTED) return NOT_PROJECTED;
          if (remembered) written.set(element, json);
          v = json;
        }
        out += i === 0 ? v : "," + v;
      }
      return out + "]";
    };
  } else if (isObjectType(inner)) {
    if (!selectionSet) return undefined;
    project = compileObject(inner, selectionSet, fragments);
  } else if (isScalarType(inner) || isEnumType(inner)) {
    if (selectionSet) return undefined;
    const leaf = getNamedType(inner) as { serialize(value: unknown): unknown };
    project = (value) => {
      try {
        const serialized = leaf.serialize(value);
        return serialized === undefined ? NOT_PROJECTED : (JSON.stringify(serialized) ?? NOT_PROJECTED);
      } catch {
        return NOT_PROJECTED;
      }
    };
  }
  if (!project) return undefined;
  const body = project;
  return (value) => (value === null || value === undefined ? (nonNull ? NOT_PROJECTED : "null") : body(value));
}

/** The fields a selection set asks of `type`, fragments spread in order; undefined past what is compiled. */
function fieldsOf(type: GraphQLObjectType, selectionSet: SelectionSetNode, fragments: Fragments, out: FieldNode[] = []): FieldNode[] | undefined {
  for (const selection of selectionSet.selections) {
    if (selection.directives?.length) return undefined;
    if (selection.kind === Kind.FIELD) out.push(selection);
    else {
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
      // A fragment on another type (an interface, a union) would need execute()'s type rules.
      if (!fragment || fragment.directives?.length || (fragment.typeCondition && fragment.typeCondition.name.value !== type.name)) return undefined;
      if (!fieldsOf(type, fragment.selectionSet, fragments, out)) return undefined;
    }
  }
  return out;
}

function compileObject(type: GraphQLObjectType, selectionSet: SelectionSetNode, fragments: Fragments): Project | undefined {
  const fields = type.getFields();
  const selected = fieldsOf(type, selectionSet, fragments);
  if (!selected) return undefined;
  const parts: { key: string; prefix: string; name: string; project: Project | "typename" }[] = [];
  for (const selection of selected) {
    // A repeated response key is merged by execute(): left to it.
    const key = selection.alias?.value ?? selection.name.value;
    if (parts.some((p) => p.key === key)) return undefined;
    const name = selection.name.value;
    if (name === "__typename") {
      parts.push({ key, prefix: "", name, project: "typename" });
      continue;
    }
    const field = fields[name];
    // type-graphql gives every field a resolver; those of the landing types read the property of
    // the same name, which the property test holds (a computed field would fail it).
    if (!field || selection.arguments?.length) return undefined;
    const project = compileType(field.type, selection.selectionSet, fragments);
    if (!project) return undefined;
    parts.push({ key, prefix: "", name, project });
  }
  // Each member's `"key":` (with its comma) written once.
  parts.forEach((part, i) => (part.prefix = (i === 0 ? "{" : ",") + JSON.stringify(part.key) + ":"));
  const typename = JSON.stringify(type.name);
  return (value) => {
    if (typeof value !== "object") return NOT_PROJECTED;
    const source = value as Record<string, unknown>;
    let out = parts.length === 0 ? "{" : "";
    for (const part of parts) {
      const v = part.project === "typename" ? typename : part.project(source[part.name]);
      if (v === NOT_PROJECTED) return NOT_PROJECTED;
      out += part.prefix + v;
    }
    return out + "}";
  };
}

export type Projection = (page: unknown) => string | undefined;

/**
 * The JSON of the response `data` of a document that is this one root field, for a page
 * (undefined: execute() must answer); undefined when the selection cannot be projected.
 * Compiled once per document.
 */
export function compileProjection(document: DocumentNode, fieldDef: GraphQLField<unknown, unknown>, field: FieldNode): Projection | undefined {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const project = compileType(fieldDef.type, field.selectionSet, fragments);
  if (!project) return undefined;
  const prefix = `{${JSON.stringify(field.alias?.value ?? field.name.value)}:`;
  return (page) => {
    const v = project(page);
    return v === NOT_PROJECTED ? undefined : prefix + v + "}";
  };
}
