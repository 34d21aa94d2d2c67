/** Runs and history folders with fixed timestamps, for the history tests. No clock is read. */
import type { HistoryRun, HistoryControl } from '../../../src/history/run-reader.js';
import { appendRecord } from '../../../src/history/chain.js';
import { tempDir } from '../../helpers/tmp.js';

export const PERIOD = { start: '2026-01-01', end: '2026-03-31' };

export function control(id: string, status: string, extra: Partial<HistoryControl> = {}): HistoryControl {
  return { id, title: `Control ${id}`, criteria: ['CC6.1'], type: 'automated', frequency: 'daily', status, findings: [], ...extra };
}

/** A run started at `startedAt` (ISO), finishing a minute later, with the given controls. */
export function run(id: string, startedAt: string, controls: HistoryControl[], period = PERIOD): HistoryRun {
  return {
    schemaVersion: '1.0.0',
    tool: { name: 'soc2', version: '0.1.0' },
    run: { id, startedAt, finishedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(), period, sample: false },
    controls,
  };
}

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** A history folder holding `runs`, appended in order, each recorded a minute after it started. */
export function historyWith(runs: readonly HistoryRun[], dir = tempDir('soc2-history-')): string {
  runs.forEach((r, i) => {
    appendRecord(dir, 'hist', {
      recordedAt: new Date(Date.parse(r.run.finishedAt)),
      attestation: { kind: 'manifest-sha256', file: 'evidence/manifest.json', sha256: hex(i + 1) },
      resultsSha256: hex(1000 + i),
      results: r,
    });
  });
  return dir;
}

/** Three daily runs: SEC-001 fails in the second and is fixed in the third. */
export function threeRuns(): HistoryRun[] {
  return [
    run('run-1', '2026-01-01T02:00:00.000Z', [control('SEC-001', 'pass')]),
    run('run-2', '2026-01-02T02:00:00.000Z', [control('SEC-001', 'fail', { findings: [{ resource: 'acme/api', status: 'fail', message: 'acme/api: no security policy.' }] })]),
    run('run-3', '2026-01-03T02:00:00.000Z', [control('SEC-001', 'pass')]),
  ];
}
