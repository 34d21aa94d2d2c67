import { describe, expect, it } from 'vitest';
import { evaluateAssertion, type Verdict } from '../../../src/engine/assert.js';
import { OPERATORS, UNARY_OPERATORS, type Assertion, type Operator } from '../../../src/controls/schema.js';

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
  // present/absent ask about presence itself, so they answer for a null or absent value (unless the
  // collector says the API may leave the field out: see 'fields an API may leave out' below)
  [{ key: 'nothing', op: 'present' }, 'fail'],
  [{ key: 'nope', op: 'present' }, 'fail'],
  [{ key: 'nope', op: 'absent' }, 'pass'],
  [{ key: 'nothing', op: 'absent' }, 'pass'],
  [{ key: 'settings.missing', op: 'absent' }, 'pass'],
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
  // missing fields: "the source did not say", never a pass and never a fail
  [{ key: 'missing', op: 'eq', value: 1 }, 'missing'],
  [{ key: 'settings.missing', op: 'ne', value: 1 }, 'missing'],
  [{ key: 'name.inner', op: 'eq', value: 1 }, 'missing'],
  [{ key: 'nothing.inner', op: 'eq', value: 1 }, 'missing'],
  // null is the same as absent: the API did not say (ne would have passed, eq failed)
  [{ key: 'nothing', op: 'eq', value: false }, 'missing'],
  [{ key: 'nothing', op: 'ne', value: true }, 'missing'],
  [{ key: 'nothing', op: 'empty' }, 'missing'],
  [{ key: 'nothing', op: 'not-in', value: ['admin'] }, 'missing'],
  // an operator that cannot run (a pattern that does not compile) could not tell either
  [{ key: 'name', op: 'matches', value: '(' }, 'missing'],
  [{ not: { key: 'name', op: 'matches', value: '(' } }, 'missing'],
  // combinators
  [{ all: [{ key: 'approvals', op: 'gte', value: 1 }, { key: 'enabled', op: 'eq', value: true }] }, 'pass'],
  [{ all: [{ key: 'approvals', op: 'gte', value: 1 }, { key: 'disabled', op: 'eq', value: true }] }, 'fail'],
  // one known deviation decides `all`, whatever the source did not say
  [{ all: [{ key: 'approvals', op: 'gte', value: 5 }, { key: 'missing', op: 'eq', value: true }] }, 'fail'],
  [{ all: [{ key: 'approvals', op: 'gte', value: 1 }, { key: 'missing', op: 'eq', value: true }] }, 'missing'],
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

// Three-valued logic of the combinators over one passing (P), failing (F) and unreported (M) leaf.
const P: Assertion = { key: 'enabled', op: 'eq', value: true };
const F: Assertion = { key: 'disabled', op: 'eq', value: true };
const M: Assertion = { key: 'nothing', op: 'eq', value: true };
const logic: Array<[string, Assertion, Verdict]> = [
  ['all(P, P)', { all: [P, P] }, 'pass'],
  ['all(P, F)', { all: [P, F] }, 'fail'],
  ['all(P, M)', { all: [P, M] }, 'missing'],
  ['all(F, M)', { all: [F, M] }, 'fail'],
  ['all(M, M)', { all: [M, M] }, 'missing'],
  ['any(P, M)', { any: [P, M] }, 'pass'],
  ['any(F, M)', { any: [F, M] }, 'missing'],
  ['any(F, F)', { any: [F, F] }, 'fail'],
  ['any(M, M)', { any: [M, M] }, 'missing'],
  ['not(P)', { not: P }, 'fail'],
  ['not(F)', { not: F }, 'pass'],
  ['not(M)', { not: M }, 'missing'],
  ['not(all(F, M))', { not: { all: [F, M] } }, 'pass'],
  ['not(all(P, M))', { not: { all: [P, M] } }, 'missing'],
  ['not(any(P, M))', { not: { any: [P, M] } }, 'fail'],
  ['not(any(F, M))', { not: { any: [F, M] } }, 'missing'],
  ['not(not(M))', { not: { not: M } }, 'missing'],
  ['all(any(F, M), P)', { all: [{ any: [F, M] }, P] }, 'missing'],
  ['any(all(P, M), F)', { any: [{ all: [P, M] }, F] }, 'missing'],
];

