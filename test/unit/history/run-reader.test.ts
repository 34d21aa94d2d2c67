import { describe, expect, it } from 'vitest';
import { readRunForHistory } from '../../../src/history/run-reader.js';
import { loadLegacyResults } from '../reports/support.js';

const base = {
  schemaVersion: '1.0.0',
  run: { id: 'r1', startedAt: '2026-01-01T02:00:00.000Z', finishedAt: '2026-01-01T02:01:00.000Z', period: { start: '2026-01-01', end: '2026-03-31' } },
  controls: [] as unknown[],
};

describe('history/run-reader', () => {
  it('reads a results.json soc2 wrote, keeping failing, unreadable and excepted findings and dropping passes', () => {
    // 1.0.0 listed passing findings; history keeps only the others from it as from 2.0.0.
    const results = loadLegacyResults();
    const read = readRunForHistory(JSON.parse(JSON.stringify(results)));
    if (!read.ok) throw new Error(read.problem);
    expect(read.run.run.id).toBe(results.run.id);
    expect(read.run.controls.map((c) => [c.id, c.status])).toEqual(results.controls.map((c) => [c.id, c.status]));
    const withFindings = results.controls.find((c) => c.findings.some((f) => f.status === 'pass') && c.findings.some((f) => f.status === 'fail'))!;
    const kept = read.run.controls.find((c) => c.id === withFindings.id)!.findings;
    expect(kept.length).toBe(withFindings.findings.filter((f) => ['fail', 'error', 'excepted'].includes(f.status)).length);
    expect(kept.every((f) => f.status !== 'pass')).toBe(true);
  });

  it('tolerates what it does not need: a newer schema version, unknown fields, passing findings as counts only, no frequency', () => {
    const read = readRunForHistory({
      ...base,
      schemaVersion: '2.0.0',
      attestation: { whatever: true },
      controls: [
        { id: 'GH-001', title: 'Two-factor', status: 'pass', type: 'automated', passingFindings: 1200, counts: { pass: 1200 } },
        { id: 'MAN-001', status: 'manual', type: 'manual', frequency: 'yearly' },
        { id: 'GH-002', status: 'fail', criteria: ['CC8.1'], frequency: 'weekly', findings: [{ resource: 'acme/api', status: 'fail', message: 'no review', newField: 1 }] },
      ],
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.run.schemaVersion).toBe('2.0.0');
    expect(read.run.controls).toEqual([
      { id: 'GH-001', title: 'Two-factor', criteria: [], type: 'automated', frequency: 'daily', status: 'pass', counts: { pass: 1200 }, findings: [] },
      { id: 'MAN-001', title: '', criteria: [], type: 'manual', frequency: 'quarterly', status: 'manual', findings: [] },
      { id: 'GH-002', title: '', criteria: ['CC8.1'], type: 'automated', frequency: 'weekly', status: 'fail', findings: [{ resource: 'acme/api', status: 'fail', message: 'no review' }] },
    ]);
  });

  it.each([
    ['no run id', { ...base, run: { ...base.run, id: undefined } }, /^run\.id: /],
    ['a start that is not a time', { ...base, run: { ...base.run, startedAt: 'yesterday' } }, /^run\.startedAt: expected an ISO-8601 date and time/],
    ['a period without an end', { ...base, run: { ...base.run, period: { start: '2026-01-01' } } }, /^run\.period\.end: /],
    ['a control without a status', { ...base, controls: [{ id: 'GH-001' }] }, /^controls\.0\.status: /],
    ['a finding without a resource', { ...base, controls: [{ id: 'GH-001', status: 'fail', findings: [{ status: 'fail' }] }] }, /^controls\.0\.findings\.0\.resource: /],
    ['not an object', 'results', /^\(top level\): /],
  ])('says what is missing when a run has %s', (_what, data, problem) => {
    const read = readRunForHistory(data);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.problem).toMatch(problem);
  });
});
