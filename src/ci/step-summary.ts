/**
 * The job summary a run leaves on the GitHub Actions run page: counts, the exit code and why,
 * the baseline comparison, failing controls (the ones deciding the exit code first) and controls
 * in error. Short by design: the full report is report.md in the report directory. Text from APIs
 * and control files goes through the report renderers' Markdown escaping.
 */
import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import type { ControlResult } from '../results.js';
import { mdCode, mdText, oneLine, truncate } from '../reports/format.js';
import { plural } from '../text.js';
import { exitNote } from '../cli/terminal.js';
import { baselineExitNote, baselineSentence } from './baseline.js';
import { resourceLabel, severityRank } from './results-diff.js';
import { isGatingFailure, type RunOutcome } from './run-outcome.js';

/** GitHub refuses a step summary over 1 MiB ("upload aborted") and shows none of it. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

const EXAMPLES = 3;
const MAX_NEW_ROWS = 50;

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function bySeverity(a: ControlResult, b: ControlResult): number {
  return severityRank(a.severity) - severityRank(b.severity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function stepSummaryMarkdown(o: RunOutcome): string {
  const r = o.results;
  const s = r.summary;
  const out: string[] = [];
  out.push(`## soc2: ${plural(s.fail, 'control')} failing, ${s.error} in error, ${s.pass} passing`, '');
  if (r.run.sample) out.push('> **SAMPLE DATA**: this run used the bundled demo estate (a fictional company), not your systems.', '');
  out.push(`**${mdText(o.gate ? baselineExitNote(o.gate) : exitNote(r, o.exitCode))}**`, '');
  out.push(row(['Pass', 'Fail', 'Error', 'Excepted', 'Manual', 'Not applicable', 'Total']), row(Array(7).fill('---:')));
  out.push(row([s.pass, s.fail, s.error, s.excepted, s.manual, s.not_applicable, s.total].map(String)), '');
  out.push(`Review period ${mdText(r.run.period.start)} to ${mdText(r.run.period.end)}; fail-on ${mdText(r.run.failOn)}.`, '');

  if (o.gate) {
    out.push(`**Baseline** ${mdCode(o.gate.file)}: ${mdText(baselineSentence(o.gate))}`, '');
    const fresh = o.gate.diff.newFailures;
    if (fresh.length) {
      out.push('### New since the baseline', '', row(['Control', 'Severity', 'Resource', 'Finding']), row(['---', '---', '---', '---']));
      for (const f of fresh.slice(0, MAX_NEW_ROWS)) {
        out.push(row([mdCode(f.controlId), mdText(f.severity), mdText(resourceLabel(f)), mdText(truncate(oneLine(f.messages[0] ?? ''), 300))]));
      }
      if (fresh.length > MAX_NEW_ROWS) out.push('', `… and ${fresh.length - MAX_NEW_ROWS} more in the report.`);
      out.push('');
    }
  }

  const failing = r.controls.filter((c) => c.status === 'fail').sort((a, b) => Number(isGatingFailure(o, b.id)) - Number(isGatingFailure(o, a.id)) || bySeverity(a, b));
  if (failing.length) {
    out.push('### Failing controls', '', row(['Control', 'Severity', 'Title', 'Failing', 'For example']), row(['---', '---', '---', '---:', '---']));
    for (const c of failing) {
      const labels = [...new Set(c.findings.filter((f) => f.status === 'fail').map(resourceLabel))];
      const fresh = o.gate ? o.gate.diff.newFailures.filter((f) => f.controlId === c.id).length : 0;
      const count = `${labels.length || '—'}${o.gate ? ` (${fresh} new)` : ''}${c.incomplete ? ' + unread' : ''}`;
      const examples = labels.slice(0, EXAMPLES).map(mdText).join(', ') + (labels.length > EXAMPLES ? ', …' : '');
      const gates = isGatingFailure(o, c.id) ? ' ⛔' : '';
      out.push(row([`${mdCode(c.id)}${gates}`, mdText(c.severity), mdText(c.title), count, examples || mdText(truncate(oneLine(c.statusReason), 200))]));
    }
    out.push('', `⛔ decides the exit code (at or above --fail-on ${mdText(r.run.failOn)}${o.gate ? ' and new since the baseline' : ''}).`, '');
  }

  // Controls in error for the same reason (one stopped recorder) share a row, as in the terminal.
  const errors = new Map<string, ControlResult[]>();
  for (const c of r.controls.filter((x) => x.status === 'error').sort(bySeverity)) {
    const reason = c.statusReason.replace(/ \(and \d+ more problems?\)$/, '');
    errors.set(reason, [...(errors.get(reason) ?? []), c]);
  }
  if (errors.size) {
    out.push('### Could not be evaluated', '', row(['Controls', 'Why']), row(['---', '---']));
    for (const [reason, list] of errors) out.push(row([list.map((c) => `${mdCode(c.id)} (${mdText(c.severity)})`).join(', '), mdText(truncate(oneLine(reason), 400))]));
    out.push('');
  }

  const manual = r.controls.filter((c) => c.status === 'manual').map((c) => c.id).sort();
  if (manual.length) out.push(`${plural(manual.length, 'control needs', 'controls need')} evidence attached by a person: ${manual.map(mdCode).join(', ')}.`, '');
  out.push(`The full report is in ${mdCode(`${o.reportDir}/`)} (${o.files.map((f) => mdCode(f)).join(', ')}); keep that directory as the run's artifact.`, '');
  return out.join('\n');
}

export interface AppendResult {
  /** Bytes appended (0 when nothing fitted). */
  written: number;
  truncated: boolean;
}

/**
 * Appends `markdown` to the step summary file — never truncating what is there, never through a
 * symbolic link — keeping the file within GitHub's limit: what does not fit is cut at a line
 * break and replaced by a note saying where the rest is.
 */
export function appendStepSummary(path: string, markdown: string, opts: { limitBytes?: number; rest: string }): AppendResult {
  const limit = opts.limitBytes ?? STEP_SUMMARY_LIMIT_BYTES;
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('it is not a regular file');
    const budget = limit - st.size;
    const whole = Buffer.from(ensureNewlines(markdown));
    let data = whole;
    let truncated = false;
    if (whole.length > budget) {
      truncated = true;
      const note = Buffer.from(`\n> **Truncated**: GitHub shows at most ${limit === STEP_SUMMARY_LIMIT_BYTES ? '1 MiB' : `${limit} bytes`} of step summary. ${opts.rest}\n`);
      const room = budget - note.length;
      if (room <= 0) return { written: 0, truncated };
      // Cut at the last line break that fits: never inside a line, so never inside a UTF-8 sequence.
      const cut = whole.subarray(0, room).lastIndexOf(0x0a);
      data = Buffer.concat([whole.subarray(0, cut + 1), note]);
    }
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    return { written: data.length, truncated };
  } finally {
    closeSync(fd);
  }
}

/** A blank line before and after, so the block never runs into whatever another step wrote. */
function ensureNewlines(markdown: string): string {
  return `\n${markdown.replace(/\n*$/, '')}\n\n`;
}
