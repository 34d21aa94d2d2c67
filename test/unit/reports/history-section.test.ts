import { describe, expect, it } from 'vitest';
import { html } from '../../../src/reports/html.js';
import { json } from '../../../src/reports/json.js';
import { markdown } from '../../../src/reports/markdown.js';
import { readResults, type Results } from '../../../src/results.js';
import { summariseHistory } from '../../../src/history/coverage.js';
import { durationText, gapText } from '../../../src/reports/history-words.js';
import { resultsSchemaErrors } from '../../helpers/results-schema.js';
import { loadResults } from './support.js';
import { control, run } from '../history/fixtures.js';

const minimal = loadResults('minimal');
const PERIOD = { start: '2026-01-01', end: '2026-01-10' };
const chain = { records: 2, head: { sequence: 2, sha256: 'e'.repeat(64) } };
const hostile = 'Policy <script>alert(1)</script> | pipe';

function withHistory(runs: Parameters<typeof summariseHistory>[0]['runs'], now = '2026-01-11T00:00:00Z'): Results {
  return { ...minimal, history: summariseHistory({ dir: 'soc2-history', runs, period: PERIOD, now: new Date(now), chain, thisRun: 'r3' }) };
}

const daily = (n: number, statusOf: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => run(`r${i + 1}`, `2026-01-${String(i + 1).padStart(2, '0')}T02:00:00.000Z`, [
    control('SEC-001', statusOf(i), { title: hostile }),
    control('MAN-001', 'manual', { type: 'manual', frequency: 'quarterly' }),
  ], PERIOD));

/** Splits a GFM table row on unescaped pipes. */
const cells = (row: string) => row.slice(1, -1).split(/(?<!\\)\|/);

describe('reports/markdown, reports/html: the history section', () => {
  it('is absent when the run kept no history', () => {
    expect(markdown.render(minimal)).not.toContain('History over the review period');
    expect(html.render(minimal)).not.toContain('id="history"');
  });

  it('shows runs, share passing, first failure, fix and how long it failed, per control', () => {
    const r = withHistory(daily(10, (i) => (i === 3 || i === 4 ? 'fail' : 'pass')));
    const md = markdown.render(r);
    const row = md.split('\n').find((l) => l.startsWith('| SEC-001'))!;
    expect(cells(row).map((c) => c.trim())).toEqual([
      'SEC-001 — Policy &lt;script&gt;alert(1)&lt;/script&gt; \\| pipe', 'daily', '10', '8 of 10 (80%)', '2026-01-04 02:00 UTC', '2026-01-06 02:00 UTC', '2 days', 'none',
    ]);
    expect(md).toContain('10 runs started in the period 2026-01-01 to 2026-01-10 (first 2026-01-01 02:00 UTC, last 2026-01-10 02:00 UTC), this run included');
    expect(md).toContain('Otherwise, every automated control was decided at least once in every interval of its frequency from 2026-01-01 to the end of 2026-01-10.');
    expect(md).toContain('1 manual control (MAN-001) is not covered by automated evidence');
    const page = html.render(r);
    expect(page).toContain('<td>8 of 10 (80%)</td>'.replace('<td>', '<td class="num">'));
    expect(page).toContain('Policy &lt;script&gt;alert(1)&lt;/script&gt; | pipe');
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('<a href="#history">History</a>');
  });

  it('says plainly which parts of the period the evidence does not cover', () => {
    const runs = daily(9, () => 'pass').filter((_, i) => i !== 2 && i !== 3 && i !== 7);
    runs[3]!.controls[0]!.status = 'error'; // 6 January: the run happened but decided nothing
    const md = markdown.render(withHistory(runs, '2026-01-09T12:00:00Z'));
    expect(md).toContain('- No run at all on 3 days: 2026-01-03 to 2026-01-04 (2 days); 2026-01-08 (1 day).');
    expect(md).toContain('- From 2026-01-09 12:00 UTC to the end of the period (2026-01-10) had not been reached when this was computed: nothing covers it yet.');
    expect(md).toContain('  - SEC-001 (daily): 2026-01-03 to 2026-01-04 (2 days); 2026-01-06 (1 day); 2026-01-08 (1 day).');
    expect(md).not.toContain('Otherwise, every automated control');
  });

  it('never says a single run shows the controls operated throughout the period', () => {
    for (const r of [withHistory(daily(1, () => 'pass')), withHistory([])]) {
      for (const text of [markdown.render(r), html.render(r)]) {
        const claims = [...text.matchAll(/operated throughout/g)].map((m) => text.slice(Math.max(0, m.index! - 40), m.index!));
        expect(claims.every((before) => before.endsWith('does not show that they '))).toBe(true);
      }
    }
    expect(markdown.render(withHistory(daily(1, () => 'pass')))).toContain('Only one run started in the period. It shows the controls at one moment, not how they worked across the rest of the period.');
    expect(markdown.render(withHistory([]))).toContain('No run started in the period: the evidence covers none of it.');
  });

  it('says when a control is still failing at its last run', () => {
    const md = markdown.render(withHistory(daily(3, (i) => (i === 0 ? 'pass' : 'fail'))));
    expect(md).toContain('| not fixed by the last run | at least 1 day, still failing at the last run |');
  });

  it('keeps every table row as wide as its header', () => {
    const md = markdown.render(withHistory(daily(4, (i) => (i % 2 ? 'fail' : 'pass'))));
    let width = 0;
    for (const line of md.split('\n')) {
      if (!line.startsWith('|')) {
        width = 0;
        continue;
      }
      if (width === 0) width = cells(line).length;
      else expect(cells(line).length, line).toBe(width);
    }
  });

  it('travels in results.json: schema-valid, and `soc2 report` re-renders the same section', () => {
    const r = withHistory(daily(5, (i) => (i === 1 ? 'fail' : 'pass')));
    const written = JSON.parse(json.render(r));
    expect(resultsSchemaErrors(written)).toEqual([]);
    const reread = readResults(written);
    expect(markdown.render(reread)).toBe(markdown.render(r));
    expect(html.render(reread)).toBe(html.render(r));
  });

  it.each([
    [0, 'less than a minute'],
    [59_999, 'less than a minute'],
    [60_000, '1 minute'],
    [3_600_000 + 5 * 60_000 + 59_000, '1 hour 5 minutes'],
    [2 * 86_400_000 + 30 * 60_000, '2 days'],
    [86_400_000 + 3_600_000, '1 day 1 hour'],
  ])('durations read as people say them: %i ms → %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });

  it('writes gaps as inclusive days, or hours for continuous controls', () => {
    expect(gapText({ from: '2026-02-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z', intervals: 1 }, 'monthly')).toBe('2026-02-01 to 2026-02-28 (1 month)');
    expect(gapText({ from: '2026-02-10T00:00:00.000Z', to: '2026-02-10T03:00:00.000Z', intervals: 3 }, 'continuous')).toBe('2026-02-10 00:00 UTC to 2026-02-10 03:00 UTC (3 hours)');
  });
});
