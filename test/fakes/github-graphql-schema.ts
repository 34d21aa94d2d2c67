/**
 * GitHub's published GraphQL schema (@octokit/graphql-schema) as a checker for answers: walks a
 * query alongside its response and reports what GitHub could not have sent — null in a non-null
 * field (unless an error says why), a value outside an enum, a wrong scalar, an unknown
 * __typename, a selected field missing — and lists the nullable fields a query reads, so the
 * collectors' handling of each null can be pinned.
 */
import {
  buildClientSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
  type SelectionSetNode,
} from 'graphql';
import { schema as published } from '@octokit/graphql-schema';

let cached: GraphQLSchema | undefined;
export function githubSchema(): GraphQLSchema {
  cached ??= buildClientSchema((published.json as { data?: IntrospectionQuery }).data ?? (published.json as unknown as IntrospectionQuery));
  return cached;
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  errorPaths: string[];
  problems: string[];
  nullable: Set<string>;
}

const fieldsOf = (t: GraphQLCompositeType) => ('getFields' in t ? t.getFields() : {});

function walkSelections(w: Walk, type: GraphQLCompositeType, value: Record<string, unknown>, set: SelectionSetNode, path: Array<string | number>, shape: string): void {
  const typename = typeof value['__typename'] === 'string' ? (value['__typename'] as string) : undefined;
  const runtime = isAbstractType(type) && typename ? w.schema.getType(typename) : type;
  if (isAbstractType(type) && typename && (!runtime || !isObjectType(runtime) || !w.schema.isSubType(type, runtime))) {
    w.problems.push(`${path.join('.')}: __typename ${typename} is not a possible ${type.name}`);
    return;
  }
  const applies = (condition: string | undefined) => {
    if (!condition) return true;
    const c = w.schema.getType(condition);
    if (!c || !runtime) return false;
    return c === runtime || (isAbstractType(c) && isObjectType(runtime) && w.schema.isSubType(c, runtime));
  };
  for (const sel of set.selections) {
    if (sel.kind === 'InlineFragment') {
      if (applies(sel.typeCondition?.name.value)) walkSelections(w, type, value, sel.selectionSet, path, shape);
      continue;
    }
    if (sel.kind === 'FragmentSpread') {
      const frag = w.fragments.get(sel.name.value)!;
      if (applies(frag.typeCondition.name.value)) walkSelections(w, type, value, frag.selectionSet, path, shape);
      continue;
    }
    const key = sel.alias?.value ?? sel.name.value;
    if (sel.name.value === '__typename') continue;
    const owner = runtime && (isObjectType(runtime) || isAbstractType(runtime)) ? runtime : type;
    const def = fieldsOf(owner as GraphQLCompositeType)[sel.name.value];
    if (!def) {
      w.problems.push(`${[...path, key].join('.')}: ${owner.toString()} has no field ${sel.name.value}`);
      continue;
    }
    if (!(key in value)) {
      w.problems.push(`${[...path, key].join('.')}: selected but missing from the answer`);
      continue;
    }
    walkValue(w, def.type, value[key], sel.selectionSet, [...path, key], `${shape}.${sel.name.value}`);
  }
}

function walkValue(w: Walk, type: GraphQLOutputType, value: unknown, set: SelectionSetNode | undefined, path: Array<string | number>, shape: string): void {
  const here = path.join('.');
  if (isNonNullType(type)) {
    if (value === null || value === undefined) {
      if (!w.errorPaths.some((e) => e === here || e.startsWith(`${here}.`))) w.problems.push(`${here}: null in non-null ${type.toString()}`);
      return;
    }
    walkValue(w, type.ofType, value, set, path, shape);
    return;
  }
  w.nullable.add(`${shape}: ${type.toString()}`);
  if (value === null || value === undefined) return;
  if (isListType(type)) {
    if (!Array.isArray(value)) return void w.problems.push(`${here}: ${type.toString()} answered with a non-list`);
    value.forEach((v, i) => walkValue(w, type.ofType, v, set, [...path, i], `${shape}[]`));
    return;
  }
  const named = getNamedType(type);
  if (isEnumType(named)) {
    if (!named.getValues().some((v) => v.name === value)) w.problems.push(`${here}: ${JSON.stringify(value)} is not a ${named.name} (${named.getValues().map((v) => v.name).join(', ')})`);
    return;
  }
  if (isScalarType(named)) {
    const ok = named.name === 'Int' ? Number.isInteger(value) : named.name === 'Float' ? typeof value === 'number' : named.name === 'Boolean' ? typeof value === 'boolean' : typeof value === 'string';
    if (!ok) w.problems.push(`${here}: ${JSON.stringify(value)} is not a ${named.name}`);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value) || !set) return void w.problems.push(`${here}: ${named.name} answered with ${JSON.stringify(value)}`);
  walkSelections(w, named as GraphQLCompositeType, value as Record<string, unknown>, set, path, shape);
}

export interface GraphQLAnswerCheck {
  problems: string[];
  /** 'Query.r0.defaultBranchRef.branchProtectionRule: BranchProtectionRule' — every nullable field the query reads (aliases as sent). */
  nullable: string[];
}

export function checkGraphQLAnswer(query: string, body: { data?: unknown; errors?: Array<{ path?: Array<string | number> }> }): GraphQLAnswerCheck {
  const schema = githubSchema();
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === 'OperationDefinition');
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]));
  const w: Walk = { schema, fragments, errorPaths: (body.errors ?? []).map((e) => (e.path ?? []).join('.')), problems: [], nullable: new Set() };
  if (!op || op.kind !== 'OperationDefinition') return { problems: ['no operation in the query'], nullable: [] };
  if (body.data !== null && body.data !== undefined) walkSelections(w, schema.getQueryType()!, body.data as Record<string, unknown>, op.selectionSet, [], 'Query');
  return { problems: w.problems, nullable: [...w.nullable].sort() };
}
