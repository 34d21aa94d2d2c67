/**
 * `soc2 run --baseline OLD`: gate on what is new. Only a failing resource that OLD did not have
 * (a new control failing, or a new resource in a control that already failed) at or above
 * --fail-on makes the exit code 1. Incomplete evidence still gives 3, whether or not the baseline
 * had the same error: a control that could not be evaluated may hide a new failure, and the gate
 * must not pass what it could not see. results.json keeps the run's own exit code (the estate's
 * verdict); the gated code is what the process exits with.
 */
import type { Severity } from '../controls/schema.js';
import type { Results } from '../results.js';
import { exitCodeFor } from '../engine/run.js';
import { plural } from '../text.js';
import { diffResults, severityRank, type FailingResource, type ResultsDiff } from './results-diff.js';
import { viewOfResults, type ResultsView } from './results-reader.js';

export interface BaselineGate {
  /** The baseline as the user named it. */
  file: string;
  failOn: Severity;
  diff: ResultsDiff;
  /** New failing resources at or above --fail-on: only these make the exit code 1. */
  gating: FailingResource[];
  exitCode: number;
}

export function gateOnBaseline(results: Results, baseline: ResultsView, failOn: Severity): BaselineGate {
  const diff = diffResults(baseline, viewOfResults(results, 'this run'));
  const gating = diff.newFailures.filter((f) => severityRank(f.severity) <= severityRank(failOn));
  const gatingControls = new Set(gating.map((f) => f.controlId));
  // The run's own rule, with failures already in the baseline set aside (their `incomplete` stays).
  const exitCode = exitCodeFor(results.controls.map((c) => (c.status === 'fail' && !gatingControls.has(c.id) ? { ...c, status: 'pass' as const } : c)), failOn);
  return { file: baseline.shown, failOn, diff, gating, exitCode };
}

/** One sentence: what the baseline comparison found. */
export function baselineSentence(gate: BaselineGate): string {
  const d = gate.diff;
  const parts = [
    `${plural(d.newFailures.length, 'new failing resource')}${d.newFailures.length ? ` (${gate.gating.length} at or above --fail-on ${gate.failOn})` : ''}`,
    `${d.stillFailing.length} already failing in the baseline`,
    `${d.fixed.length} fixed`,
  ];
  if (d.notChecked.length) parts.push(`${d.notChecked.length} not checked this time`);
  parts.push(`${plural(d.newErrors.length, 'control')} newly in error`);
  return `${parts.join(', ')}.`;
}

/** Why the process exits with the code it does, when gated on a baseline. */
export function baselineExitNote(gate: BaselineGate): string {
  const already = gate.diff.stillFailing.length;
  switch (gate.exitCode) {
    case 1:
      return `Exit code 1: ${plural(gate.gating.length, 'failing resource')} at or above --fail-on ${gate.failOn} ${gate.gating.length === 1 ? 'is' : 'are'} new since the baseline.`;
    case 3: {
      const errs = gate.diff.newErrors.length + gate.diff.stillErroring.length;
      return `Exit code 3: nothing at or above --fail-on ${gate.failOn} is new since the baseline, but some controls could not be evaluated completely${errs ? ` (${gate.diff.stillErroring.length} of the ${plural(errs, 'control')} in error ${gate.diff.stillErroring.length === 1 ? 'was' : 'were'} already in error in the baseline)` : ''}, and what they could not see may hold a new failure.`;
    }
    default:
      return `Exit code 0: nothing at or above --fail-on ${gate.failOn} is new since the baseline, and every control could be evaluated${already ? `; ${plural(already, 'failing resource')} already in the baseline ${already === 1 ? 'does' : 'do'} not fail the run` : ''}.`;
  }
}
