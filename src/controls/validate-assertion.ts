/**
 * Load-time checks of an `assert` tree against the collector's resource schema: the shape of
 * each node, the operator, the key, and whether the value can ever match the field's type.
 */
import type { z } from 'zod';
import { OPERATORS, UNARY_OPERATORS, type Assertion, type Operator } from './schema.js';
import { fieldAt, allKeyPaths } from '../schema-walk.js';
import { didYouMean } from '../text.js';
import { patternProblem } from '../pattern.js';
import type { PathSegment } from '../yaml-source.js';

export interface AssertionProblem {
  path: PathSegment[];
  message: string;
  at: 'key' | 'value';
}

const COMBINATORS = ['all', 'any', 'not'] as const;
const LEAF_KEYS = ['key', 'op', 'value', 'message'];

export function validateAssertion(node: unknown, resource: z.ZodType, path: PathSegment[] = ['assert']): AssertionProblem[] {
  const problems: AssertionProblem[] = [];
  if (node === null || typeof node !== 'object' || Array.isArray(node)) {
    return [{ path, message: 'expected a mapping: { key, op, value } or one of all / any / not.', at: 'value' }];
  }
  const obj = node as Record<string, unknown>;
  const keys = Object.keys(obj);
  const combinators = keys.filter((k) => (COMBINATORS as readonly string[]).includes(k));
  if (combinators.length > 1) {
    return [{ path, message: `use one of all / any / not per node, found ${combinators.join(' and ')}; nest them instead.`, at: 'key' }];
  }
  if (combinators.length === 1) {
    const c = combinators[0]!;
    for (const extra of keys.filter((k) => k !== c)) {
      problems.push({ path: [...path, extra], message: `unexpected key "${extra}" beside "${c}".`, at: 'key' });
    }
    const inner = obj[c];
    if (c === 'not') return [...problems, ...validateAssertion(inner, resource, [...path, 'not'])];
    if (!Array.isArray(inner) || inner.length === 0) {
      return [...problems, { path: [...path, c], message: `"${c}" takes a non-empty list of assertions.`, at: 'value' }];
    }
    inner.forEach((child, i) => problems.push(...validateAssertion(child, resource, [...path, c, i])));
    return problems;
  }
  for (const extra of keys.filter((k) => !LEAF_KEYS.includes(k))) {
    problems.push({ path: [...path, extra], message: `unknown key "${extra}" in an assertion.${didYouMean(extra, [...LEAF_KEYS, ...COMBINATORS])}`, at: 'key' });
  }
  if (typeof obj.key !== 'string' || !obj.key) problems.push({ path, message: 'missing "key": the dotted path of the field to test.', at: 'key' });
  if (typeof obj.op !== 'string') {
    problems.push({ path, message: `missing "op": one of ${OPERATORS.join(', ')}.`, at: 'key' });
    return problems;
  }
  const op = obj.op as Operator;
  if (!(OPERATORS as readonly string[]).includes(op)) {
    problems.push({ path: [...path, 'op'], message: `unknown operator "${obj.op}".${didYouMean(obj.op, OPERATORS)} Operators: ${OPERATORS.join(', ')}.`, at: 'value' });
    return problems;
  }
  const hasValue = Object.prototype.hasOwnProperty.call(obj, 'value');
  if (UNARY_OPERATORS.has(op) && hasValue) problems.push({ path: [...path, 'value'], message: `operator "${op}" takes no value; remove "value".`, at: 'key' });
  if (!UNARY_OPERATORS.has(op) && !hasValue) problems.push({ path, message: `operator "${op}" needs a "value".`, at: 'key' });
  if (typeof obj.key !== 'string') return problems;

  const field = fieldAt(resource, obj.key.split('.'));
  if (!field) {
    problems.push({
      path: [...path, 'key'],
      message: `"${obj.key}" is not a field of this collector's resources.${didYouMean(obj.key, allKeyPaths(resource))}`,
      at: 'value',
    });
    return problems;
  }
  if (!hasValue) return problems;
  const value = obj.value;
  const where = [...path, 'value'];
  if (['gt', 'gte', 'lt', 'lte'].includes(op) && typeof value !== 'number' && !(typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value))) {
    problems.push({ path: where, message: `operator "${op}" compares numbers (or ISO dates); got ${JSON.stringify(value)}.`, at: 'value' });
  }
  if ((op === 'in' || op === 'not-in') && !Array.isArray(value)) {
    problems.push({ path: where, message: `operator "${op}" takes a list of values.`, at: 'value' });
  }
  if (op === 'matches') {
    if (typeof value !== 'string') problems.push({ path: where, message: 'operator "matches" takes a regular expression as text.', at: 'value' });
    else {
      const problem = patternProblem(value);
      if (problem) problems.push({ path: where, message: problem, at: 'value' });
    }
  }
  if (op === 'eq' || op === 'ne' || op === 'in' || op === 'not-in') {
    const candidates = Array.isArray(value) && (op === 'in' || op === 'not-in') ? value : [value];
    for (const v of candidates) {
      const bad = typeMismatch(field, v);
      if (bad) problems.push({ path: where, message: `${obj.key} ${bad}`, at: 'value' });
    }
  }
  return problems;
}

function typeMismatch(field: ReturnType<typeof fieldAt> & object, v: unknown): string | undefined {
  if (v === null) return undefined;
  switch (field.kind) {
    case 'boolean': return typeof v === 'boolean' ? undefined : `is true or false; ${JSON.stringify(v)} can never match.`;
    case 'number': return typeof v === 'number' ? undefined : `is a number; ${JSON.stringify(v)} can never match.`;
    case 'string': return typeof v === 'string' ? undefined : `is text; ${JSON.stringify(v)} can never match.`;
    case 'enum': {
      const values = field.values ?? [];
      return values.includes(v) ? undefined : `is one of ${values.map((x) => JSON.stringify(x)).join(', ')}; ${JSON.stringify(v)} can never match.${typeof v === 'string' ? didYouMean(v, values.map(String)) : ''}`;
    }
    default: return undefined;
  }
}

/** Every key an assertion tree reads (for docs and `controls show`). */
export function assertionKeys(a: Assertion): string[] {
  if ('all' in a) return a.all.flatMap(assertionKeys);
  if ('any' in a) return a.any.flatMap(assertionKeys);
  if ('not' in a) return assertionKeys(a.not);
  return [a.key];
}
