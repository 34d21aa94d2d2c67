/**
 * junit.xml: for CI test views (GitLab's unit test report, the GitHub Actions JUnit reporters).
 * One testsuite per criteria family of a control's first criterion, one testcase per control:
 * fail → <failure type="deviation">, error → <error type="evidence-incomplete">, and manual,
 * excepted and not_applicable → <skipped>. GitLab shows testcase@classname as the suite name,
 * which is why it carries the criterion id. The CI job is gated by the exit code, not this file.
 */
import type { ControlResult, Finding, Results } from '../results.js';
import { plural } from '../text.js';
import {
  SAMPLE_NOTICE,
  SAMPLE_TITLE,
  compareCriteria,
  deviationText,
  errorActions,
  escapeXml,
  escapeXmlAttr,
  familyOf,
  firstCriterion,
  oneLine,
  periodText,
  sortControlsById,
  sortFindings,
  sortedGaps,
  unreadFindings,
} from './format.js';
import type { Renderer } from './types.js';
import { JUNIT_LIST_LIMIT, ListBudget, entriesNotInResults, entryGroups, locationText } from './listing.js';
import { attestationText, dataHandlingParagraph, pointInTimeText, provenanceLines } from './run-context.js';

interface Totals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function totals(controls: readonly ControlResult[]): Totals {
  const t = { tests: controls.length, failures: 0, errors: 0, skipped: 0 };
  for (const c of controls) {
    if (c.status === 'fail') t.failures++;
    else if (c.status === 'error') t.errors++;
    else if (c.status !== 'pass') t.skipped++;
  }
  return t;
}

function countAttrs(t: Totals): string {
  return `tests="${t.tests}" failures="${t.failures}" errors="${t.errors}" skipped="${t.skipped}" time="0"`;
}

/** Families compare like criteria: CC1 < … < CC9 < A1 < C1 < PI1 < P1 …; anything else last. */
function compareFamilies(a: string, b: string): number {
  return compareCriteria(`${a}.0`, `${b}.0`);
}

/** 'AWS identity' → 'awsIdentity', 'CI job' → 'ciJob'. */
function propertyName(label: string): string {
  const words = label.split(/\s+/);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
}

function attr(s: string): string {
  return escapeXmlAttr(oneLine(s));
}

function where(f: Pick<Finding, 'region' | 'account'>): string {
  const parts = [f.account && `account ${f.account}`, f.region && `region ${f.region}`].filter(Boolean);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

function evidenceLines(c: ControlResult): string[] {
  return [...c.evidence].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)).map((e) => `Evidence: ${e.file} (sha256 ${e.sha256})`);
}

/** Finding messages already name their resource ("acme/api: …"); only prefix it when one does not. */
function findingLine(f: Finding): string {
  return f.message.includes(f.resource) ? `${f.message}${where(f)}` : `${f.resource}${where(f)}: ${f.message}`;
}

function gapLines(c: ControlResult): string[] {
  return sortedGaps(c).map((g) => `- ${g.kind}${g.resource ? ` (${g.resource})` : ''}: ${g.message}${g.permission ? ` Needs ${g.permission}.` : ''}`);
}

/** Each failing finding and the entries behind it, at most JUNIT_LIST_LIMIT lines, then where the rest are. */
function deviationLines(c: ControlResult): string[] {
  const failing = sortFindings(c.findings.filter((x) => x.status === 'fail'));
  const budget = new ListBudget(JUNIT_LIST_LIMIT);
  const lines: string[] = [];
  let hiddenFindings = 0;
  let hiddenEntries = 0;
  for (const f of failing) {
    if (!budget.take([f]).shown.length) {
      hiddenFindings++;
      hiddenEntries += f.occurrenceCount ?? f.occurrences?.length ?? 0;
      continue;
    }
    const at = f.location ? locationText(f.location) : f.resource;
    lines.push(`- ${findingLine(f)}${at !== f.resource ? ` (${at})` : ''}`);
    for (const { field, entries } of entryGroups(f)) {
      const listed = budget.take(entries);
      for (const o of listed.shown) lines.push(`  - ${o.location ? `${locationText(o.location)}: ` : ''}${field}: ${o.text}`);
      hiddenEntries += listed.hidden;
    }
    hiddenEntries += entriesNotInResults(f);
  }
  const hidden = [hiddenFindings && plural(hiddenFindings, 'more deviation'), hiddenEntries && plural(hiddenEntries, 'more entry', 'more entries')].filter(Boolean);
  if (hidden.length) lines.push(`- … and ${hidden.join(' and ')} not listed here: results.json and the evidence list them all.`);
  return lines;
}

