import { describe, expect, it } from 'vitest';
import { evaluateAssertion, type Verdict } from '../../../src/engine/assert.js';
import { durationMs, type Assertion } from '../../../src/controls/schema.js';

const now = new Date('2026-04-01T00:00:00Z');

const key = {
  createdAt: '2025-03-01T00:00:00Z', // 396 days before now
  exactlyAYear: '2025-04-01T00:00:00Z', // 365 days
  justUnderAYear: '2025-04-01T00:00:01Z',
  twoDaysAgo: '2026-03-30T00:00:00Z',
  dateOnly: '2026-03-25',
  tomorrow: '2026-04-02T00:00:00Z',
  words: 'last spring',
  number: 5,
  nothing: null,
};

// [assertion, expected verdict] with the run's clock at `now`
const ages: Array<[Assertion, Verdict]> = [
  [{ key: 'createdAt', op: 'older-than', value: '365d' }, 'pass'],
  [{ key: 'createdAt', op: 'newer-than', value: '365d' }, 'fail'],
  [{ key: 'createdAt', op: 'older-than', value: '57w' }, 'fail'], // 399 days
  [{ key: 'createdAt', op: 'older-than', value: '56w' }, 'pass'], // 392 days
  // strict on both sides: exactly 365 days old is neither older nor newer than 365 days
  [{ key: 'exactlyAYear', op: 'older-than', value: '365d' }, 'fail'],
  [{ key: 'exactlyAYear', op: 'newer-than', value: '365d' }, 'fail'],
  [{ key: 'justUnderAYear', op: 'older-than', value: '365d' }, 'fail'],
  [{ key: 'justUnderAYear', op: 'newer-than', value: '365d' }, 'pass'],
  [{ key: 'twoDaysAgo', op: 'older-than', value: '47h' }, 'pass'],
  [{ key: 'twoDaysAgo', op: 'older-than', value: '48h' }, 'fail'],
  [{ key: 'twoDaysAgo', op: 'newer-than', value: '49h' }, 'pass'],
  [{ key: 'dateOnly', op: 'older-than', value: '6d' }, 'pass'],
  [{ key: 'dateOnly', op: 'older-than', value: '7d' }, 'fail'],
  // a time ahead of the clock is not old
  [{ key: 'tomorrow', op: 'older-than', value: '0d' }, 'fail'],
  [{ key: 'tomorrow', op: 'newer-than', value: '1d' }, 'pass'],
  // not a date-time, or no value: could not tell, also under `not`
  [{ key: 'words', op: 'older-than', value: '1d' }, 'missing'],
  [{ key: 'number', op: 'newer-than', value: '1d' }, 'missing'],
  [{ key: 'nothing', op: 'older-than', value: '1d' }, 'missing'],
  [{ key: 'absentKey', op: 'older-than', value: '1d' }, 'missing'],
  [{ not: { key: 'nothing', op: 'older-than', value: '1d' } }, 'missing'],
  [{ not: { key: 'createdAt', op: 'older-than', value: '365d' } }, 'fail'],
  // a duration the loader would have refused cannot be measured either
  [{ key: 'createdAt', op: 'older-than', value: '1y' }, 'missing'],
];

const alerts = {
  alerts: [
    { n: 1, severity: 'critical', createdAt: '2026-03-01T00:00:00Z', summary: 'alert 1' }, // 31 days
    { n: 2, severity: 'critical', createdAt: '2026-03-30T00:00:00Z', summary: 'alert 2' }, // 2 days
    { n: 3, severity: 'high', createdAt: '2026-01-01T00:00:00Z', summary: 'alert 3' }, // 90 days
    { n: 4, severity: null, createdAt: '2026-02-01T00:00:00Z', summary: 'alert 4' }, // 59 days, severity not given
  ],
  none: [],
  nothing: null,
  name: 'not a list',
};
const late = (severity: string, age: string): Assertion => ({ all: [{ key: 'severity', op: 'eq', value: severity }, { key: 'createdAt', op: 'older-than', value: age }] });
const count = (where: Assertion | undefined, op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'not-in', value: unknown, list = 'alerts'): Assertion => ({ count: { key: list, ...(where ? { where } : {}) }, op, value });

