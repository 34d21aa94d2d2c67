/**
 * report.md: the report a person reads in a pull request, a wiki or a terminal. What needs action
 * comes first (deviations, then errors, then manual evidence), what passed after, and an
 * evidence appendix with hashes last. Every string that came from an API or a control file goes
 * through mdText/mdCode, so a resource named `<script>` or `a | b` renders as text.
 */
import type { ControlResult, Finding, Results } from '../results.js';
import { plural } from '../text.js';
import {
  NOT_COVERED_TEXT,
  OPINION_NOTICE,
  REPORT_STATUS_ORDER,
  SAMPLE_NOTICE,
  SAMPLE_TITLE,
  SEVERITY_LABEL,
  STATUS_HEADING,
  STATUS_LABEL,
  STATUS_MEANING,
  compareText,
  coverageText,
  deviationText,
  errorActions,
  evidenceFilesOf,
  evidenceIndex,
  exitCodeMeaning,
  failOnMeaning,
  findingCounts,
  incompleteFailuresText,
  INCOMPLETE_FAILURE_TEXT,
  isIncompleteFailure,
  isSafeUrl,
  mdCode,
  mdText,
  operationCounts,
  periodText,
  reportTitle,
  reportTypeText,
  sortControlsForReport,
  sortCriteria,
  sortFindings,
  sortedGaps,
  type ControlStatus,
} from './format.js';
import type { Renderer } from './types.js';
import type { HistorySummary } from '../history/summary.js';
import { FAILING_FOR_NOTE, HISTORY_HEADING, HISTORY_TABLE_HEADERS, historyControls, historyIntro, historyRow, notCovered } from './history-words.js';
import { tuningChanges } from './tuning.js';
import { ListBudget, MARKDOWN_LIST_LIMIT, entriesNotInResults, entryGroups, locationText } from './listing.js';
import { attestationText, dataHandlingText, NOT_RECORDED, pointInTimeText, provenanceLines, reportTypeLine, scopeEntries } from './run-context.js';

type Cell = string;