function failureText(c: ControlResult): string {
  const lines = [`${deviationText(c)}.`, ...deviationLines(c)];
  if (c.incomplete) {
    // The failure stands; what could not be read is said, as it would be for an error.
    lines.push('Evidence is incomplete, so more may fail:', ...gapLines(c), ...unreadFindings(c).map((f) => `- could not be read: ${findingLine(f)}`));
    lines.push(...errorActions(c).map((a) => `What to do: ${a}`));
  }
  lines.push(`Remediation: ${c.remediation}`, ...evidenceLines(c));
  return lines.join('\n');
}

function errorText(c: ControlResult): string {
  const lines = [c.statusReason, ...gapLines(c)];
  // A resource-level gap also appears as an error finding with the same sentence; say it once.
  const unread = new Set(unreadFindings(c));
  for (const f of sortFindings(c.findings.filter((x) => x.status === 'fail' || unread.has(x)))) {
    lines.push(`- ${f.status === 'fail' ? 'deviation' : 'could not be read'}: ${findingLine(f)}`);
  }
  lines.push(...errorActions(c).map((a) => `What to do: ${a}`), ...evidenceLines(c));
  return lines.join('\n');
}

function skippedMessage(c: ControlResult): string {
  switch (c.status) {
    case 'manual': {
      const needed = c.evidenceRequired ?? [];
      if (c.manualEvidence) return `Manual control: ${c.statusReason}`;
      return needed.length ? `Manual control, attach: ${needed.join('; ')}.` : `Manual control: ${c.statusReason}`;
    }
    case 'attested':
      return `Attested manual control (a person's attestation, not an automated test): ${c.statusReason}`;
    case 'excepted': {
      const exceptions = sortFindings(c.findings.filter((f) => f.status === 'excepted')).map((f) => `${f.resource}${where(f)}: ${f.exception ?? 'exception'}`);
      return `Excepted: ${c.statusReason}${exceptions.length ? ` ${exceptions.join('; ')}` : ''}`;
    }
    default:
      return `Not applicable: ${c.statusReason}`;
  }
}

function testcase(c: ControlResult, prefix: string): string {
  const open = `    <testcase classname="${attr(firstCriterion(c))}" name="${attr(`${c.id} ${c.title}`)}" time="0"`;
  switch (c.status) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n      <failure message="${attr(prefix + c.statusReason)}" type="deviation">${escapeXml(failureText(c))}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${attr(prefix + c.statusReason)}" type="evidence-incomplete">${escapeXml(errorText(c))}</error>\n    </testcase>`;
    default:
      return `${open}>\n      <skipped message="${attr(prefix + skippedMessage(c))}"/>\n    </testcase>`;
  }
}

function render(r: Results): string {
  const controls = sortControlsById(r.controls);
  const families = new Map<string, ControlResult[]>();
  for (const c of controls) {
    const fam = familyOf(firstCriterion(c));
    families.set(fam, [...(families.get(fam) ?? []), c]);
  }
  const prefix = r.run.sample ? 'SAMPLE DATA: ' : '';
  const properties = [
    ['period', periodText(r.run)],
    ['reportType', r.run.reportType],
    ['toolVersion', `${r.tool.name} ${r.tool.version}`],
    ['runId', r.run.id],
    ['sample', String(r.run.sample)],
    ['failOn', r.run.failOn],
    ['exitCode', String(r.summary.exitCode)],
    ['pointInTime', pointInTimeText(r.run)],
    ...provenanceLines(r.run.provenance).map(([k, v]) => [propertyName(k), v]),
    ['attestation', attestationText(r.run.attestation)],
    ['dataHandling', dataHandlingParagraph(r.dataHandling)],
  ];
  const props = ['    <properties>', ...properties.map(([k, v]) => `      <property name="${attr(k!)}" value="${attr(v!)}"/>`), '    </properties>'];
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  if (r.run.sample) lines.push(`<!-- ${`${SAMPLE_TITLE} ${SAMPLE_NOTICE}`.replace(/-(?=-)/g, '- ')} -->`);
  lines.push(`<testsuites name="soc2" ${countAttrs(totals(controls))}>`);
  for (const fam of [...families.keys()].sort(compareFamilies)) {
    const list = families.get(fam)!;
    lines.push(`  <testsuite name="${attr(fam)}" ${countAttrs(totals(list))}>`);
    lines.push(...props);
    for (const c of list) lines.push(testcase(c, prefix));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  // Every report ends with the data-handling statement; here as a comment after the root element.
  lines.push(`<!-- ${escapeXml(dataHandlingParagraph(r.dataHandling)).replace(/-(?=-)/g, '- ').replace(/-$/, '- ')} -->`);
  return `${lines.join('\n')}\n`;
}

export const junit: Renderer = {
  format: 'junit',
  extension: '.xml',
  fileName: 'junit.xml',
  render,
};
