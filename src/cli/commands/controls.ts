/** `soc2 controls validate|list|show|collectors`: work with control definitions, collecting nothing. */
import { loadConfig } from '../../config/load.js';
import { loadConfiguredControls, loadControls } from '../../controls/load.js';
import type { Control, Assertion } from '../../controls/schema.js';
import { collectors, loadCollector, type CollectorId } from '../../collectors/index.js';
import { criteriaCatalogue } from '../../controls/criteria.js';
import { fieldAt, allKeyPaths, itemSchemaAt } from '../../schema-walk.js';
import { describeRequirement, explainCount } from '../../engine/messages.js';
import { UsageError } from '../../errors.js';
import { didYouMean } from '../../text.js';
import { makeChalk } from '../terminal.js';
import { printableJson, printableLine, printableText } from '../../printable.js';

interface PathsOptions { config?: string }

async function controlsFor(paths: string[], opts: PathsOptions): Promise<Control[]> {
  const cwd = process.cwd();
  if (paths.length) return loadControls({ paths, cwd });
  const loaded = loadConfig({ cwd, file: opts.config, today: new Date() });
  return loadConfiguredControls(loaded);
}

export async function validateCommand(paths: string[], opts: PathsOptions): Promise<void> {
  const controls = await controlsFor(paths, opts);
  const c = makeChalk();
  process.stdout.write(`${c.green('✓')} ${controls.length} control${controls.length === 1 ? '' : 's'} valid.\n`);
}

export async function listCommand(paths: string[], opts: PathsOptions & { json?: boolean }): Promise<void> {
  const controls = await controlsFor(paths, opts);
  const rows = controls.map((ctl) => ({
    id: ctl.id,
    title: ctl.title,
    criteria: ctl.criteria,
    severity: ctl.severity,
    collector: ctl.collector ?? null,
    type: ctl.type,
  }));
  if (opts.json) {
    process.stdout.write(printableJson(rows, 2) + '\n');
    return;
  }
  const header = ['ID', 'CRITERIA', 'SEVERITY', 'COLLECTOR', 'TYPE', 'TITLE'];
  const table = rows.map((r) => [r.id, r.criteria.join(','), r.severity, r.collector ?? '—', r.type, r.title].map(printableLine));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  const c = makeChalk();
  process.stdout.write([c.bold(fmt(header)), ...table.map(fmt)].join('\n') + `\n\n${rows.length} controls.\n`);
}

export async function showCommand(id: string, opts: PathsOptions): Promise<void> {
  const controls = await controlsFor([], opts);
  const ctl = controls.find((x) => x.id === id.toUpperCase());
  if (!ctl) throw new UsageError(`No control with id "${id}".${didYouMean(id.toUpperCase(), controls.map((x) => x.id))}`, 'Run `soc2 controls list` to see every control.');
  const c = makeChalk();
  const catalogue = criteriaCatalogue();
  const out: string[] = [];
  out.push(`${c.bold(ctl.id)} — ${printableLine(ctl.title)}`);
  out.push(`Severity ${ctl.severity}; ${ctl.type === 'manual' ? 'checked by a person' : 'checked automatically'}.`);
  out.push('', c.bold('Trust Services Criteria'));
  for (const cr of ctl.criteria) out.push(`  ${cr}  ${catalogue.get(cr)?.title ?? ''}`);
  out.push('', c.bold('What is checked'), wrap(ctl.description));
  if (ctl.rationale) out.push('', c.bold('Why it matters'), wrap(ctl.rationale));
  if (ctl.type === 'manual') {
    out.push('', c.bold('Evidence a person must attach'));
    for (const e of ctl.evidenceRequired ?? []) out.push(`  • ${printableLine(e)}`);
  } else if (ctl.collector && ctl.assert) {
    const collector = await loadCollector(ctl.collector as CollectorId);
    out.push('', c.bold('How'), wrap(`Evidence comes from ${ctl.collector}: ${collector.description}`));
    if (ctl.resolvedParams && Object.keys(ctl.resolvedParams as object).length) out.push(`  Parameters: ${printableJson(ctl.resolvedParams)}`);
    out.push('', c.bold('Passes when, for every resource,'));
    out.push(...explainAssertion(ctl.assert, (k) => fieldAt(collector.resource, k.split('.'))?.label ?? k, '  '));
    out.push(`  When there is nothing to check, the control is ${ctl.whenEmptyResolved.replace('_', ' ')}.`);
    out.push(`  Needs: ${collector.permissions.join(', ')}`);
  }
  out.push('', c.bold('How to fix a failure'), wrap(ctl.remediation));
  if (ctl.references?.length) out.push('', c.bold('References'), ...ctl.references.map((r) => `  ${printableLine(r)}`));
  process.stdout.write(out.join('\n') + '\n');
}

function explainAssertion(a: Assertion, label: (k: string) => string, indent: string): string[] {
  if ('all' in a) return a.all.length === 1 ? explainAssertion(a.all[0]!, label, indent) : [`${indent}all of:`, ...a.all.flatMap((x) => explainAssertion(x, label, indent + '  '))];
  if ('any' in a) return [`${indent}at least one of:`, ...a.any.flatMap((x) => explainAssertion(x, label, indent + '  '))];
  if ('not' in a) return [`${indent}not:`, ...explainAssertion(a.not, label, indent + '  ')];
  if ('count' in a) return [printableLine(`${indent}• ${explainCount(a, label)}`)];
  if (a.message) return [printableLine(`${indent}• ${label(a.key)}: ${a.message}`)];
  return [printableLine(`${indent}• ${label(a.key)} is ${describeRequirement({ op: a.op, expected: a.value })}`)];
}

/** Wraps each line of the text on its own, so numbered steps and paragraphs stay apart. Control YAML is printed, never obeyed. */
function wrap(text: string, width = 96, indent = '  '): string {
  return printableText(text).trim().split('\n').map((l) => wrapLine(l, width, indent)).join('\n');
}

function wrapLine(text: string, width: number, indent: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '';
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if ((line + ' ' + w).trim().length > width - indent.length) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export async function collectorsCommand(): Promise<void> {
  const c = makeChalk();
  const out: string[] = [];
  for (const id of Object.keys(collectors).sort() as CollectorId[]) {
    const col = await loadCollector(id);
    out.push(`${c.bold(id)} — ${col.description}`);
    // A list's item fields are what a count's `where` names: "alerts (each: severity, createdAt, …)".
    const fields = allKeyPaths(col.resource).map((k) => {
      const item = itemSchemaAt(col.resource, k.split('.'));
      const itemKeys = item ? allKeyPaths(item) : [];
      return itemKeys.length ? `${k} (each: ${itemKeys.join(', ')})` : k;
    });
    out.push(`  fields: ${fields.join(', ')}`);
    out.push(`  needs: ${col.permissions.join(', ')}`, '');
  }
  process.stdout.write(out.join('\n'));
}
