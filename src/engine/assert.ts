/**
 * Pure assertion evaluation: (Assertion, resource data) → outcome with the reasons. Never throws.
 *
 * Three outcomes, not two: a key that is missing from the resource is `missing`, which is a
 * failure that `not` cannot turn into a pass — "we could not see it" must never read as "fine".
 */
import type { Assertion, Operator } from '../controls/schema.js';
import { operators } from './operators.js';

export type Verdict = 'pass' | 'fail' | 'missing';

export interface LeafFailure {
  key: string;
  op: Operator;
  expected: unknown;
  actual: unknown;
  /** 'missing': the key is absent; 'mismatch': present but wrong; 'negated': a `not` whose inner assertion held. */
  reason: 'missing' | 'mismatch' | 'negated';
  /** The control author's wording of what is required, if given. */
  requirement?: string;
}

export interface AssertOutcome {
  verdict: Verdict;
  failures: LeafFailure[];
}

export function getPath(data: unknown, key: string): unknown {
  let v: unknown = data;
  for (const seg of key.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

export function evaluateAssertion(a: Assertion, data: unknown): AssertOutcome {
  if ('all' in a) {
    const outs = a.all.map((x) => evaluateAssertion(x, data));
    const verdict: Verdict = outs.some((o) => o.verdict === 'missing') ? 'missing' : outs.every((o) => o.verdict === 'pass') ? 'pass' : 'fail';
    return { verdict, failures: outs.flatMap((o) => o.failures) };
  }
  if ('any' in a) {
    const outs = a.any.map((x) => evaluateAssertion(x, data));
    if (outs.some((o) => o.verdict === 'pass')) return { verdict: 'pass', failures: [] };
    return { verdict: outs.some((o) => o.verdict === 'missing') ? 'missing' : 'fail', failures: outs.flatMap((o) => o.failures) };
  }
  if ('not' in a) {
    const inner = evaluateAssertion(a.not, data);
    if (inner.verdict === 'missing') return inner;
    if (inner.verdict === 'fail') return { verdict: 'pass', failures: [] };
    return { verdict: 'fail', failures: leaves(a.not).map((l) => ({ key: l.key, op: l.op, expected: l.value, actual: getPath(data, l.key), reason: 'negated' as const, requirement: l.message })) };
  }
  const actual = getPath(data, a.key);
  const isPresenceOp = a.op === 'present' || a.op === 'absent';
  if (actual === undefined && !isPresenceOp) {
    return { verdict: 'missing', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'missing', requirement: a.message }] };
  }
  let ok: boolean;
  try {
    ok = operators[a.op](actual, a.value);
  } catch {
    ok = false; // e.g. a regular expression that cannot run: never a pass
  }
  return ok ? { verdict: 'pass', failures: [] } : { verdict: 'fail', failures: [{ key: a.key, op: a.op, expected: a.value, actual, reason: 'mismatch', requirement: a.message }] };
}

function leaves(a: Assertion): Array<{ key: string; op: Operator; value?: unknown; message?: string }> {
  if ('all' in a) return a.all.flatMap(leaves);
  if ('any' in a) return a.any.flatMap(leaves);
  if ('not' in a) return leaves(a.not);
  return [a];
}
