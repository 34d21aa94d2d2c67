/**
 * Load-time checks of an `assert` tree against the collector's resource schema: the shape of
 * each node, the operator, the key, and whether the value can ever match the field's type. A
 * `count`'s `where` is checked against the schema of one item of its list.
 */
import { z } from 'zod';
import { AGE_OPERATORS, COUNT_OPERATORS, DURATION, OPERATORS, UNARY_OPERATORS, type Assertion, type Operator } from './schema.js';
import { fieldAt, allKeyPaths, itemSchemaAt, type FieldInfo } from '../schema-walk.js';
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
const COUNT_NODE_KEYS = ['count', 'op', 'value', 'message'];
const COUNT_SPEC_KEYS = ['key', 'where', 'label'];

/** How messages name the thing a key is looked up in: the resources, or the items of a list. */
interface Scope {
  schema: z.ZodType;
  what: string;
}

export function validateAssertion(node: unknown, resource: z.ZodType, path: PathSegment[] = ['assert']): AssertionProblem[] {
  return validateNode(node, { schema: resource, what: "this collector's resources" }, path);
}

function validateNode(node: unknown, scope: Scope, path: PathSegment[]): AssertionProblem[] {
  const resource = scope.schema;
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
    if (c === 'not') return [...problems, ...validateNode(inner, scope, [...path, 'not'])];
    if (!Array.isArray(inner) || inner.length === 0) {
      return [...problems, { path: [...path, c], message: `"${c}" takes a non-empty list of assertions.`, at: 'value' }];
    }
    inner.forEach((child, i) => problems.push(...validateNode(child, scope, [...path, c, i])));
    return problems;
  }
  if ('count' in obj) return validateCount(obj, scope, path);
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
      message: `"${obj.key}" is not a field of ${scope.what}.${didYouMean(obj.key, allKeyPaths(resource))}`,
      at: 'value',
    });
    return problems;
  }
  const list = listCrossed(resource, obj.key);
  if (list) {
    const rest = obj.key.slice(list.length + 1);
    problems.push({ path: [...path, 'key'], message: `"${obj.key}" reaches into the list "${list}", which has one value per item; test its items with count: { key: ${list}, where: { key: ${rest}, … } }.`, at: 'value' });
    return problems;
  }
  if (!hasValue) return problems;
  const value = obj.value;
  const where = [...path, 'value'];
  if (AGE_OPERATORS.has(op)) {
    const bad = durationProblem(op, value);
    if (bad) problems.push({ path: where, message: bad, at: 'value' });
    if (['number', 'boolean', 'enum', 'array', 'object', 'record'].includes(field.kind)) {
      problems.push({ path: [...path, 'key'], message: `operator "${op}" measures the age of a date-time; ${obj.key} is ${KIND_WORDS[field.kind]}.`, at: 'value' });
    }
  }
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

const KIND_WORDS: Record<FieldInfo['kind'], string> = {
  string: 'text', number: 'a number', boolean: 'true or false', enum: 'one of a fixed set of values', array: 'a list', object: 'a record of fields', record: 'a record of fields', any: 'any value', other: 'a value of another kind',
};

/** The list a dotted key passes through by name (alerts.severity → alerts), if any. */
function listCrossed(schema: z.ZodType, key: string): string | undefined {
  const segs = key.split('.');
  for (let i = 1; i < segs.length; i++) {
    if (!/^\d+$/.test(segs[i]!) && fieldAt(schema, segs.slice(0, i))?.kind === 'array') return segs.slice(0, i).join('.');
  }
  return undefined;
}

function durationProblem(op: string, value: unknown): string | undefined {
  if (typeof value === 'string' && DURATION.test(value)) return undefined;
  const hint = typeof value === 'string' && /^\s*\d+\s*(y|yr|year|mo|month|m)s?\s*$/i.test(value)
    ? ' Months and years have no fixed length: write the days, e.g. 365d.'
    : typeof value === 'number' ? ` Say the unit: ${value}d for days.` : '';
  return `operator "${op}" takes a duration: whole hours, days or weeks such as 48h, 365d or 2w; got ${JSON.stringify(value)}.${hint}`;
}

