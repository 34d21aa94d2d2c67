/**
 * Pure assertion evaluation: (Assertion, resource data) → outcome with the reasons. Never throws.
 *
 * Three outcomes, not two: `missing` means the source did not say (the key is absent or null), so
 * the assertion can be neither shown to hold nor shown to fail. The combinators follow three-valued
 * (Kleene) logic, so an unknown part decides the outcome only when the known parts do not:
 * - `all`: fail if any part fails (one known deviation is enough); else missing if any part is
 *   missing; else pass.
 * - `any`: pass if any part passes (one part that holds is enough); else missing if any part is
 *   missing; else fail.
 * - `not`: swaps pass and fail; missing stays missing, so "we could not see it" never reads as "fine".
 * - `count`: an item whose `where` is missing may or may not count, so the count is a range; the
 *   comparison passes (or fails) only when it does for every number in the range, else missing.
 * docs/verdicts.md states these rules for control authors.
 */
import type { Assertion, CountSpec, Operator } from '../controls/schema.js';
import { operators } from './operators.js';

export type Verdict = 'pass' | 'fail' | 'missing';

export interface LeafFailure {
  key: string;
  op: Operator;
  expected: unknown;
  actual: unknown;
  /**
   * 'missing': the source did not say (absent or null); 'mismatch': present but wrong; 'negated': a
   * `not` whose inner assertion held; 'unevaluable': the operator could not run on the value.
   */
  reason: 'missing' | 'mismatch' | 'negated' | 'unevaluable';
  /** The control author's wording of what is required, if given. */
  requirement?: string;
  /** Set when the failing node is a `count`: `key` is the list, `actual` the number of items counted. */
  count?: CountFailure;
}

export interface CountFailure {
  /** What is counted, as the control names it. */
  label?: string;
  where?: Assertion;
  /** Items in the list. */
  total: number;
  /** The items `where` holds for. */
  matched: unknown[];
  /** The items `where` could not decide, each with why; failure keys are full paths (list.field). */
  undecided: Array<{ item: unknown; failures: LeafFailure[] }>;
}

export interface AssertOutcome {
  verdict: Verdict;
  /** Why the verdict is not `pass`: the failing leaves for `fail`, the unknown ones for `missing`. */
  failures: LeafFailure[];
}

export interface AssertOptions {
  /**
   * Whether a key is one an API may leave out (the collector's `revealedBy`). For such a key even
   * `present` and `absent` cannot answer from a null or absent value: the source did not say.
   */
  mayBeUnreported?(key: string): boolean;
  /** The run's clock, which the age operators (older-than, newer-than) measure from. */
  now?: Date;
}

export function getPath(data: unknown, key: string): unknown {
  let v: unknown = data;
  for (const seg of key.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

/** Absent and null both mean that the source sent no value. */
export function isUnreported(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

export function evaluateAssertion(a: Assertion, data: unknown, opts: AssertOptions = {}): AssertOutcome {
  if ('all' in a) {
    const outs = a.all.map((x) => evaluateAssertion(x, data, opts));
    const failed = outs.filter((o) => o.verdict === 'fail');
    if (failed.length) return { verdict: 'fail', failures: failed.flatMap((o) => o.failures) };
    const unknown = outs.filter((o) => o.verdict === 'missing');
    if (unknown.length) return { verdict: 'missing', failures: unknown.flatMap((o) => o.failures) };
    return { verdict: 'pass', failures: [] };
  }
  if ('any' in a) {
    const outs = a.any.map((x) => evaluateAssertion(x, data, opts));
    if (outs.some((o) => o.verdict === 'pass')) return { verdict: 'pass', failures: [] };
    const unknown = outs.filter((o) => o.verdict === 'missing');
    if (unknown.length) return { verdict: 'missing', failures: unknown.flatMap((o) => o.failures) };
    return { verdict: 'fail', failures: outs.flatMap((o) => o.failures) };
  }
  if ('not' in a) {
    const inner = evaluateAssertion(a.not, data, opts);
    if (inner.verdict === 'missing') return inner;
    if (inner.verdict === 'fail') return { verdict: 'pass', failures: [] };
    return { verdict: 'fail', failures: leaves(a.not).map((l) => negated(l, data, opts)) };
  }
  if ('count' in a) return evaluateCount(a, data, opts);
  const actual = getPath(data, a.key);
  const asksAboutPresence = a.op === 'present' || a.op === 'absent';
  if (isUnreported(actual) && (!asksAboutPresence || opts.mayBeUnreported?.(a.key))) {
    return { verdict: 'missing', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'missing', requirement: a.message }] };
  }
  let ok: boolean;
  try {
    ok = operators[a.op](actual, a.value, { now: opts.now?.getTime() });
  } catch {
    // e.g. a regular expression that cannot run: the check could not be made, which is neither a
    // pass nor (under `not`) a reason to pass.
    return { verdict: 'missing', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'unevaluable', requirement: a.message }] };
  }
  return ok ? { verdict: 'pass', failures: [] } : { verdict: 'fail', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'mismatch', requirement: a.message }] };
}

