/** What a finished `soc2 run` hands to the CI outputs (step summary, annotations, --json). */
import type { Results } from '../results.js';
import type { BaselineGate } from './baseline.js';
import { severityRank } from './results-diff.js';

export interface RunOutcome {
  results: Results;
  /** The code the process exits with: the run's own, or the baseline gate's. */
  exitCode: number;
  gate?: BaselineGate;
  /** The report directory as shown to the user (relative to the working directory when inside it). */
  reportDir: string;
  /** The report files written, as shown, the most readable first. */
  files: string[];
}

/** Does this failing control decide the exit code (at or above --fail-on; with a baseline, also new)? */
export function isGatingFailure(o: Pick<RunOutcome, 'results' | 'gate'>, controlId: string): boolean {
  const c = o.results.controls.find((x) => x.id === controlId);
  if (!c || c.status !== 'fail') return false;
  if (o.gate) return o.gate.gating.some((f) => f.controlId === controlId);
  return severityRank(c.severity) <= severityRank(o.results.run.failOn);
}