/** `{ count: { key, where?, label? }, op, value, message? }`: the list, the items' condition, the comparison. */
function validateCount(obj: Record<string, unknown>, scope: Scope, path: PathSegment[]): AssertionProblem[] {
  const problems: AssertionProblem[] = [];
  for (const extra of Object.keys(obj).filter((k) => !COUNT_NODE_KEYS.includes(k))) {
    problems.push({ path: [...path, extra], message: `unexpected key "${extra}" beside "count": a count takes count, op, value and message.${didYouMean(extra, COUNT_NODE_KEYS)}`, at: 'key' });
  }
  const spec = obj.count;
  const at = [...path, 'count'];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    problems.push({ path: at, message: '"count" takes a mapping: { key: <a list field>, where: <an assertion about one item>, label: <what is counted, in words> }.', at: 'value' });
  } else {
    const c = spec as Record<string, unknown>;
    for (const extra of Object.keys(c).filter((k) => !COUNT_SPEC_KEYS.includes(k))) {
      problems.push({ path: [...at, extra], message: `unknown key "${extra}" in "count": it takes key, where and label.${didYouMean(extra, COUNT_SPEC_KEYS)}`, at: 'key' });
    }
    if ('label' in c && typeof c.label !== 'string') problems.push({ path: [...at, 'label'], message: '"label" is text: what is counted, e.g. "critical alerts open longer than 7 days".', at: 'value' });
    if (typeof c.key !== 'string' || !c.key) problems.push({ path: at, message: 'missing "key" in "count": the dotted path of the list whose items are counted.', at: 'key' });
    else problems.push(...validateCountedList(c.key, c, scope, at));
  }
  if (typeof obj.op !== 'string') problems.push({ path, message: `missing "op": one of ${COUNT_OPERATORS.join(', ')}, comparing the number of items with "value".`, at: 'key' });
  else if (!(COUNT_OPERATORS as readonly string[]).includes(obj.op)) {
    problems.push({ path: [...path, 'op'], message: `a count compares a number; operator "${obj.op}" does not. Use one of ${COUNT_OPERATORS.join(', ')}.${didYouMean(obj.op, COUNT_OPERATORS)}`, at: 'value' });
  }
  if (!('value' in obj)) problems.push({ path, message: 'a count needs a "value": the number of items to compare with (e.g. value: 0 with op: eq for "none").', at: 'key' });
  else {
    const listOp = obj.op === 'in' || obj.op === 'not-in';
    const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
    const ok = listOp ? Array.isArray(obj.value) && obj.value.length > 0 && obj.value.every(isCount) : isCount(obj.value);
    if (!ok) problems.push({ path: [...path, 'value'], message: `a count is a whole number of items; "value" must be ${listOp ? 'a list of such numbers' : 'one (0, 1, 2, …)'}, got ${JSON.stringify(obj.value)}.`, at: 'value' });
  }
  if ('message' in obj && typeof obj.message !== 'string') problems.push({ path: [...path, 'message'], message: '"message" is text: what is required, in words.', at: 'value' });
  return problems;
}

function validateCountedList(key: string, spec: Record<string, unknown>, scope: Scope, at: PathSegment[]): AssertionProblem[] {
  const field = fieldAt(scope.schema, key.split('.'));
  if (!field) return [{ path: [...at, 'key'], message: `"${key}" is not a field of ${scope.what}.${didYouMean(key, allKeyPaths(scope.schema))}`, at: 'value' }];
  const crossed = listCrossed(scope.schema, key);
  if (crossed) return [{ path: [...at, 'key'], message: `"${key}" reaches into the list "${crossed}"; count the items of "${crossed}" itself.`, at: 'value' }];
  if (field.kind !== 'array' && field.kind !== 'any') return [{ path: [...at, 'key'], message: `"count" counts the items of a list; ${key} is ${KIND_WORDS[field.kind]}.`, at: 'value' }];
  if (!('where' in spec)) return [];
  const item = field.kind === 'any' ? z.unknown() : itemSchemaAt(scope.schema, key.split('.'));
  if (!item) return [];
  return validateNode(spec.where, { schema: item, what: `the items of "${key}"` }, [...at, 'where']);
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
  if ('count' in a) return [a.count.key];
  return [a.key];
}
