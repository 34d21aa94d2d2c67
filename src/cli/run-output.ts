/**
 * What a finished run says, and where: the exit code (gated on --baseline when given), the
 * terminal summary on stdout — or the --json object instead, or nothing under --quiet — and,
 * inside GitHub Actions, the job summary and annotations.
 */
import { join } from 'node:path';
import type { Severity } from '../controls/schema.js';
import type { Results } from '../results.js';
import { baselineExitNote, baselineSentence, gateOnBaseline } from '../ci/baseline.js';
import { inGitHubActions, publishToGitHubActions } from '../ci/github-actions.js';
import type { ResultsView } from '../ci/results-reader.js';
import { runJson } from '../ci/run-json.js';
import type { RunOutcome } from '../ci/run-outcome.js';
import { exitNote, makeChalk, renderSummary, terminalSafe } from './terminal.js';
import { printableText } from '../printable.js';

export interface PresentOptions {
  cwd: string;
  /** The report directory as shown (relative to cwd when inside it). */
  reportDir: string;
  /** Report files as shown, the most readable first. */
  files: string[];
  failOn: Severity;
  baseline?: ResultsView;
  quiet: boolean;
  json: boolean;
  ciEnv: NodeJS.ProcessEnv;
  /** Rewrites the closing "Exit code …" sentence. */
  exitCodeNote?: (note: string) => string;
  /** Lines printed after the summary (attestation, encryption, history); not with --json or --quiet. */
  notes?: readonly string[];
}

export function presentRun(results: Results, o: PresentOptions): { results: Results; exitCode: number } {
  const gate = o.baseline ? gateOnBaseline(results, o.baseline, o.failOn) : undefined;
  const exitCode = gate ? gate.exitCode : results.summary.exitCode;
  const outcome: RunOutcome = { results, exitCode, reportDir: o.reportDir, files: o.files, ...(gate ? { gate } : {}) };

  if (gate && o.baseline && o.baseline.sample !== results.run.sample && !o.quiet) {
    process.stderr.write(`soc2: warning: the baseline ${gate.file} ${o.baseline.sample ? 'is sample data (soc2 demo)' : 'comes from real systems'} and this run ${results.run.sample ? 'is sample data' : 'is not'}; the comparison says little.\n`);
  }
  if (o.json) {
    process.stdout.write(`${JSON.stringify(runJson(outcome, o.cwd), null, 2)}\n`);
  } else if (!o.quiet) {
    const plain = gate ? baselineExitNote(gate) : exitNote(results, exitCode);
    const note = o.exitCodeNote ? o.exitCodeNote(plain) : plain;
    const c = makeChalk();
    const baselineLine = gate ? `${c.bold('Baseline:')} ${terminalSafe(gate.file)}: ${baselineSentence(gate)}\n` : '';
    process.stdout.write(`\n${renderSummary(results, { outDir: o.reportDir, files: o.files, c, exitCodeNote: `${baselineLine}${note}` })}`);
    if (o.notes?.length) process.stdout.write(o.notes.map(printableText).join('\n') + '\n');
  }

  if (inGitHubActions(o.ciEnv)) {
    publishToGitHubActions(outcome, {
      env: o.ciEnv,
      quiet: o.quiet,
      // With --json, stdout carries the JSON object and nothing else; the runner reads stderr too.
      commands: (text) => (o.json ? process.stderr : process.stdout).write(text),
      warn: (m) => {
        if (!o.quiet) process.stderr.write(`soc2: warning: ${m}\n`);
      },
    });
  }
  return { results, exitCode };
}