function table(headers: string[], rows: Cell[][], align?: Array<'l' | 'r'>): string {
  const sep = headers.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [headers, sep, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function link(url: string): string {
  return isSafeUrl(url) ? `<${url}>` : mdText(url);
}

function json(value: unknown): string {
  return mdCode(JSON.stringify(value) ?? 'null');
}

function header(r: Results): string[] {
  const { run, tool } = r;
  const blocks = [`# ${mdText(reportTitle(run))}${run.sample ? ' — SAMPLE DATA' : ''}`];
  if (run.sample) blocks.push(`> **⚠️ ${SAMPLE_TITLE}** ${mdText(SAMPLE_NOTICE)}`);
  const config = run.config.file ? `${mdCode(run.config.file)}${run.config.sha256 ? ` (sha256 ${mdCode(run.config.sha256)})` : ''}` : 'none — built-in defaults';
  blocks.push(
    table(
      ['Item', 'Value'],
      [
        ['Report type', mdText(reportTypeLine(run))],
        ['Run', mdCode(run.id)],
        ['Started (UTC)', mdText(run.startedAt)],
        ['Finished (UTC)', mdText(run.finishedAt)],
        ['Tool', `${mdText(tool.name)} ${mdText(tool.version)} (results schema ${mdText(r.schemaVersion)})`],
        ['Configuration', config],
        ['Data', run.sample ? '**SAMPLE DATA** from the bundled demo estate' : 'collected from the systems in scope below'],
      ],
    ),
  );
  blocks.push(`> ${mdText(OPINION_NOTICE)}`);
  return blocks;
}

function headline(r: Results): string {
  const s = r.summary;
  if (s.fail > 0) {
    const err = s.error ? `, and ${plural(s.error, 'control')} could not be evaluated (evidence incomplete)` : '';
    return `**${plural(s.fail, 'control')} with deviations${incompleteFailuresText(r)}${err}.**`;
  }
  if (s.error > 0) return `**No deviations found, but ${plural(s.error, 'control')} could not be evaluated (evidence incomplete).**`;
  const manual = s.manual ? ` ${plural(s.manual, 'manual control')} still need${s.manual === 1 ? 's' : ''} evidence attached by a person.` : '';
  return `**No deviations detected by automated test.**${manual}`;
}

function summary(r: Results): string[] {
  const s = r.summary;
  const rows = REPORT_STATUS_ORDER.map((st) => [STATUS_LABEL[st], String(s[st]), STATUS_MEANING[st]]);
  rows.push(['**Total**', `**${s.total}**`, '']);
  const covered = r.criteria.filter((c) => c.status !== 'not_covered').length;
  return [
    '## Summary',
    headline(r),
    table(['Status', 'Controls', 'Meaning'], rows, ['l', 'r', 'l']),
    [
      `- **Exit code ${s.exitCode}:** ${mdText(exitCodeMeaning(s.exitCode, r.run.failOn))}.`,
      `- **Fail-on threshold: ${mdText(r.run.failOn)}** — ${mdText(failOnMeaning(r.run.failOn))}.`,
      `- **Criteria:** ${covered} of ${r.criteria.length} criteria are mapped to at least one control; ${r.criteria.length - covered} are ${NOT_COVERED_TEXT}.`,
    ].join('\n'),
  ];
}

/** Text between code spans: escaped, keeping the plain spaces around it (mdText trims). */
function mdWords(w: string): string {
  const m = /^( *)([\s\S]*?)( *)$/.exec(w)!;
  return `${m[1]}${mdText(m[2]!)}${m[3]}`;
}

function scope(r: Results): string[] {
  const { run } = r;
  const sc = run.scope;
  const lines = [`- **Review period:** ${mdText(periodText(run))} (${reportTypeText(run)}). ${mdText(pointInTimeText(run))}`];
  for (const [label, words] of scopeEntries(sc)) lines.push(`- **${mdText(label)}:** ${words.map((w) => (typeof w === 'string' ? mdWords(w) : mdCode(w.code))).join('')}.`);
  if (sc.notInScope.length) {
    lines.push('- **Left out of scope, and why:**');
    for (const why of sc.notInScope) lines.push(`  - ${mdText(why)}`);
  }
  return ['## Scope', lines.join('\n')];
}

/** The Type 2 view: the history over the period (`level` is the heading depth: 2 in the report, 1 alone). */
export function historyBlocks(h: HistorySummary, level = 2): string[] {
  const hx = '#'.repeat(level);
  const uncovered = notCovered(h)
    .map((n) => `- ${mdText(n.text)}${(n.items ?? []).map((i) => `\n  - ${mdText(i)}`).join('')}`)
    .join('\n');
  const blocks = [`${hx} ${HISTORY_HEADING}`, mdText(historyIntro(h)), `${hx}# What the evidence does not cover`, uncovered];
  const controls = historyControls(h);
  if (controls.length) {
    blocks.push(`${hx}# Controls over the period`, table([...HISTORY_TABLE_HEADERS], controls.map((c) => historyRow(c).map(mdText)), ['l', 'l', 'r', 'r', 'l', 'l', 'l', 'l']), mdText(FAILING_FOR_NOTE));
  }
  return blocks;
}

function provenance(r: Results): string[] {
  const lines = provenanceLines(r.run.provenance).map(([k, v]) => `- **${mdText(k)}:** ${mdText(v)}`);
  lines.push(`- **Attestation:** ${mdText(attestationText(r.run.attestation))}`);
  return ['## Who ran it', lines.join('\n')];
}

function criteria(r: Results): string[] {
  const rows = sortCriteria(r.criteria).map((cr) => [
    mdText(cr.id),
    mdText(cr.title),
    coverageText(cr.status),
    cr.controls.length ? [...cr.controls].sort(compareText).map(mdText).join(', ') : '—',
  ]);
  return [
    '## Criteria coverage',
    `All ${r.criteria.length} criteria of the 2017 Trust Services Criteria. A criterion no control maps to is ${NOT_COVERED_TEXT}: the auditor tests it with documents and interviews.`,
    table(['Criterion', 'Title', 'Status', 'Controls'], rows),
  ];
}

function findingsTable(sorted: readonly Finding[], withException = false): string {
  const hasType = sorted.some((f) => f.resourceType);
  const hasRegion = sorted.some((f) => f.region);
  const hasAccount = sorted.some((f) => f.account);
  const hasLocation = sorted.some((f) => f.location);
  const headers = ['Resource', ...(hasType ? ['Type'] : []), ...(hasRegion ? ['Region'] : []), ...(hasAccount ? ['Account'] : []), ...(hasLocation ? ['Location'] : []), 'Finding', ...(withException ? ['Exception'] : [])];
  const rows = sorted.map((f) => [
    mdText(f.resource),
    ...(hasType ? [mdText(f.resourceType ?? '')] : []),
    ...(hasRegion ? [mdText(f.region ?? '')] : []),
    ...(hasAccount ? [mdText(f.account ?? '')] : []),
    ...(hasLocation ? [f.location ? mdCode(locationText(f.location)) : ''] : []),
    mdText(f.message),
    ...(withException ? [mdText(f.exception ?? '')] : []),
  ]);
  return table(headers, rows);
}

/** Where the whole list is, for a line that says part of it was left out. */
function restIsIn(findings: readonly Finding[]): string {
  const files = [...new Set(findings.flatMap((f) => (f.evidence ? [f.evidence] : [])))].sort(compareText);
  return `results.json lists them all${files.length ? `; the evidence (${files.map(mdCode).join(', ')}) holds everything the collector found` : ''}`;
}

/** Each finding's entries (every secret, every unpinned action) with where each is, within the control's budget. */
function entryLists(findings: readonly Finding[], budget: ListBudget): string[] {
  const blocks: string[] = [];
  for (const f of findings) {
    for (const { field, entries } of entryGroups(f)) {
      const { shown, hidden } = budget.take(entries);
      const beyond = entriesNotInResults(f);
      const title = `**${mdText(f.resource)}** — ${mdText(field)} (${f.occurrenceCount ?? entries.length}):`;
      const lines = shown.map((o) => `- ${o.location ? `${mdCode(locationText(o.location))} ` : ''}${mdText(o.text)}`);
      if (hidden) lines.push(`- … and ${plural(hidden, 'more entry', 'more entries')} not listed here: ${restIsIn([f])}.`);
      if (beyond) lines.push(`- … and ${plural(beyond, 'more entry', 'more entries')} beyond results.json: ${f.evidence ? `the evidence (${mdCode(f.evidence)}) lists them` : 'the evidence lists them'}.`);
      blocks.push([title, ...lines].join('\n'));
    }
  }
  return blocks;
}

function findingGroups(c: ControlResult): string[] {
  const blocks: string[] = [];
  const by = (s: Finding['status']) => sortFindings(c.findings.filter((f) => f.status === s));
  const groups: Array<[Finding['status'], string]> = [
    ['fail', 'Deviations'],
    ['error', 'Items that could not be read'],
    ['excepted', 'Excepted items'],
  ];
  // One budget per control: a control with thousands of failing resources or entries lists the
  // first MARKDOWN_LIST_LIMIT and says where the rest are.
  const budget = new ListBudget(MARKDOWN_LIST_LIMIT);
  for (const [status, title] of groups) {
    const list = by(status);
    if (!list.length) continue;
    const { shown, hidden } = budget.take(list);
    blocks.push(`#### ${title} (${list.length})`);
    if (shown.length) blocks.push(findingsTable(shown, status === 'excepted'));
    if (hidden) blocks.push(`… and ${plural(hidden, 'more item')} not listed here: ${restIsIn(list)}.`);
    blocks.push(...entryLists(shown, budget));
  }
  const n = findingCounts(c);
  const rest: string[] = [];
  if (n.passed) rest.push(`${plural(n.passed, 'item')} ${n.passed === 1 ? 'meets' : 'meet'} the requirement`);
  if (n.notApplicable) {
    const na = by('not_applicable');
    rest.push(`${plural(n.notApplicable, 'item')} ${n.notApplicable === 1 ? 'is' : 'are'} not applicable (${na.map((f) => mdText(f.message)).join('; ')})`);
  }
  if (rest.length) {
    const files = evidenceFilesOf(c);
    blocks.push(`${rest.join('; ')}. The full population is in the evidence${files.length ? ` (${files.map(mdCode).join(', ')})` : ' file'}.`);
  }
  return blocks;
}

function statusLine(c: ControlResult): string {
  const parts = [`**${STATUS_LABEL[c.status]}** — ${STATUS_MEANING[c.status]}`];
  if (isIncompleteFailure(c)) parts.push(`**${INCOMPLETE_FAILURE_TEXT}**`);
  parts.push(`severity **${SEVERITY_LABEL[c.severity]}**`);
  parts.push(c.criteria.length ? `criteria ${c.criteria.map(mdText).join(', ')}` : 'no criteria mapped');
  parts.push(`control file ${mdCode(c.source)}`);
  if (c.collector) parts.push(`collector ${mdCode(c.collector)}`);
  return parts.join(' · ');
}

function about(c: ControlResult): string[] {
  const lines = [`**What is checked:** ${mdText(c.description)}`];
  if (c.rationale) lines.push(`**Why it matters:** ${mdText(c.rationale)}`);
  if (c.params !== undefined && c.params !== null && !(typeof c.params === 'object' && Object.keys(c.params).length === 0)) {
    lines.push(`**Parameters:** ${json(c.params)}`);
  }
  const tuned = tuningChanges(c);
  if (tuned.length) {
    lines.push(`**Changed by the configuration:** ${tuned.map((t) => `${mdText(t.what)} ${mdCode(t.defined)} → ${mdCode(t.configured)}`).join('; ')} (the control file defines the first value).`);
  }
  return [lines.join('  \n')];
}

function closing(c: ControlResult, withRemediation: boolean): string[] {
  const lines: string[] = [];
  if (withRemediation) lines.push(`**Remediation:** ${mdText(c.remediation)}`);
  if (c.references.length) lines.push(`**References:** ${c.references.map(link).join(', ')}`);
  const ev = [...c.evidence].sort((a, b) => compareText(a.file, b.file));
  if (ev.length) lines.push(`**Evidence:** ${ev.map((e) => `${mdCode(e.file)} (collected ${mdText(e.collectedAt)})`).join(', ')}`);
  return lines.length ? [lines.join('  \n')] : [];
}

/** Heading text: a trailing run of `#` would be read as the heading's closing sequence and vanish. */
function mdHeading(s: string): string {
  return mdText(s).replace(/(\s)(#+)$/, '$1\\$2');
}

/** The gaps in a control's evidence and what to do about them. */
function incompleteness(c: ControlResult): string[] {
  const blocks: string[] = [];
  const gaps = sortedGaps(c);
  if (gaps.length) {
    blocks.push(
      '**Gaps in the evidence:**\n' +
        gaps
          .map((g) => `- ${mdText(g.kind)}${g.resource ? ` · ${mdText(g.resource)}` : ''}: ${mdText(g.message)}${g.permission ? ` (needs ${mdCode(g.permission)})` : ''}`)
          .join('\n'),
    );
  }
  blocks.push('**What to do:**\n' + errorActions(c).map((a, i) => `${i + 1}. ${mdText(a)}`).join('\n'));
  return blocks;
}

function controlBlock(c: ControlResult): string[] {
  const blocks = [`### ${mdText(c.id)} — ${mdHeading(c.title)}`, statusLine(c)];
  switch (c.status) {
    case 'fail':
      blocks.push(`**Result:** ${deviationText(c)}.  \n**Why:** ${mdText(c.statusReason)}`, ...about(c));
      // A failure decided on incomplete evidence says what could not be read, as an error would.
      if (c.incomplete) blocks.push(...incompleteness(c));
      blocks.push(...findingGroups(c), ...closing(c, true));
      break;
    case 'error':
      blocks.push(`**Why it could not be evaluated:** ${mdText(c.statusReason)}`, ...about(c), ...incompleteness(c));
      blocks.push(...findingGroups(c), ...closing(c, findingCounts(c).deviations > 0));
      break;
    case 'manual':
    case 'attested': {
      blocks.push(`**What is required:** ${mdText(c.description)}${c.rationale ? `  \n**Why it matters:** ${mdText(c.rationale)}` : ''}`);
      if (c.manualEvidence) blocks.push(`**${c.status === 'attested' ? 'Attested' : 'Where it stands'}:** ${mdText(c.statusReason)}`, ...manualEvidence(c));
      else {
        const needed = c.evidenceRequired ?? [];
        blocks.push(
          needed.length
            ? '**Attach exactly this evidence to the audit file:**\n' + needed.map((e, i) => `${i + 1}. [ ] ${mdText(e)}`).join('\n')
            : `**Evidence to attach:** ${mdText(c.statusReason)}`,
        );
      }
      blocks.push(...closing(c, false));
      break;
    }
    case 'excepted':
      blocks.push(
        `**Result:** ${deviationText(c)}.  \n**Why:** ${mdText(c.statusReason)}`,
        '_An exception is management’s acceptance of a known deviation, not a test result; the auditor evaluates it._',
        ...about(c),
        ...findingGroups(c),
        ...closing(c, true),
      );
      break;
    case 'pass':
      blocks.push(`**Result:** ${deviationText(c)}.  \n**Why:** ${mdText(c.statusReason)}`, ...about(c), ...findingGroups(c), ...closing(c, false));
      break;
    case 'not_applicable':
      blocks.push(`**Why:** ${mdText(c.statusReason)}`, ...closing(c, false));
      break;
  }
  return blocks;
}

const REQUIREMENT_MARK = { covered: '☑ attested', expired: '☒ **expired**', missing: '☐ **missing**' } as const;

/** The required records, numbered as the attestations file refers to them, each with its state and evidence. */
function manualEvidence(c: ControlResult): string[] {
  const me = c.manualEvidence!;
  const items = me.requirements.map((req, i) => {
    const by = req.attestations.map((k) => me.attestations[k]!).map((a) =>
      `   - ${mdText(a.attestedBy)}, ${mdText(a.attestedOn)}, valid until ${mdText(a.validUntil)}${a.expired ? ' (**expired**)' : ''} (${mdCode(a.at)}): ${
        a.evidence.map((e) => (e.kind === 'file' ? `${mdCode(e.file)} (sha256 ${mdCode(e.sha256)})` : link(e.url))).join(', ')}${a.note ? ` — ${mdText(a.note)}` : ''}`);
    return [`${i + 1}. ${REQUIREMENT_MARK[req.state]} — ${mdText(req.item)}`, ...by].join('\n');
  });
  return ['**Required records:**\n' + items.join('\n')];
}

function notApplicableList(controls: readonly ControlResult[]): string {
  return controls
    .map((c) => `- **${mdText(c.id)}** — ${mdText(c.title)} (${c.criteria.map(mdText).join(', ') || 'no criteria'}): ${mdText(c.statusReason)}`)
    .join('\n');
}

function controlSections(r: Results): string[] {
  const sorted = sortControlsForReport(r.controls);
  const blocks: string[] = [];
  for (const status of REPORT_STATUS_ORDER) {
    const list = sorted.filter((c) => c.status === status);
    if (!list.length) continue;
    blocks.push(`## ${STATUS_HEADING[status as ControlStatus]} (${list.length})`);
    if (status === 'not_applicable') blocks.push(notApplicableList(list));
    else for (const c of list) blocks.push(...controlBlock(c));
  }
  return blocks;
}

function appendix(r: Results): string[] {
  const uses = evidenceIndex(r.controls);
  const blocks = ['## Evidence appendix'];
  if (!uses.length) {
    blocks.push('No evidence files were written in this run.');
    return blocks;
  }
  blocks.push(
    'Each evidence file records every API call that produced it (operation, parameters, time, request id), and every file of the run is listed with its SHA-256 in `attestation.intoto.jsonl`. The SHA-256 below lets anyone check a file was not edited after the run.',
  );
  const rows = uses.map(({ ref, controls }) => [
    mdCode(ref.file),
    mdCode(ref.sha256),
    mdCode(ref.collector),
    `${mdText(ref.collectedAt)} → ${mdText(ref.finishedAt)}`,
    ref.complete ? 'yes' : `**no** — ${plural(ref.gaps.length, 'gap')}`,
    String(ref.resourceCount),
    String(ref.calls.length),
    operationCounts(ref.calls).map((o) => `${mdText(o.operation)} ×${o.count}`).join('<br>') || '—',
    controls.map(mdText).join(', '),
  ]);
  blocks.push(table(['File', 'SHA-256', 'Collector', 'Collected (UTC)', 'Complete', 'Resources', 'API calls', 'Operations', 'Used by'], rows));
  const attachments = uses.flatMap(({ ref }) => (ref.attachments ?? []).map((a) => ({ ...a, of: ref.file }))).sort((a, b) => compareText(a.file, b.file));
  if (attachments.length) {
    blocks.push('**Attachments** (populations exported beside the evidence files):');
    blocks.push(table(['File', 'SHA-256', 'Attached to'], attachments.map((a) => [mdCode(a.file), mdCode(a.sha256), mdCode(a.of)])));
  }
  return blocks;
}

function footer(r: Results): string[] {
  return [
    '---',
    `Generated by ${mdText(r.tool.name)} ${mdText(r.tool.version)} from results.json (schema ${mdText(r.schemaVersion)}) for run ${mdCode(r.run.id)}.${r.run.sample ? ` **${SAMPLE_TITLE}**` : ''} Re-render any format with \`soc2 report results.json\`.`,
  ];
}

/** The report's last section (only the colophon follows): what the run read, kept, redacted and minimised, and that it sent nothing elsewhere. */
function dataHandling(r: Results): string[] {
  const t = dataHandlingText(r.dataHandling);
  if (!t) return ['## Data handling', mdText(`Data handling: ${NOT_RECORDED}.`)];
  return [
    '## Data handling',
    '**Read** (requests per host and operation):\n' + t.read.map((l) => `- ${mdText(l)}`).join('\n'),
    '**Kept** (the fields evidence files keep about each resource; nothing else of what the APIs answered was written):\n' + (t.kept.length ? t.kept.map((l) => `- ${mdText(l)}`).join('\n') : '- no evidence files'),
    '**Redacted and minimised:**\n' + t.changed.map((l) => `- ${mdText(l)}`).join('\n'),
    `**${mdText(t.nowhereElse)}**`,
  ];
}

export const markdown: Renderer = {
  format: 'markdown',
  extension: '.md',
  fileName: 'report.md',
  render(results: Results): string {
    const blocks = [...header(results), ...summary(results), ...scope(results), ...provenance(results), ...(results.history ? historyBlocks(results.history) : []), ...criteria(results), ...controlSections(results), ...appendix(results), ...dataHandling(results), ...footer(results)];
    return `${blocks.join('\n\n')}\n`;
  },
};
