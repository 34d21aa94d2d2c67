/**
 * Terminal output: colours through chalk (off under NO_COLOR or when not a TTY), progress on
 * stderr only when stderr is a TTY, and the closing summary on stdout.
 */
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import type { Results, ControlResult } from '../results.js';
import { printableLine } from '../printable.js';

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  if (noColor || !stream.isTTY) return new Chalk({ level: 0 });
  return chalk;
}

/** A one-line progress display that rewrites itself; silent when stderr is not a terminal. */
export function makeProgress(stream: NodeJS.WriteStream = process.stderr): { line(msg: string): void; done(): void } {
  if (!stream.isTTY) return { line: () => {}, done: () => {} };
  let shown = false;
  return {
    line(msg: string) {
      const width = (stream.columns ?? 80) - 1;
      const safe = terminalSafe(msg);
      stream.write(`\r\x1b[2K${safe.length > width ? safe.slice(0, width - 1) + '…' : safe}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}

const ORDER: ControlResult['status'][] = ['fail', 'error', 'excepted', 'manual', 'not_applicable', 'pass'];
const SEV = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export function renderSummary(results: Results, opts: { outDir: string; files: string[]; c: ChalkInstance; exitCodeNote?: string }): string {
  const { c } = opts;
  const tag: Record<ControlResult['status'], string> = {
    fail: c.bold.red(' FAIL  '),
    error: c.bold.yellow(' ERROR '),
    excepted: c.magenta(' EXCEPT'),
    manual: c.cyan(' MANUAL'),
    not_applicable: c.dim(' N/A   '),
    pass: c.green(' PASS  '),
  };
  const lines: string[] = [];
  if (results.run.sample) lines.push(c.bold.inverse(' SAMPLE DATA ') + ' ' + c.bold('This run used the bundled demo estate (a fictional company), not your systems.'), '');
  lines.push(`${c.bold('soc2')} ${terminalSafe(results.tool.version)} — review period ${terminalSafe(results.run.period.start)} to ${terminalSafe(results.run.period.end)}`, '');
  const sorted = [...results.controls].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || SEV[a.severity] - SEV[b.severity] || a.id.localeCompare(b.id));
  // Controls that errored for the same reason (one stopped recorder, one missing token) are listed once.
  const errorGroups = new Map<string, ControlResult[]>();
  for (const ctl of sorted) {
    if (ctl.status !== 'error') continue;
    const key = ctl.statusReason.replace(/ \(and \d+ more problems?\)$/, '');
    errorGroups.set(key, [...(errorGroups.get(key) ?? []), ctl]);
  }
  const manual = sorted.filter((x) => x.status === 'manual');
  for (const ctl of sorted) {
    if (ctl.status === 'pass' || ctl.status === 'not_applicable') continue;
    if (ctl.status === 'manual') {
      // One line for all of them: they need a person, not a fix, and the report lists what to attach.
      if (ctl === manual[0]) lines.push(`${tag.manual} ${c.bold(`${manual.length} control${manual.length === 1 ? '' : 's'}`)} need evidence attached by a person (listed in the report): ${terminalSafe(manual.map((x) => x.id).join(', '))}`);
      continue;
    }
    if (ctl.status === 'error') {
      const entry = [...errorGroups.entries()].find(([, list]) => list[0] === ctl);
      if (!entry) continue;
      const [reason, list] = entry;
      if (list.length === 1) lines.push(`${tag.error} ${c.bold(terminalSafe(ctl.id).padEnd(9))} ${ctl.severity.padEnd(8)} ${terminalSafe(ctl.title)}`);
      else lines.push(`${tag.error} ${c.bold(`${list.length} controls`)}: ${terminalSafe(list.map((x) => x.id).join(', '))}`);
      lines.push(`          ${c.dim('•')} ${terminalSafe(reason)}`);
      continue;
    }
    lines.push(`${tag[ctl.status]} ${c.bold(terminalSafe(ctl.id).padEnd(9))} ${ctl.severity.padEnd(8)} ${terminalSafe(ctl.title)}`);
    if (ctl.status === 'fail') {
      const fails = ctl.findings.filter((f) => f.status === 'fail');
      for (const f of fails.slice(0, 3)) lines.push(`          ${c.dim('•')} ${terminalSafe(f.message)}`);
      if (fails.length > 3) lines.push(`          ${c.dim(`… and ${fails.length - 3} more in the report`)}`);
      if (ctl.incomplete) lines.push(`          ${c.yellow('•')} ${c.yellow('evidence incomplete, so more may fail:')} ${terminalSafe(incompleteness(ctl))}`);
    } else if (ctl.status === 'excepted') {
      lines.push(`          ${c.dim('•')} ${terminalSafe(ctl.statusReason)}`);
    }
  }
  const passed = results.controls.filter((x) => x.status === 'pass').length;
  const na = results.controls.filter((x) => x.status === 'not_applicable').length;
  if (passed || na) lines.push(c.dim(`  ${passed} passing and ${na} not applicable control${passed + na === 1 ? '' : 's'} not listed here.`));
  for (const reason of results.run.scope.notInScope) lines.push(c.dim(`  Not in scope — ${terminalSafe(reason)}`));
  const s = results.summary;
  const incompleteFails = results.controls.filter((x) => x.status === 'fail' && x.incomplete).length;
  const failText = `${s.fail} fail${incompleteFails ? ` (${incompleteFails} on incomplete evidence)` : ''}`;
  lines.push('', `${c.bold('Summary:')} ${c.green(`${s.pass} pass`)} · ${c.red(failText)} · ${c.yellow(`${s.error} error`)} · ${s.excepted} excepted · ${s.manual} manual · ${s.not_applicable} not applicable (${s.total} controls)`);
  lines.push(opts.exitCodeNote ?? exitNote(results));
  const files = opts.files.map(terminalSafe);
  lines.push(`${c.bold('Report:')}  ${files[0]}${files.length > 1 ? c.dim(`  (also ${files.slice(1).join(', ')})`) : ''}`);
  return lines.join('\n') + '\n';
}

/** What a failing control could not read: its first gap or unread resource, and how many more. */
function incompleteness(ctl: ControlResult): string {
  const problems = [...new Set([...ctl.evidence.flatMap((e) => e.gaps.map((g) => g.message)), ...ctl.findings.filter((f) => f.status === 'error').map((f) => f.message)])];
  if (!problems.length) return 'the collector reported its evidence as incomplete.';
  return `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more in the report)` : ''}`;
}

/**
 * Text from outside soc2 — an API (a pull request title, an annotation), a control file (a title),
 * the configuration or a file name — shown in a one-line slot: escape sequences, newlines and bidi
 * overrides become a visible U+FFFD (see printable.ts), so it can neither rewrite nor forge lines.
 */
export function terminalSafe(text: string): string {
  return printableLine(text);
}

export function exitNote(results: Results): string {
  switch (results.summary.exitCode) {
    case 0: return 'Exit code 0: nothing fails at or above --fail-on ' + results.run.failOn + ' and every control could be evaluated.';
    case 1: return `Exit code 1: at least one control fails at or above --fail-on ${results.run.failOn}.`;
    case 3: return 'Exit code 3: no failure at the threshold, but some controls could not be evaluated completely (error, or a failure below the threshold on incomplete evidence).';
    default: return `Exit code ${results.summary.exitCode}.`;
  }
}
