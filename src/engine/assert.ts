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
 * docs/verdicts.md states these rules for control authors.
 */
import type { Assertion, Operator } from '../controls/schema.js';
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
    return { verdict: 'fail', failures: leaves(a.not).map((l) => ({ key: l.key, op: l.op, expected: l.value, actual: getPath(data, l.key), reason: 'negated' as const, requirement: l.message })) };
  }
  const actual = getPath(data, a.key);
  const asksAboutPresence = a.op === 'present' || a.op === 'absent';
  if (isUnreported(actual) && (!asksAboutPresence || opts.mayBeUnreported?.(a.key))) {
    return { verdict: 'missing', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'missing', requirement: a.message }] };
  }
  let ok: boolean;
  try {
    ok = operators[a.op](actual, a.value);
  } catch {
    // e.g. a regular expression that cannot run: the check could not be made, which is neither a
    // pass nor (under `not`) a reason to pass.
    return { verdict: 'missing', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'unevaluable', requirement: a.message }] };
  }
  return ok ? { verdict: 'pass', failures: [] } : { verdict: 'fail', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'mismatch', requirement: a.message }] };
}

function leaves(a: Assertion): Array<{ key: string; op: Operator; value?: unknown; message?: string }> {
  if ('all' in a) return a.all.flatMap(leaves);
  if ('any' in a) return a.any.flatMap(leaves);
  if ('not' in a) return leaves(a.not);
  return [a];
}