const counts: Array<[string, Assertion, Verdict]> = [
  ['every item, no where', count(undefined, 'eq', 4), 'pass'],
  ['every item, compared wrongly', count(undefined, 'gt', 4), 'fail'],
  ['an empty list counts 0', count(undefined, 'eq', 0, 'none'), 'pass'],
  ['a list the source did not send: could not tell', count(undefined, 'eq', 0, 'nothing'), 'missing'],
  ['a list that is absent: could not tell', count(undefined, 'eq', 0, 'absentKey'), 'missing'],
  ['a value that is not a list: could not tell', count(undefined, 'eq', 0, 'name'), 'missing'],
  // #1 counts; #4 (no severity, 59 days) may: the count is 1 or 2, and neither is 0
  ['one known item decides eq 0, whatever the unknown one is', count(late('critical', '7d'), 'eq', 0), 'fail'],
  // #4 is too young for the 60-day deadline whatever its severity: it does not count
  ['an unknown field does not matter where a known one already excludes the item', count(late('critical', '60d'), 'eq', 0), 'pass'],
  ['a known match, the unknown item too young to count', count(late('high', '60d'), 'eq', 1), 'pass'],
  // only #4 could count: 0 or 1
  ['an item that may or may not count leaves eq 0 unknown', count(late('low', '7d'), 'eq', 0), 'missing'],
  ['... unless the comparison holds for every possible count', count(late('low', '7d'), 'lte', 1), 'pass'],
  ['... or for none', count(late('low', '7d'), 'gt', 1), 'fail'],
  ['... in: holds for 0 and 1', count(late('low', '7d'), 'in', [0, 1]), 'pass'],
  ['... not-in: holds for 0, not for 1', count(late('low', '7d'), 'not-in', [1]), 'missing'],
  ['... ne', count(late('low', '7d'), 'ne', 2), 'pass'],
  ['a where with any: #1 late as critical, #3 late as high, #4 (59 days, no severity) undecided', count({ any: [late('critical', '7d'), late('high', '30d'), { key: 'createdAt', op: 'older-than', value: '180d' }] }, 'eq', 2), 'missing'],
  ['a condition without severity counts the item that has none (#3, #4)', count({ key: 'createdAt', op: 'older-than', value: '58d' }, 'eq', 2), 'pass'],
  ['not over a count that holds', { not: count(late('high', '60d'), 'eq', 1) }, 'fail'],
  ['not over an undecided count stays undecided', { not: count(late('low', '7d'), 'eq', 0) }, 'missing'],
  ['all: a failing count decides over an unknown leaf', { all: [count(late('critical', '7d'), 'eq', 0), { key: 'nothing', op: 'eq', value: 1 }] }, 'fail'],
  ['any: a passing count decides over an unknown one', { any: [count(late('low', '7d'), 'eq', 0), count(undefined, 'eq', 4)] }, 'pass'],
  ['a count inside a where (lists of lists)', { count: { key: 'groups', where: count({ key: 'x', op: 'eq', value: 1 }, 'gte', 1, 'items') }, op: 'eq', value: 1 }, 'pass'],
];

