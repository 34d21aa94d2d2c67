/**
 * Inside GitHub Actions (GITHUB_ACTIONS=true) a run also leaves its Markdown summary in the job
 * summary ($GITHUB_STEP_SUMMARY) and annotates the run with the controls that fail or could not be
 * evaluated: `::error` for what decides the exit code (failures at or above --fail-on — with a
 * baseline, new ones — and controls in error), `::warning` for the other failures. GitHub keeps
 * 10 of each per step; the tenth then says what else there is.
 */
import type { ControlResult, Finding } from '../results.js';
import { oneLine, truncate } from '../reports/format.js';
import { plural } from '../text.js';
import { resourceLabel, severityRank } from './results-diff.js';
import { isGatingFailure, type RunOutcome } from './run-outcome.js';
import { appendStepSummary, stepSummaryMarkdown } from './step-summary.js';
import { limitAnnotations, renderAnnotations, type Annotation } from './workflow-commands.js';

export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

const EXAMPLES = 3;

function bySeverity(a: ControlResult, b: ControlResult): number {
  return severityRank(a.severity) - severityRank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** One annotation per failing or erroring control, most important first; not yet limited. */
export function controlAnnotations(o: RunOutcome): Annotation[] {
  const where = `${o.reportDir}/report.md`;
  const gating: Annotation[] = [];
  const errors: Annotation[] = [];
  const warnings: Annotation[] = [];
  for (const c of [...o.results.controls].sort(bySeverity)) {
    if (c.status === 'error') {
      errors.push({ level: 'error', subject: c.id, title: `soc2 ${c.id} (${c.severity}) could not be evaluated: ${c.title}`, message: `${oneLine(c.statusReason)}\nDetails: ${where}.` });
    } else if (c.status === 'fail') {
      const decides = isGatingFailure(o, c.id);
      (decides ? gating : warnings).push({ level: decides ? 'error' : 'warning', subject: c.id, title: `soc2 ${c.id} (${c.severity}): ${c.title}`, message: failureMessage(o, c, where) });
    }
  }
  return [...gating, ...errors, ...warnings];
}

function failureMessage(o: RunOutcome, c: ControlResult, where: string): string {
  const fails = c.findings.filter((f) => f.status === 'fail');
  const resources = new Set(fails.map(resourceLabel)).size;
  const fresh = new Set(o.gate?.diff.newFailures.filter((f) => f.controlId === c.id).map(resourceLabel) ?? []);
  const isNew = (f: Finding) => fresh.has(resourceLabel(f));
  const lines: string[] = [];
  let head = fails.length ? plural(resources, 'failing resource') : oneLine(c.statusReason);
  if (o.gate) head += fresh.size ? ` (${fresh.size === resources ? 'all' : fresh.size} new since the baseline)` : ', as in the baseline';
  if (c.incomplete) head += '; the evidence is incomplete, so more may fail';
  lines.push(`${head}.`);
  // New ones first: they are what a reviewer of this change has to look at.
  const ordered = [...fails.filter(isNew), ...fails.filter((f) => !isNew(f))];
  for (const f of ordered.slice(0, EXAMPLES)) lines.push(`• ${isNew(f) ? 'new: ' : ''}${truncate(oneLine(f.message), 400)}`);
  if (fails.length > EXAMPLES) lines.push(`… and ${fails.length - EXAMPLES} more in ${where}.`);
  lines.push(`To fix: ${truncate(oneLine(c.remediation), 500)}`);
  return lines.join('\n');
}

export interface ActionsIo {
  env: NodeJS.ProcessEnv;
  /** --quiet: only the `::error` annotations (what failed the job), no warnings. */
  quiet: boolean;
  /** Where workflow commands go: stdout normally, stderr when stdout is reserved for --json. */
  commands(text: string): void;
  warn(message: string): void;
}

/** The step summary and the annotations; a summary that cannot be written is a warning, not a failed run. */
export function publishToGitHubActions(o: RunOutcome, io: ActionsIo): void {
  const path = io.env.GITHUB_STEP_SUMMARY;
  if (path) {
    try {
      const r = appendStepSummary(path, stepSummaryMarkdown(o), { rest: `The full report is ${o.reportDir}/report.md.` });
      if (r.written === 0) io.warn(`the job summary ($GITHUB_STEP_SUMMARY) is already full; nothing was added. The report is ${o.reportDir}/report.md.`);
    } catch (e) {
      io.warn(`could not append to the job summary ($GITHUB_STEP_SUMMARY=${path}): ${e instanceof Error ? e.message : String(e)}. The report is ${o.reportDir}/report.md.`);
    }
  }
  const all = controlAnnotations(o).filter((a) => !io.quiet || a.level === 'error');
  const text = renderAnnotations(limitAnnotations(all, `${o.reportDir}/report.md`));
  if (text) io.commands(text);
}
