import { describe, expect, it } from 'vitest';
import { executeGraphQL, GqlFieldError, graphqlCost, parseGraphQL, type GqlObject } from '../../../src/sandbox/github-graphql.js';

const root: GqlObject = {
  __typename: 'Query',
  repository: (args: Record<string, unknown>) => ({
    __typename: 'Repository',
    nameWithOwner: `o/${String(args['name'])}`,
    secret: () => {
      throw new GqlFieldError('Resource not accessible by integration', 'FORBIDDEN');
    },
  }),
};

describe('sandbox/github-graphql', () => {
  it('resolves aliases, variables and fragments', () => {
    const doc = parseGraphQL('query Q($a: String!) { x: repository(name: $a) { ...F } y: repository(name: "b") { nameWithOwner } } fragment F on Repository { nameWithOwner }');
    expect(executeGraphQL(doc, { a: 'a' }, root)).toEqual({ data: { x: { nameWithOwner: 'o/a' }, y: { nameWithOwner: 'o/b' } } });
  });

  it('turns a forbidden field into an error on its path and null data, keeping the rest', () => {
    const doc = parseGraphQL('{ r0: repository(name: "a") { nameWithOwner secret } }');
    const res = executeGraphQL(doc, {}, root);
    expect(res.data).toEqual({ r0: { nameWithOwner: 'o/a', secret: null } });
    expect(res.errors).toEqual([expect.objectContaining({ type: 'FORBIDDEN', path: ['r0', 'secret'] })]);
  });

  it('rejects an unknown field the way GitHub does (undefinedField), with no data', () => {
    const res = executeGraphQL(parseGraphQL('{ repository(name: "a") { rules } }'), {}, root);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]?.extensions?.['code']).toBe('undefinedField');
  });

  it('costs nested connections the way GitHub documents', () => {
    const doc = parseGraphQL('{ a: repository(name: "a") { issues(first: 100) { nodes { labels(first: 10) { nodes { name } } } } } }');
    expect(graphqlCost(doc, {})).toEqual({ cost: 1, nodes: 100 + 100 * 10 });
  });
});
