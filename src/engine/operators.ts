/**
 * The closed table of assertion operators. Each is pure: (actual, expected, clock) → boolean.
 * "Missing" is decided before an operator runs (see assert.ts), so operators see present values
 * except `present` and `absent`, which are about presence itself. An operator that cannot run on
 * its value throws; assert.ts reads that as "could not tell".
 */
import { durationMs, type Operator } from '../controls/schema.js';
import { compileLinear } from '../pattern.js';

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function comparable(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

function compare(actual: unknown, expected: unknown, test: (a: number, b: number) => boolean): boolean {
  const a = comparable(actual);
  const b = comparable(expected);
  return a !== undefined && b !== undefined && test(a, b);
}

function sizeOf(v: unknown): number | undefined {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  return undefined;
}

/** What an operator may know besides its two values. */
export interface OperatorClock {
  /** The run's clock in ms since the epoch; the age operators measure from it. Never Date.now(): evaluation is pure. */
  now?: number;
}

/** How long ago a date-time was, in ms (negative when it lies ahead). Throws when it cannot be told. */
function ageOf(actual: unknown, clock: OperatorClock = {}): number {
  if (clock.now === undefined) throw new Error('no clock was given to measure an age from');
  const t = typeof actual === 'string' && /^\d{4}-\d{2}-\d{2}/.test(actual) ? Date.parse(actual) : Number.NaN;
  if (Number.isNaN(t)) throw new Error(`${JSON.stringify(actual)} is not a date-time`);
  return clock.now - t;
}

function duration(expected: unknown): number {
  const ms = durationMs(expected);
  if (ms === undefined) throw new Error(`${JSON.stringify(expected)} is not a duration`);
  return ms;
}

export const operators: Record<Operator, (actual: unknown, expected: unknown, clock?: OperatorClock) => boolean> = {
  eq: (a, e) => deepEqual(a, e),
  ne: (a, e) => !deepEqual(a, e),
  gt: (a, e) => compare(a, e, (x, y) => x > y),
  gte: (a, e) => compare(a, e, (x, y) => x >= y),
  lt: (a, e) => compare(a, e, (x, y) => x < y),
  lte: (a, e) => compare(a, e, (x, y) => x <= y),
  in: (a, e) => Array.isArray(e) && (Array.isArray(a) ? a.every((x) => e.some((y) => deepEqual(x, y))) : e.some((y) => deepEqual(a, y))),
  'not-in': (a, e) => Array.isArray(e) && (Array.isArray(a) ? !a.some((x) => e.some((y) => deepEqual(x, y))) : !e.some((y) => deepEqual(a, y))),
  contains: (a, e) => {
    if (typeof a === 'string') return typeof e === 'string' && a.includes(e);
    if (Array.isArray(a)) return a.some((x) => deepEqual(x, e));
    if (a && typeof a === 'object') return typeof e === 'string' && Object.prototype.hasOwnProperty.call(a, e);
    return false;
  },
  // RE2, linear in the input: a pattern from a control file can never hang a run.
  matches: (a, e) => typeof a === 'string' && typeof e === 'string' && compileLinear(e).test(a),
  present: (a) => a !== undefined && a !== null,
  absent: (a) => a === undefined || a === null,
  empty: (a) => sizeOf(a) === 0,
  'not-empty': (a) => (sizeOf(a) ?? 0) > 0,
  // Strict on both sides: exactly the duration old is neither older nor newer than it.
  'older-than': (a, e, clock) => ageOf(a, clock) > duration(e),
  'newer-than': (a, e, clock) => ageOf(a, clock) < duration(e),
};
