/**
 * `soc2 run --json`: one JSON object on stdout for scripts — counts, the exit code, where the
 * reports are — and nothing else on stdout. The shape is documented in docs/ci.md; fields are
 * only ever added.
 */
import { resolve } from 'node:path';
import type { RunOutcome } from './run-outcome.js';

export interface RunJson {
  tool: { name: 'soc2'; version: string };
  runId: string;
  sample: boolean;
  exitCode: number;
  /** The exit code without --baseline (what results.json records). */
  resultsExitCode: number;
  failOn: string;
  summary: { total: number; pass: number; fail: number; error: number; excepted: number; manual: number; not_applicable: number };
  reports: { directory: string; results: string; files: string[] };
  baseline: null | {
    file: string;
    newFailures: number;
    newFailuresAtThreshold: number;
    alreadyFailing: number;
    fixed: number;
    notChecked: number;
    newErrors: number;
    stillErroring: number;
  };
}

/** Paths are absolute, so a script can use them from any directory. */
export function runJson(o: RunOutcome, cwd: string): RunJson {
  const r = o.results;
  const { exitCode: resultsExitCode, ...counts } = r.summary;
  const d = o.gate?.diff;
  return {
    tool: { name: 'soc2', version: r.tool.version },
    runId: r.run.id,
    sample: r.run.sample,
    exitCode: o.exitCode,
    resultsExitCode,
    failOn: r.run.failOn,
    summary: counts,
    reports: { directory: resolve(cwd, o.reportDir), results: resolve(cwd, o.reportDir, 'results.json'), files: o.files.map((f) => resolve(cwd, f)) },
    baseline: o.gate && d
      ? {
        file: resolve(cwd, o.gate.file),
        newFailures: d.newFailures.length,
        newFailuresAtThreshold: o.gate.gating.length,
        alreadyFailing: d.stillFailing.length,
        fixed: d.fixed.length,
        notChecked: d.notChecked.length,
        newErrors: d.newErrors.length,
        stillErroring: d.stillErroring.length,
      }
      : null,
  };
}