describe('engine/assert (age operators and count)', () => {
  it.each(ages.map(([a, v], i) => [i, JSON.stringify(a), a, v] as const))('age #%i %s → %s', (_i, _label, assertion, verdict) => {
    expect(evaluateAssertion(assertion, key, { now }).verdict).toBe(verdict);
  });

  it('measures ages from the clock it is given, never from the machine\'s', () => {
    const a: Assertion = { key: 'createdAt', op: 'older-than', value: '30d' };
    const data = { createdAt: '2026-03-01T00:00:00Z' };
    expect(evaluateAssertion(a, data, { now: new Date('2026-03-31T00:00:01Z') }).verdict).toBe('pass');
    expect(evaluateAssertion(a, data, { now: new Date('2026-03-30T23:59:59Z') }).verdict).toBe('fail');
  });

  it('cannot tell an age without a clock: "could not tell", never a pass', () => {
    const out = evaluateAssertion({ key: 'createdAt', op: 'older-than', value: '1d' }, key);
    expect(out).toEqual({ verdict: 'missing', failures: [expect.objectContaining({ key: 'createdAt', reason: 'unevaluable' })] });
    expect(evaluateAssertion({ not: { key: 'createdAt', op: 'older-than', value: '1d' } }, key).verdict).toBe('missing');
  });

  it.each([['48h', 48 * 3_600_000], ['365d', 365 * 86_400_000], ['2w', 14 * 86_400_000], ['0d', 0]] as const)('reads the duration %s', (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(['1y', '6m', '1.5d', 'P365D', '365', ' 7d', '7 d', 7])('refuses %j as a duration', (text) => {
    expect(durationMs(text)).toBeUndefined();
  });

  it.each(counts)('count: %s', (_name, assertion, verdict) => {
    const data = { ...alerts, groups: [{ items: [{ x: 1 }, { x: 2 }] }, { items: [{ x: 2 }] }] };
    expect(evaluateAssertion(assertion, data, { now }).verdict).toBe(verdict);
  });

  it('gives a failing count its list, the number counted and the items that counted', () => {
    const out = evaluateAssertion({ count: { key: 'alerts', where: late('critical', '7d'), label: 'critical alerts open longer than 7 days' }, op: 'eq', value: 0, message: 'none' }, alerts, { now });
    expect(out.verdict).toBe('fail');
    expect(out.failures).toEqual([{
      key: 'alerts', op: 'eq', expected: 0, actual: 1, reason: 'mismatch', requirement: 'none',
      count: {
        label: 'critical alerts open longer than 7 days', where: late('critical', '7d'), total: 4,
        matched: [alerts.alerts[0]],
        undecided: [{ item: alerts.alerts[3], failures: [expect.objectContaining({ key: 'alerts.severity', reason: 'missing' })] }],
      },
    }]);
  });

  it('gives an undecided count the items it could not tell about, their fields named list.field', () => {
    const out = evaluateAssertion(count(late('low', '7d'), 'eq', 0), alerts, { now });
    expect(out.failures).toEqual([expect.objectContaining({ key: 'alerts', reason: 'missing', actual: 0, count: expect.objectContaining({ matched: [], undecided: [{ item: alerts.alerts[3], failures: [expect.objectContaining({ key: 'alerts.severity', op: 'eq', expected: 'low' })] }] }) })]);
  });

  it('under `not`, names what the count found', () => {
    const out = evaluateAssertion({ not: count(late('high', '60d'), 'eq', 1) }, alerts, { now });
    expect(out.failures).toEqual([expect.objectContaining({ key: 'alerts', reason: 'negated', actual: 1, count: expect.objectContaining({ matched: [alerts.alerts[2]] }) })]);
  });

  it('asks the collector about item fields by list.field, so present/absent on an item field an API may leave out cannot answer', () => {
    const absent: Assertion = { count: { key: 'alerts', where: { key: 'severity', op: 'absent' } }, op: 'eq', value: 0 };
    expect(evaluateAssertion(absent, alerts, { now }).verdict).toBe('fail');
    const asked: string[] = [];
    const mayBeUnreported = (k: string) => {
      asked.push(k);
      return k === 'alerts.severity';
    };
    expect(evaluateAssertion(absent, alerts, { now, mayBeUnreported }).verdict).toBe('missing');
    expect(asked).toContain('alerts.severity');
  });

  it('is pure and never throws, whatever the list holds', () => {
    const data = { alerts: [null, 1, 'x', [], { severity: 'high', createdAt: 'soon' }] };
    const copy = structuredClone(data);
    const out = evaluateAssertion(count(late('high', '1d'), 'eq', 0), data, { now });
    expect(out.verdict).toBe('missing');
    expect(data).toEqual(copy);
  });
});
