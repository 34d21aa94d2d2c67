import { describe, expect, it } from 'vitest';
import type { Frequency } from '../../../src/controls/schema.js';
import { failures, summariseHistory } from '../../../src/history/coverage.js';
import { intervalStart, uncoveredIntervals } from '../../../src/history/intervals.js';
import { control, PERIOD, run } from './fixtures.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const chain = { records: 0, head: null };
const summarise = (runs: Parameters<typeof summariseHistory>[0]['runs'], now: string, period = PERIOD) =>
  summariseHistory({ dir: 'hist', runs, period, now: new Date(now), chain });

describe('history/intervals', () => {
  it.each<[Frequency, string, string]>([
    ['continuous', '2026-03-08T09:59:59.999Z', '2026-03-08T09:00:00.000Z'],
    ['daily', '2026-03-08T23:59:59.999Z', '2026-03-08T00:00:00.000Z'],
    ['weekly', '2026-03-08T12:00:00.000Z', '2026-03-02T00:00:00.000Z'], // a Sunday belongs to the week from Monday
    ['weekly', '2026-03-09T00:00:00.000Z', '2026-03-09T00:00:00.000Z'], // a Monday starts one
    ['monthly', '2026-02-28T23:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ['quarterly', '2026-06-30T23:59:59.999Z', '2026-04-01T00:00:00.000Z'],
    ['quarterly', '2026-12-31T00:00:00.000Z', '2026-10-01T00:00:00.000Z'],
  ])('%s: %s falls in the interval starting %s (UTC, no daylight saving)', (f, at, start) => {
    expect(iso(intervalStart(t(at), f))).toBe(start);
  });

  // The period 2026-01-01..2026-03-31 (whole days), evaluated after it ended.
  const from = t('2026-01-01T00:00:00Z');
  const to = t('2026-04-01T00:00:00Z');
  const after = t('2026-05-01T00:00:00Z');
  const gaps = (times: string[], f: Frequency, now = after) =>
    uncoveredIntervals(times.map(t), from, to, now, f).map((g) => [iso(g.from).slice(0, 16), iso(g.to).slice(0, 16), g.intervals]);

  it.each<[string, Frequency, string[], Array<[string, string, number]>]>([
    ['daily: one run a day, even with the start drifting, leaves no gap', 'daily',
      Array.from({ length: 90 }, (_, i) => iso(from + i * 86_400_000 + (i % 2 ? 23 * 3_600_000 : 60_000))), []],
    ['daily: two missed days make one gap of two days', 'daily',
      Array.from({ length: 90 }, (_, i) => iso(from + i * 86_400_000 + 3_600_000)).filter((_, i) => i !== 9 && i !== 10),
      [['2026-01-10T00:00', '2026-01-12T00:00', 2]]],
    ['daily: no run at all is one gap over the whole period', 'daily', [], [['2026-01-01T00:00', '2026-04-01T00:00', 90]]],
    ['weekly: the partial first week (Thursday 1 to Sunday 4 January) needs a run of its own', 'weekly',
      ['2026-01-05T10:00:00Z', '2026-01-12T10:00:00Z', ...Array.from({ length: 11 }, (_, i) => iso(t('2026-01-19T10:00:00Z') + i * 7 * 86_400_000))],
      [['2026-01-01T00:00', '2026-01-05T00:00', 1]]],
    ['weekly: a run on any day of each week is enough', 'weekly',
      ['2026-01-04T23:00:00Z', ...Array.from({ length: 12 }, (_, i) => iso(t('2026-01-11T23:59:00Z') + i * 7 * 86_400_000)), '2026-03-31T10:00:00Z'], []],
    ['weekly: the partial last week (Monday 30 and Tuesday 31 March) too', 'weekly',
      ['2026-01-04T23:00:00Z', ...Array.from({ length: 12 }, (_, i) => iso(t('2026-01-11T23:59:00Z') + i * 7 * 86_400_000))],
      [['2026-03-30T00:00', '2026-04-01T00:00', 1]]],
    ['monthly: February without a run', 'monthly', ['2026-01-31T23:59:00Z', '2026-03-01T00:00:00Z'], [['2026-02-01T00:00', '2026-03-01T00:00', 1]]],
    ['quarterly: one run in the quarter covers it', 'quarterly', ['2026-03-31T23:59:59Z'], []],
    ['continuous: hours without a run, merged', 'continuous',
      Array.from({ length: 90 * 24 }, (_, i) => iso(from + i * 3_600_000 + 120_000)).filter((x) => !x.startsWith('2026-02-10T0')),
      [['2026-02-10T00:00', '2026-02-10T10:00', 10]]],
    ['runs outside the period cover nothing in it', 'monthly', ['2025-12-31T23:59:59Z', '2026-04-01T00:00:00Z', '2026-02-15T00:00:00Z', '2026-03-15T00:00:00Z'],
      [['2026-01-01T00:00', '2026-02-01T00:00', 1]]],
  ])('%s', (_what, f, times, expected) => {
    expect(gaps(times, f)).toEqual(expected);
  });

  it('does not count the interval under way, nor intervals not reached yet, as gaps', () => {
    const now = t('2026-01-10T12:00:00Z');
    const runs = ['2026-01-01T01:00:00Z', '2026-01-02T01:00:00Z', '2026-01-04T01:00:00Z'];
    expect(gaps(runs, 'daily', now)).toEqual([
      ['2026-01-03T00:00', '2026-01-04T00:00', 1],
      ['2026-01-05T00:00', '2026-01-10T00:00', 5], // 10 January is under way
    ]);
    expect(gaps([...runs, '2026-01-10T11:00:00Z'], 'monthly', now)).toEqual([]);
  });
});

describe('history/coverage', () => {
  it('counts runs, statuses, first failure, fix and the failure\'s bounds for each control', () => {
    const h = summarise([
      run('r1', '2026-01-01T02:00:00Z', [control('SEC-001', 'pass'), control('GH-001', 'pass')]),
      run('r2', '2026-01-02T02:00:00Z', [control('SEC-001', 'fail'), control('GH-001', 'pass')]),
      run('r3', '2026-01-03T02:00:00Z', [control('SEC-001', 'error'), control('GH-001', 'pass')]),
      run('r4', '2026-01-04T02:30:00Z', [control('SEC-001', 'pass'), control('GH-001', 'pass')]),
    ], '2026-01-04T03:00:00Z');
    const sec = h.controls.find((c) => c.id === 'SEC-001')!;
    expect(sec).toMatchObject({ runs: 4, statuses: { pass: 2, fail: 1, error: 1 }, firstRunAt: '2026-01-01T02:00:00Z', lastRunAt: '2026-01-04T02:30:00Z', lastStatus: 'pass' });
    expect(sec.failures).toEqual([{ from: '2026-01-02T02:00:00Z', to: '2026-01-04T02:30:00Z', runs: 2, lastPassBefore: '2026-01-01T02:00:00Z', beganBeforePeriod: false }]);
    // the run in error decided nothing, but the next day's run did: no daily interval is missing
    expect(sec.gaps).toEqual([{ from: '2026-01-03T00:00:00.000Z', to: '2026-01-04T00:00:00.000Z', intervals: 1 }]);
    expect(h.controls.find((c) => c.id === 'GH-001')!.gaps).toEqual([]);
    expect(h.runs).toEqual({ inPeriod: 4, beforePeriod: 0, afterPeriod: 0, first: '2026-01-01T02:00:00Z', last: '2026-01-04T02:30:00Z' });
    expect(h.noRun).toEqual([]);
    expect(h.notYetReached).toEqual({ from: '2026-01-04T03:00:00.000Z', to: '2026-04-01T00:00:00.000Z' });
  });

  it.each<[string, string[], boolean, Array<{ from: string; to: string | null; runs: number; beganBeforePeriod: boolean }>]>([
    ['never failing', ['pass', 'pass'], false, []],
    ['failing from the first run to the last', ['fail', 'fail', 'fail'], false, [{ from: 'd1', to: null, runs: 3, beganBeforePeriod: false }]],
    ['excepted and error runs do not end a failure; not applicable does', ['fail', 'excepted', 'error', 'not_applicable', 'fail', 'pass'], false,
      [{ from: 'd1', to: 'd4', runs: 3, beganBeforePeriod: false }, { from: 'd5', to: 'd6', runs: 1, beganBeforePeriod: false }]],
    ['excepted alone is not a failure', ['excepted', 'pass'], false, []],
    ['a failure carried over from before the period', ['fail', 'pass'], true, [{ from: 'd1', to: 'd2', runs: 1, beganBeforePeriod: true }]],
    ['carried over only until a run clears it', ['error', 'pass', 'fail'], true, [{ from: 'd3', to: null, runs: 1, beganBeforePeriod: false }]],
  ])('failure stretches: %s', (_what, statuses, before, expected) => {
    const got = failures(statuses.map((status, i) => ({ startedAt: `d${i + 1}`, status })), before);
    expect(got.map(({ lastPassBefore: _, ...rest }) => rest)).toEqual(expected);
  });

  it('records the last passing run before a failure, which bounds when it began', () => {
    expect(failures([{ startedAt: 'd1', status: 'pass' }, { startedAt: 'd2', status: 'error' }, { startedAt: 'd3', status: 'fail' }], false)[0]!.lastPassBefore).toBe('d1');
  });

  it('knows a failure began before the period from the last run before it', () => {
    const h = summarise([
      run('r0', '2025-12-31T23:59:59.999Z', [control('SEC-001', 'fail')]),
      run('r1', '2026-01-01T00:00:00.000Z', [control('SEC-001', 'fail')]),
      run('r2', '2026-01-02T00:00:00.000Z', [control('SEC-001', 'pass')]),
    ], '2026-05-01T00:00:00Z');
    const sec = h.controls[0]!;
    expect(sec.runs).toBe(2);
    expect(sec.failures).toEqual([{ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', runs: 1, lastPassBefore: null, beganBeforePeriod: true }]);
    expect(h.runs).toMatchObject({ inPeriod: 2, beforePeriod: 1, afterPeriod: 0 });
  });

  it.each([
    ['the first instant of the period', '2026-01-01T00:00:00.000Z', 'in'],
    ['the last millisecond of the last day', '2026-03-31T23:59:59.999Z', 'in'],
    ['the first instant after the last day', '2026-04-01T00:00:00.000Z', 'after'],
    ['the last millisecond before the period', '2025-12-31T23:59:59.999Z', 'before'],
  ])('period boundaries (whole UTC days, inclusive): a run at %s is %s', (_what, at, where) => {
    const h = summarise([run('r', at, [control('SEC-001', 'pass')])], '2026-06-01T00:00:00Z');
    expect(h.runs).toMatchObject({ inPeriod: where === 'in' ? 1 : 0, beforePeriod: where === 'before' ? 1 : 0, afterPeriod: where === 'after' ? 1 : 0 });
    expect(h.controls.length).toBe(where === 'in' ? 1 : 0);
  });

  it('lists the days of the period with no run at all, and nothing after the period ended', () => {
    const h = summarise([
      run('r1', '2026-01-01T02:00:00Z', [control('SEC-001', 'pass')]),
      run('r2', '2026-03-31T02:00:00Z', [control('SEC-001', 'pass')]),
    ], '2026-06-01T00:00:00Z');
    expect(h.noRun).toEqual([{ from: '2026-01-02T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', intervals: 88 }]);
    expect(h.notYetReached).toBeNull();
  });

  it('measures each control against its own frequency, from the newest run', () => {
    const weekly = (status: string) => control('AWS-010', status, { frequency: 'weekly' });
    const h = summarise([
      run('r1', '2026-01-01T02:00:00Z', [control('AWS-010', 'pass')]),
      run('r2', '2026-01-08T02:00:00Z', [weekly('pass')]),
      run('r3', '2026-01-15T02:00:00Z', [weekly('pass')]),
    ], '2026-01-18T00:00:00Z', { start: '2026-01-01', end: '2026-01-18' });
    const c = h.controls[0]!;
    expect(c.frequency).toBe('weekly');
    expect(c.gaps).toEqual([]); // the week of 12 January is covered by 15 January; the week from 1 January too
  });

  it('shows manual controls without gaps: their evidence is attached by people, where soc2 cannot see it', () => {
    const h = summarise([run('r1', '2026-01-01T02:00:00Z', [control('MAN-001', 'manual', { type: 'manual', frequency: 'quarterly' })])], '2026-06-01T00:00:00Z');
    expect(h.controls[0]).toMatchObject({ id: 'MAN-001', type: 'manual', frequency: 'quarterly', gaps: null, statuses: { manual: 1 } });
  });

  it('counts statuses it does not know (from a newer soc2) as other, deciding nothing', () => {
    const h = summarise([run('r1', '2026-01-01T02:00:00Z', [control('SEC-001', 'inconclusive')])], '2026-01-02T00:00:00Z', { start: '2026-01-01', end: '2026-01-01' });
    expect(h.controls[0]).toMatchObject({ statuses: { other: 1 }, gaps: [{ from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z', intervals: 1 }] });
  });

  it('is the same whatever order the runs come in', () => {
    const runs = [
      run('r1', '2026-01-01T02:00:00Z', [control('SEC-001', 'pass')]),
      run('r2', '2026-01-03T02:00:00Z', [control('SEC-001', 'fail')]),
      run('r3', '2026-01-05T02:00:00Z', [control('SEC-001', 'pass')]),
    ];
    expect(summarise([...runs].reverse(), '2026-02-01T00:00:00Z')).toEqual(summarise(runs, '2026-02-01T00:00:00Z'));
  });
});
