import { describe, expect, it } from 'vitest';
import { evaluateAssertion } from '../../../src/engine/assert.js';
import type { Assertion } from '../../../src/controls/schema.js';

const resource = {
  approvals: 2,
  admins: 0,
  enabled: true,
  disabled: false,
  name: 'northwind/api',
  visibility: 'private',
  tags: ['prod', 'pci'],
  empty: [],
  blank: '',
  nothing: null,
  settings: { level: 'read', nested: { deep: 3 } },
  createdAt: '2026-03-01T00:00:00Z',
};

// [assertion, expected verdict]
const table: Array<[Assertion, 'pass' | 'fail' | 'missing']> = [
  [{ key: 'approvals', op: 'eq', value: 2 }, 'pass'],
  [{ key: 'approvals', op: 'eq', value: 1 }, 'fail'],
  [{ key: 'approvals', op: 'ne', value: 1 }, 'pass'],
  [{ key: 'approvals', op: 'gt', value: 1 }, 'pass'],
  [{ key: 'approvals', op: 'gt', value: 2 }, 'fail'],
  [{ key: 'approvals', op: 'gte', value: 2 }, 'pass'],
  [{ key: 'approvals', op: 'lt', value: 2 }, 'fail'],
  [{ key: 'approvals', op: 'lte', value: 2 }, 'pass'],
  [{ key: 'name', op: 'gt', value: 1 }, 'fail'],
  [{ key: 'createdAt', op: 'gte', value: '2026-01-01' }, 'pass'],
  [{ key: 'createdAt', op: 'lt', value: '2026-01-01' }, 'fail'],
  [{ key: 'visibility', op: 'in', value: ['private', 'internal'] }, 'pass'],
  [{ key: 'visibility', op: 'in', value: ['public'] }, 'fail'],
  [{ key: 'visibility', op: 'not-in', value: ['public'] }, 'pass'],
  [{ key: 'tags', op: 'in', value: ['prod', 'pci', 'dev'] }, 'pass'],
  [{ key: 'tags', op: 'not-in', value: ['pci'] }, 'fail'],
  [{ key: 'tags', op: 'contains', value: 'pci' }, 'pass'],
  [{ key: 'tags', op: 'contains', value: 'dev' }, 'fail'],
  [{ key: 'name', op: 'contains', value: 'api' }, 'pass'],
  [{ key: 'settings', op: 'contains', value: 'level' }, 'pass'],
  [{ key: 'name', op: 'matches', value: '^northwind/' }, 'pass'],
  [{ key: 'name', op: 'matches', value: '^acme/' }, 'fail'],
  [{ key: 'approvals', op: 'matches', value: '2' }, 'fail'],
  [{ key: 'name', op: 'present' }, 'pass'],
  [{ key: 'nothing', op: 'present' }, 'fail'],
  [{ key: 'nope', op: 'present' }, 'fail'],
  [{ key: 'nope', op: 'absent' }, 'pass'],
  [{ key: 'nothing', op: 'absent' }, 'pass'],
  [{ key: 'name', op: 'absent' }, 'fail'],
  [{ key: 'empty', op: 'empty' }, 'pass'],
  [{ key: 'blank', op: 'empty' }, 'pass'],
  [{ key: 'tags', op: 'empty' }, 'fail'],
  [{ key: 'tags', op: 'not-empty' }, 'pass'],
  [{ key: 'empty', op: 'not-empty' }, 'fail'],
  [{ key: 'approvals', op: 'empty' }, 'fail'],
  [{ key: 'settings.nested.deep', op: 'eq', value: 3 }, 'pass'],
  [{ key: 'settings.level', op: 'eq', value: 'write' }, 'fail'],
  [{ key: 'enabled', op: 'eq', value: true }, 'pass'],
  [{ key: 'disabled', op: 'eq', value: true }, 'fail'],
  [{ key: 'settings', op: 'eq', value: { level: 'read', nested: { deep: 3 } } }, 'pass'],
  // missing fields: a failure that names the key, never a pass
  [{ key: 'missing', op: 'eq', value: 1 }, 'missing'],
  [{ key: 'settings.missing', op: 'ne', value: 1 }, 'missing'],
  [{ key: 'name.inner', op: 'eq', value: 1 }, 'missing'],
  // combinators
  [{ all: [{ key: 'approvals', op: 'gte', value: 1 }, { key: 'enabled', op: 'eq', value: true }] }, 'pass'],
  [{ all: [{ key: 'approvals', op: 'gte', value: 1 }, { key: 'disabled', op: 'eq', value: true }] }, 'fail'],
  [{ all: [{ key: 'approvals', op: 'gte', value: 5 }, { key: 'missing', op: 'eq', value: true }] }, 'missing'],
  [{ any: [{ key: 'approvals', op: 'gte', value: 5 }, { key: 'enabled', op: 'eq', value: true }] }, 'pass'],
  [{ any: [{ key: 'approvals', op: 'gte', value: 5 }, { key: 'disabled', op: 'eq', value: true }] }, 'fail'],
  [{ any: [{ key: 'missing', op: 'eq', value: 1 }, { key: 'enabled', op: 'eq', value: true }] }, 'pass'],
  [{ any: [{ key: 'missing', op: 'eq', value: 1 }, { key: 'disabled', op: 'eq', value: true }] }, 'missing'],
  [{ not: { key: 'visibility', op: 'eq', value: 'public' } }, 'pass'],
  [{ not: { key: 'visibility', op: 'eq', value: 'private' } }, 'fail'],
  // `not` cannot turn "we could not see it" into a pass
  [{ not: { key: 'missing', op: 'eq', value: 'public' } }, 'missing'],
  [{ not: { not: { key: 'enabled', op: 'eq', value: true } } }, 'pass'],
];

describe('engine/assert', () => {
  it.each(table.map(([a, v], i) => [i, JSON.stringify(a), a, v] as const))('#%i %s → %s', (_i, _label, assertion, verdict) => {
    expect(evaluateAssertion(assertion, resource).verdict).toBe(verdict);
  });

  it('names the missing field in the failure', () => {
    const out = evaluateAssertion({ key: 'settings.missing', op: 'eq', value: 1 }, resource);
    expect(out.failures).toEqual([expect.objectContaining({ key: 'settings.missing', reason: 'missing' })]);
  });

  it('never throws, even on a resource that is not an object', () => {
    for (const data of [null, undefined, 42, 'text', []]) {
      expect(() => evaluateAssertion({ all: [{ key: 'a.b', op: 'eq', value: 1 }, { key: 'x', op: 'matches', value: '(' }] }, data)).not.toThrow();
      expect(evaluateAssertion({ key: 'a.b', op: 'eq', value: 1 }, data).verdict).toBe('missing');
    }
  });

  it('is pure: the resource is not modified', () => {
    const copy = structuredClone(resource);
    for (const [a] of table) evaluateAssertion(a, resource);
    expect(resource).toEqual(copy);
  });
});