const valueFor: Record<Operator, unknown> = { eq: true, ne: true, gt: 1, gte: 1, lt: 1, lte: 1, in: [true], 'not-in': [true], contains: 'x', matches: '^x', present: undefined, absent: undefined, empty: undefined, 'not-empty': undefined, 'older-than': '1d', 'newer-than': '1d' };
const leaf = (key: string, op: Operator): Assertion => (UNARY_OPERATORS.has(op) ? { key, op } : { key, op, value: valueFor[op] });

describe('engine/assert', () => {
  it.each(table.map(([a, v], i) => [i, JSON.stringify(a), a, v] as const))('#%i %s → %s', (_i, _label, assertion, verdict) => {
    expect(evaluateAssertion(assertion, resource).verdict).toBe(verdict);
  });

  it.each(logic)('%s → %s', (_name, assertion, verdict) => {
    expect(evaluateAssertion(assertion, resource).verdict).toBe(verdict);
  });

  it.each(OPERATORS.filter((op) => op !== 'present' && op !== 'absent').flatMap((op) => [[op, 'null'], [op, 'absent']] as const))(
    '%s on a %s value: the source did not say, whatever the operator', (op, how) => {
      const data = how === 'null' ? { field: null } : {};
      expect(evaluateAssertion(leaf('field', op), data).verdict).toBe('missing');
      expect(evaluateAssertion({ not: leaf('field', op) }, data).verdict).toBe('missing');
    });

  describe('fields an API may leave out (the collector\'s revealedBy)', () => {
    const mayBeUnreported = (key: string) => key === 'twoFactor';
    it.each([
      [{ key: 'twoFactor', op: 'present' }, { twoFactor: null }, 'missing'],
      [{ key: 'twoFactor', op: 'absent' }, { twoFactor: null }, 'missing'],
      [{ key: 'twoFactor', op: 'absent' }, {}, 'missing'],
      [{ not: { key: 'twoFactor', op: 'present' } }, { twoFactor: null }, 'missing'],
      [{ key: 'twoFactor', op: 'present' }, { twoFactor: false }, 'pass'],
      [{ key: 'twoFactor', op: 'eq', value: false }, { twoFactor: false }, 'pass'],
      // an ordinary field keeps its presence answer
      [{ key: 'other', op: 'absent' }, { other: null }, 'pass'],
    ] as Array<[Assertion, Record<string, unknown>, Verdict]>)('%j on %j → %s', (assertion, data, verdict) => {
      expect(evaluateAssertion(assertion, data, { mayBeUnreported }).verdict).toBe(verdict);
    });
  });

  it('names the missing field in the failure', () => {
    const out = evaluateAssertion({ key: 'settings.missing', op: 'eq', value: 1 }, resource);
    expect(out.failures).toEqual([expect.objectContaining({ key: 'settings.missing', reason: 'missing' })]);
  });

  it('gives the failing leaves as the reasons of a failure, and the unreported ones as the reasons of "could not tell"', () => {
    expect(evaluateAssertion({ all: [F, M] }, resource).failures).toEqual([expect.objectContaining({ key: 'disabled', reason: 'mismatch' })]);
    expect(evaluateAssertion({ any: [F, M] }, resource).failures).toEqual([expect.objectContaining({ key: 'nothing', reason: 'missing' })]);
    expect(evaluateAssertion({ key: 'name', op: 'matches', value: '(' }, resource).failures).toEqual([expect.objectContaining({ key: 'name', reason: 'unevaluable' })]);
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
