/**
 * `soc2 diff` output: for the terminal, as Markdown (a pull request comment, a job summary) and as
 * JSON (docs/ci.md documents the shape). Each is a pure function of the ResultsDiff.
 */
import type { ChalkInstance } from 'chalk';
import { mdCode, mdText, oneLine, truncate } from '../reports/format.js';
import { plural } from '../text.js';
import { terminalSafe } from '../cli/terminal.js';
import { resourceLabel, type ControlError, type FailingResource, type FixedResource, type ResultsDiff, type RunRef, type UncheckedResource } from './results-diff.js';

export interface DiffJson extends ResultsDiff {
  kind: 'soc2-diff';
  version: 1;
  summary: { newFailures: number; fixed: number; stillFailing: number; notChecked: number; newErrors: number; stillErroring: number };
}

export function diffCounts(d: ResultsDiff): DiffJson['summary'] {
  return {
    newFailures: d.newFailures.length,
    fixed: d.fixed.length,
    stillFailing: d.stillFailing.length,
    notChecked: d.notChecked.length,
    newErrors: d.newErrors.length,
    stillErroring: d.stillErroring.length,
  };
}

export function diffJson(d: ResultsDiff): DiffJson {
  return { kind: 'soc2-diff', version: 1, summary: diffCounts(d), ...d };
}

const FIXED_HOW: Record<FixedResource['now'], string> = { passes: 'passes (or is gone)', excepted: 'covered by an exception', not_applicable: 'no longer applicable' };

function runText(r: RunRef): string {
  const about = [r.runId ? `run ${r.runId}` : undefined, r.finishedAt ? `finished ${r.finishedAt}` : undefined, r.sample ? 'SAMPLE DATA' : undefined].filter(Boolean);
  return about.length ? `${r.file} (${about.join(', ')})` : r.file;
}

/** Entries grouped by control, in the order given (most severe first). */
function byControl<T extends { controlId: string }>(list: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const x of list) groups.set(x.controlId, [...(groups.get(x.controlId) ?? []), x]);
  return [...groups.values()];
}

const PER_CONTROL = 10;

export function renderDiffText(d: ResultsDiff, c: ChalkInstance): string {
  const out: string[] = [];
  const head = (ctl: { controlId: string; severity: string; title: string }) => `  ${c.bold(ctl.controlId.padEnd(9))} ${ctl.severity.padEnd(8)} ${terminalSafe(ctl.title)}`;
  const item = (text: string) => `            ${c.dim('•')} ${terminalSafe(text)}`;
  const resources = <T extends FailingResource>(title: string, list: readonly T[], tail: (x: T) => string) => {
    if (!list.length) return;
    out.push('', `${title}: ${plural(list.length, 'failing resource')} in ${plural(byControl(list).length, 'control')}`);
    for (const group of byControl(list)) {
      out.push(head(group[0]!));
      for (const x of group.slice(0, PER_CONTROL)) out.push(item(tail(x)));
      if (group.length > PER_CONTROL) out.push(`            ${c.dim(`… and ${group.length - PER_CONTROL} more (--format markdown or json lists them all)`)}`);
    }
  };
  const errors = (title: string, list: readonly ControlError[]) => {
    if (!list.length) return;
    out.push('', `${title}: ${plural(list.length, 'control')}`);
    for (const e of list) out.push(head(e), item(truncate(oneLine(e.reason), 300)));
  };
  out.push(c.bold('soc2 diff'), `  old: ${terminalSafe(runText(d.old))}`, `  new: ${terminalSafe(runText(d.new))}`);
  resources(c.red.bold('New failures'), d.newFailures, (x) => x.messages[0] ?? resourceLabel(x));
  errors(c.yellow.bold('Newly in error'), d.newErrors);
  resources(c.green.bold('Fixed'), d.fixed, (x: FixedResource) => `${resourceLabel(x)}: ${FIXED_HOW[x.now]}`);
  resources(c.yellow.bold('Not checked this time'), d.notChecked, (x: UncheckedResource) => `${resourceLabel(x)}: ${truncate(oneLine(x.why), 300)}`);
  if (d.stillFailing.length) {
    out.push('', `${c.bold('Still failing')}: ${plural(d.stillFailing.length, 'failing resource')} in ${plural(byControl(d.stillFailing).length, 'control')}`);
    for (const group of byControl(d.stillFailing)) out.push(`${head(group[0]!)} ${c.dim(`(${plural(group.length, 'resource')})`)}`);
  }
  if (d.stillErroring.length) out.push('', `${c.bold('Still in error')}: ${d.stillErroring.map((e) => e.controlId).sort().join(', ')}`);
  const n = diffCounts(d);
  out.push('', `${c.bold('Summary:')} ${plural(n.newFailures, 'new failure')} · ${n.fixed} fixed · ${n.stillFailing} still failing · ${n.notChecked} not checked · ${plural(n.newErrors, 'control')} newly in error · ${n.stillErroring} still in error`);
  return `${out.join('\n')}\n`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderDiffMarkdown(d: ResultsDiff): string {
  const n = diffCounts(d);
  const out: string[] = ['## soc2 diff', ''];
  out.push(`Old: ${mdText(runText(d.old))}  `, `New: ${mdText(runText(d.new))}`, '');
  out.push(row(['New failures', 'Fixed', 'Still failing', 'Not checked', 'Newly in error', 'Still in error']), row(Array(6).fill('---:')));
  out.push(row([n.newFailures, n.fixed, n.stillFailing, n.notChecked, n.newErrors, n.stillErroring].map(String)), '');
  const table = <T extends FailingResource>(title: string, list: readonly T[], last: string, cell: (x: T) => string) => {
    if (!list.length) return;
    out.push(`### ${title}`, '', row(['Control', 'Severity', 'Resource', last]), row(['---', '---', '---', '---']));
    for (const x of list) out.push(row([mdCode(x.controlId), mdText(x.severity), mdText(resourceLabel(x)), cell(x)]));
    out.push('');
  };
  const errorTable = (title: string, list: readonly ControlError[]) => {
    if (!list.length) return;
    out.push(`### ${title}`, '', row(['Control', 'Severity', 'Title', 'Why']), row(['---', '---', '---', '---']));
    for (const e of list) out.push(row([mdCode(e.controlId), mdText(e.severity), mdText(e.title), mdText(truncate(oneLine(e.reason), 400))]));
    out.push('');
  };
  table('New failures', d.newFailures, 'Finding', (x) => mdText(truncate(oneLine(x.messages.join(' · ')), 400)));
  errorTable('Newly in error', d.newErrors);
  table('Fixed', d.fixed, 'Now', (x) => mdText(FIXED_HOW[x.now]));
  table('Not checked this time', d.notChecked, 'Why', (x) => mdText(truncate(oneLine(x.why), 400)));
  if (d.stillFailing.length) {
    out.push('### Still failing', '', row(['Control', 'Severity', 'Title', 'Failing resources']), row(['---', '---', '---', '---:']));
    for (const group of byControl(d.stillFailing)) out.push(row([mdCode(group[0]!.controlId), mdText(group[0]!.severity), mdText(group[0]!.title), String(group.length)]));
    out.push('');
  }
  if (d.stillErroring.length) out.push(`Still in error: ${d.stillErroring.map((e) => mdCode(e.controlId)).join(', ')}.`, '');
  return out.join('\n');
}