type CountNode = Extract<Assertion, { count: CountSpec }>;

/** The failure a count node gives: the list, the comparison and what was counted. */
function countFailure(a: CountNode, reason: LeafFailure['reason'], actual: unknown, count?: CountFailure): LeafFailure {
  return { key: a.count.key, op: a.op, expected: a.value, actual, reason, requirement: a.message, ...(count ? { count } : {}) };
}

/** What a count node finds in one resource: the items that count, and those it cannot tell about. */
function countItems(a: CountNode, data: unknown, opts: AssertOptions): { list: unknown } | { list: unknown[]; detail: CountFailure } {
  const { key, where, label } = a.count;
  const list = getPath(data, key);
  if (!Array.isArray(list)) return { list };
  // Keys inside `where` are paths into one item; the collector's revealedBy names them list.field.
  const itemOpts: AssertOptions = { ...opts, mayBeUnreported: (k) => opts.mayBeUnreported?.(`${key}.${k}`) ?? false };
  const matched: unknown[] = [];
  const undecided: CountFailure['undecided'] = [];
  for (const item of list) {
    const out = where ? evaluateAssertion(where, item, itemOpts) : { verdict: 'pass' as const, failures: [] };
    if (out.verdict === 'pass') matched.push(item);
    else if (out.verdict === 'missing') undecided.push({ item, failures: out.failures.map((f) => ({ ...f, key: `${key}.${f.key}` })) });
  }
  return { list, detail: { ...(label !== undefined ? { label } : {}), ...(where ? { where } : {}), total: list.length, matched, undecided } };
}

function evaluateCount(a: CountNode, data: unknown, opts: AssertOptions): AssertOutcome {
  const found = countItems(a, data, opts);
  if (!('detail' in found)) {
    return { verdict: 'missing', failures: [countFailure(a, isUnreported(found.list) ? 'missing' : 'unevaluable', found.list)] };
  }
  const { matched, undecided } = found.detail;
  // The count lies between the items known to count and those plus every undecided one.
  let holds = 0;
  let tried = 0;
  for (let n = matched.length; n <= matched.length + undecided.length; n++, tried++) {
    if (operators[a.op](n, a.value, {})) holds++;
  }
  if (holds === tried) return { verdict: 'pass', failures: [] };
  if (holds === 0) return { verdict: 'fail', failures: [countFailure(a, 'mismatch', matched.length, found.detail)] };
  return { verdict: 'missing', failures: [countFailure(a, 'missing', matched.length, found.detail)] };
}

type Leaf = Exclude<Assertion, { all: Assertion[] } | { any: Assertion[] } | { not: Assertion }>;

function leaves(a: Assertion): Leaf[] {
  if ('all' in a) return a.all.flatMap(leaves);
  if ('any' in a) return a.any.flatMap(leaves);
  if ('not' in a) return leaves(a.not);
  return [a];
}

/** A leaf of a `not` whose inner assertion held, as a reason the `not` fails. */
function negated(l: Leaf, data: unknown, opts: AssertOptions): LeafFailure {
  if (!('count' in l)) return { key: l.key, op: l.op, expected: l.value, actual: getPath(data, l.key), reason: 'negated', requirement: l.message };
  const found = countItems(l, data, opts);
  return 'detail' in found ? countFailure(l, 'negated', found.detail.matched.length, found.detail) : countFailure(l, 'negated', found.list);
}
