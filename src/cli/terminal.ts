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

/** What the progress line shows besides the current activity. */
export interface RequestCounts {
  /** HTTP requests made so far (AWS and GitHub, 304 revalidations included). */
  requests: number;
  /** GitHub's rate-limit budget per resource (core, graphql, …) from the latest response that named it. */
  github: Record<string, { remaining: number; limit: number }>;
}

export interface Progress {
  /** What the run is doing now (a collector starting, a token being checked). */
  line(message: string): void;
  /** Controls decided so far, of all the controls in the run. */
  controls(done: number, total: number): void;
  /** Erases the line so a message can be printed; it comes back at the next refresh. */
  clear(): void;
  /** Erases the line and stops for good; safe to call more than once. */
  done(): void;
}

export interface ProgressOptions {
  stream?: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>;
  /** False under --quiet. */
  enabled?: boolean;
  /** Nothing is shown before this: a run that finishes sooner never flashes a line. */
  delayMs?: number;
  /** Requests made and rate-limit budget, when known. */
  counts?: () => RequestCounts;
  now?: () => number;
  /** Calls `tick` every `everyMs` until the returned function is called. */
  every?: (everyMs: number, tick: () => void) => () => void;
}

const PROGRESS_DELAY_MS = 1500;
const PROGRESS_REFRESH_MS = 200;

function everyInterval(everyMs: number, tick: () => void): () => void {
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * One line on stderr that rewrites itself once a run has taken more than a second or two:
 * controls decided of the total, requests made, GitHub's rate-limit budget left, and what is
 * happening now. Nothing at all when the stream is not a terminal or the display is disabled.
 */
export function makeProgress(opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (!stream.isTTY || opts.enabled === false) return { line: () => {}, controls: () => {}, clear: () => {}, done: () => {} };
  const now = opts.now ?? Date.now;
  const start = now();
  const delay = opts.delayMs ?? PROGRESS_DELAY_MS;
  let activity = '';
  let controls: { done: number; total: number } | undefined;
  let shown = '';
  let stopped = false;
  const render = () => {
    if (stopped || now() - start < delay) return;
    const text = progressText({ controls, counts: opts.counts?.(), activity });
    const width = Math.max(20, (stream.columns || 80) - 1);
    const fitted = [...text].length > width ? `${[...text].slice(0, width - 1).join('')}…` : text;
    if (fitted === shown) return;
    stream.write(`\r\x1b[2K${fitted}`);
    shown = fitted;
  };
  const clear = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = '';
  };
  const stopTicking = (opts.every ?? everyInterval)(PROGRESS_REFRESH_MS, render);
  return {
    line(message: string) {
      activity = terminalSafe(message.split('\n')[0] ?? '');
    },
    controls(done: number, total: number) {
      controls = { done, total };
    },
    clear,
    done() {
      if (stopped) return;
      stopped = true;
      stopTicking();
      clear();
    },
  };
}

/** "12/40 controls · 153 requests · GitHub budget core 4,812/5,000 · collecting github.branch-rules…" */
export function progressText(p: { controls?: { done: number; total: number }; counts?: RequestCounts; activity: string }): string {
  const parts: string[] = [];
  if (p.controls) parts.push(`${p.controls.done}/${p.controls.total} controls`);
  if (p.counts) {
    parts.push(`${p.counts.requests.toLocaleString('en-US')} request${p.counts.requests === 1 ? '' : 's'}`);
    const budgets = Object.entries(p.counts.github).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (budgets.length) parts.push(`GitHub budget ${budgets.map(([name, b]) => `${name} ${b.remaining.toLocaleString('en-US')}/${b.limit.toLocaleString('en-US')}`).join(', ')}`);
  }
  if (p.activity) parts.push(p.activity);
  return parts.join(' · ');
}

const ORDER: ControlResult['status'][] = ['fail', 'error', 'excepted', 'manual', 'attested', 'not_applicable', 'pass'];
const SEV = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export function renderSummary(results: Results, opts: { outDir: string; files: string[]; c: ChalkInstance; exitCodeNote?: string }): string {
  const { c } = opts;
  const tag: Record<ControlResult['status'], string> = {
    fail: c.bold.red(' FAIL  '),
    error: c.bold.yellow(' ERROR '),
    excepted: c.magenta(' EXCEPT'),
    manual: c.cyan(' MANUAL'),
    attested: c.cyan(' ATTEST'),
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
    } else if (ctl.status === 'excepted' || ctl.status === 'attested') {
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
  lines.push('', `${c.bold('Summary:')} ${c.green(`${s.pass} pass`)} · ${c.red(failText)} · ${c.yellow(`${s.error} error`)} · ${s.excepted} excepted · ${s.manual} manual${s.attested ? ` · ${s.attested} attested` : ''} · ${s.not_applicable} not applicable (${s.total} controls)`);
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
  // A line break becomes a space: the text stays on its line, where in CI it can never start a
  // line of its own that the runner would read as a workflow command (`::add-mask::…`).
  return printableLine(text.replace(/\r\n|\n/g, ' '));
}

/** Why the process exits with `code` (default: the run's own exit code). */
export function exitNote(results: Results, code = results.summary.exitCode): string {
  switch (code) {
    case 0: return 'Exit code 0: nothing fails at or above --fail-on ' + results.run.failOn + ' and every control could be evaluated.';
    case 1: return `Exit code 1: at least one control fails at or above --fail-on ${results.run.failOn}.`;
    case 3: return 'Exit code 3: no failure at the threshold, but some controls could not be evaluated completely (error, or a failure below the threshold on incomplete evidence).';
    default: return `Exit code ${code}.`;
  }
}
