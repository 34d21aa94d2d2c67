/**
 * What every renderer shares: escaping for each output language, the single total order used to
 * sort controls, findings, criteria and evidence, and the fixed words for each status. Keeping
 * them here means the Markdown, HTML, JUnit and SARIF files can never disagree about what a
 * status means or in which order things appear.
 */
import type { Severity } from '../controls/schema.js';
import { criteriaFamily } from '../controls/criteria.js';
import type { ControlResult, CriterionCoverage, EvidenceRef, Finding, Results } from '../results.js';
import { plural } from '../text.js';

export type ControlStatus = ControlResult['status'];
export type CoverageStatus = CriterionCoverage['status'];
export type FindingStatus = Finding['status'];
type Run = Results['run'];

// ---------------------------------------------------------------------------------------------
// Ordering

/**
 * Code-unit comparison. `localeCompare` depends on the ICU data and locale of the machine, so a
 * report rendered on a laptop could differ byte-for-byte from the same report rendered in CI.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most severe first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function severityRank(s: Severity): number {
  const i = SEVERITY_ORDER.indexOf(s);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

/** The order of sections in the human reports: what needs action first. */
export const REPORT_STATUS_ORDER: readonly ControlStatus[] = ['fail', 'error', 'manual', 'excepted', 'attested', 'pass', 'not_applicable'];

function statusRank(s: ControlStatus): number {
  return REPORT_STATUS_ORDER.indexOf(s);
}

export function compareControlsById(a: ControlResult, b: ControlResult): number {
  return compareText(a.id, b.id) || compareText(a.title, b.title);
}

/** Failing first (most severe first), then errors, manual, excepted, passing, not applicable. */
export function sortControlsForReport(controls: readonly ControlResult[]): ControlResult[] {
  return [...controls].sort(
    (a, b) => statusRank(a.status) - statusRank(b.status) || severityRank(a.severity) - severityRank(b.severity) || compareControlsById(a, b),
  );
}

export function sortControlsById(controls: readonly ControlResult[]): ControlResult[] {
  return [...controls].sort(compareControlsById);
}

export const FINDING_STATUS_ORDER: readonly FindingStatus[] = ['fail', 'error', 'excepted', 'pass', 'not_applicable'];

export function findingStatusRank(s: FindingStatus): number {
  return FINDING_STATUS_ORDER.indexOf(s);
}

/**
 * A total order on findings, resource first. Every field takes part so that two findings that
 * share a resource (the same bucket name in two regions) still land in a fixed order.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.resource, b.resource) ||
    compareText(a.region ?? '', b.region ?? '') ||
    compareText(a.account ?? '', b.account ?? '') ||
    findingStatusRank(a.status) - findingStatusRank(b.status) ||
    compareText(a.resourceType ?? '', b.resourceType ?? '') ||
    compareText(a.message, b.message) ||
    compareText(a.evidence ?? '', b.evidence ?? '') ||
    compareText(a.exception ?? '', b.exception ?? '')
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** The order of the 2017 TSC catalogue: Security, then Availability, Confidentiality, Processing Integrity, Privacy. */
const CATEGORY_ORDER = ['CC', 'A', 'C', 'PI', 'P'];

function criterionKey(id: string): [number, number, number] | undefined {
  const m = /^([A-Z]+)(\d+)\.(\d+)$/.exec(id);
  if (!m) return undefined;
  const cat = CATEGORY_ORDER.indexOf(m[1]!);
  return [cat < 0 ? CATEGORY_ORDER.length : cat, Number(m[2]), Number(m[3])];
}

/** CC1.1 < CC1.2 < … < CC9.2 < A1.1 < … < P8.1; ids of any other shape sort last, by text. */
export function compareCriteria(a: string, b: string): number {
  const ka = criterionKey(a);
  const kb = criterionKey(b);
  if (ka && kb) return ka[0] - kb[0] || compareText(a.replace(/\d.*$/, ''), b.replace(/\d.*$/, '')) || ka[1] - kb[1] || ka[2] - kb[2];
  if (ka) return -1;
  if (kb) return 1;
  return compareText(a, b);
}

export function sortCriteria(criteria: readonly CriterionCoverage[]): CriterionCoverage[] {
  return [...criteria].sort((a, b) => compareCriteria(a.id, b.id));
}

/** 'CC8.1' → 'CC8'. A control mapped to no criterion is grouped under this name. */
export const NO_CRITERION = 'uncategorised';

export function firstCriterion(c: ControlResult): string {
  return c.criteria[0] ?? NO_CRITERION;
}

export function familyOf(criterionId: string): string {
  return criterionId === NO_CRITERION ? NO_CRITERION : criteriaFamily(criterionId);
}

// ---------------------------------------------------------------------------------------------
// Words

export const STATUS_LABEL: Readonly<Record<ControlStatus, string>> = {
  pass: 'Pass',
  fail: 'Fail',
  error: 'Error',
  manual: 'Manual',
  attested: 'Attested',
  excepted: 'Excepted',
  not_applicable: 'Not applicable',
};

/** Never "compliant": the tool produces management's evidence; only the CPA issues an opinion. */
export const STATUS_MEANING: Readonly<Record<ControlStatus, string>> = {
  pass: 'no deviations detected by automated test',
  fail: 'deviations found',
  error: 'evidence incomplete, so the control could not be evaluated',
  manual: 'needs evidence attached by a person',
  attested: 'evidence attested by a person, not tested automatically',
  excepted: 'deviations covered by an approved exception',
  not_applicable: 'not applicable',
};

/** Section headings of the human reports, one per status. */
export const STATUS_HEADING: Readonly<Record<ControlStatus, string>> = {
  fail: 'Failing controls — deviations found',
  error: 'Controls in error — evidence incomplete',
  manual: 'Manual controls — evidence to attach',
  attested: 'Attested manual controls — evidence attested by a person, not tested automatically',
  excepted: 'Excepted controls — covered by an approved exception',
  pass: 'Passing controls — no deviations detected by automated test',
  not_applicable: 'Not applicable',
};

export const NOT_COVERED_TEXT = 'not covered by automated evidence — manual evidence required';

export const COVERAGE_LABEL: Readonly<Record<CoverageStatus, string>> = {
  ...STATUS_LABEL,
  not_covered: 'Not covered',
};

/** One phrase for a criterion's status in the coverage table, e.g. "Fail — deviations found". */
export function coverageText(status: CoverageStatus): string {
  if (status === 'not_covered') return `Not covered by automated evidence — manual evidence required`;
  if (status === 'not_applicable') return STATUS_LABEL.not_applicable;
  return `${STATUS_LABEL[status]} — ${STATUS_MEANING[status]}`;
}

export const SAMPLE_TITLE = 'SAMPLE DATA — not real systems.';

export const SAMPLE_NOTICE =
  'This report was produced from the bundled demo estate (soc2 demo), not from real systems. Nothing in it is evidence about any organisation.';

export const OPINION_NOTICE =
  "This report is management's evidence from automated tests. It is not an auditor's opinion: only the service auditor (a licensed CPA firm) issues the opinion in a SOC 2 report.";

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

export function reportTypeText(run: Pick<Run, 'reportType'>): string {
  return run.reportType === 'type1' ? 'Type 1' : 'Type 2';
}

/** A Type 1 report speaks of one date, a Type 2 report of a period. */
export function periodText(run: Pick<Run, 'reportType' | 'period'>): string {
  return run.reportType === 'type1' ? `as of ${run.period.end}` : `${run.period.start} to ${run.period.end}`;
}

export function reportTitle(run: Run): string {
  return `SOC 2 evidence report — ${reportTypeText(run)}, ${periodText(run)}`;
}

/** Severities that make the run fail, e.g. failOn medium → critical, high, medium. */
export function severitiesAtOrAbove(failOn: Severity): Severity[] {
  return SEVERITY_ORDER.slice(0, severityRank(failOn) + 1);
}

export function failOnMeaning(failOn: Severity): string {
  const at = severitiesAtOrAbove(failOn);
  if (at.length === SEVERITY_ORDER.length) return 'any failing control makes the run exit 1';
  return `a failing control of severity ${at.join(', ')} makes the run exit 1; a failing control of lower severity is reported but does not fail the run`;
}

export function exitCodeMeaning(code: number, failOn: Severity): string {
  switch (code) {
    case 0:
      return `no control fails at or above the fail-on threshold (${failOn}) and no control ended in error`;
    case 1:
      return `at least one control fails at or above the fail-on threshold (${failOn})`;
    case 2:
      return 'a usage, configuration or control definition error stopped the run before anything was collected';
    case 3:
      return `no control fails at or above the fail-on threshold (${failOn}), but the evidence of at least one control is incomplete: it ended in error (not evaluated), or it fails below the threshold and could not check everything`;
    default:
      return 'an exit code this version of soc2 does not define';
  }
}

export interface FindingCounts {
  deviations: number;
  /** Items the test was applied to: everything except not-applicable findings. */
  items: number;
  excepted: number;
  errors: number;
  passed: number;
  notApplicable: number;
}

/**
 * Counted from the findings the report shows, so the sentence always matches the tables; passing
 * items from `counts.pass`, because results.json lists no passing findings (the evidence does).
 */
export function findingCounts(c: Pick<ControlResult, 'findings' | 'counts'>): FindingCounts {
  const n = { deviations: 0, items: c.counts.pass, excepted: 0, errors: 0, passed: c.counts.pass, notApplicable: 0 };
  for (const f of listedFindings(c)) {
    if (f.status === 'not_applicable') {
      n.notApplicable++;
      continue;
    }
    n.items++;
    if (f.status === 'fail') n.deviations++;
    else if (f.status === 'excepted') n.excepted++;
    else n.errors++;
  }
  return n;
}

/**
 * The findings a report lists: all but passes. Passing resources are counted (counts.pass) and
 * listed in the evidence files, so a report stays proportional to what needs attention whatever
 * the size of the estate, and reads the same from the engine's results as from results.json.
 */
export function listedFindings(c: Pick<ControlResult, 'findings'>): Finding[] {
  return c.findings.filter((f) => f.status !== 'pass');
}

/** The control's evidence files, each once, sorted: where its passing resources are listed. */
export function evidenceFilesOf(c: Pick<ControlResult, 'evidence'>): string[] {
  return [...new Set(c.evidence.map((e) => e.file))].sort(compareText);
}

/** "2 deviations of 5 items; 1 excepted; 1 could not be read; 1 not applicable". */
export function deviationText(c: Pick<ControlResult, 'findings' | 'counts'>): string {
  const n = findingCounts(c);
  const parts = [`${plural(n.deviations, 'deviation')} of ${plural(n.items, 'item')}`];
  if (n.excepted) parts.push(`${n.excepted} excepted`);
  if (n.errors) parts.push(`${n.errors} could not be read`);
  if (n.notApplicable) parts.push(`${n.notApplicable} not applicable`);
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// Evidence

export interface EvidenceUse {
  ref: EvidenceRef;
  /** Ids of the controls decided from this evidence file, sorted. */
  controls: string[];
}

/**
 * Every evidence file once, sorted by path. The engine collects once per collector and params,
 * so several controls usually share one file; the appendix lists it once with all its users.
 */
export function evidenceIndex(controls: readonly ControlResult[]): EvidenceUse[] {
  const byFile = new Map<string, EvidenceUse>();
  for (const c of sortControlsById(controls)) {
    for (const ref of c.evidence) {
      const use = byFile.get(ref.file);
      if (use) {
        if (!use.controls.includes(c.id)) use.controls.push(c.id);
      } else byFile.set(ref.file, { ref, controls: [c.id] });
    }
  }
  return [...byFile.values()].sort((a, b) => compareText(a.ref.file, b.ref.file));
}

/** Distinct operations with how often each was called, sorted by operation. */
export function operationCounts(calls: readonly ApiCall[]): Array<{ operation: string; count: number }> {
  const counts = new Map<string, number>();
  for (const call of calls) counts.set(call.operation, (counts.get(call.operation) ?? 0) + 1);
  return [...counts].map(([operation, count]) => ({ operation, count })).sort((a, b) => compareText(a.operation, b.operation));
}

type ApiCall = EvidenceRef['calls'][number];

/**
 * What to do about incomplete evidence (an error, or a failure that could not check everything),
 * from the evidence gaps: the permissions to grant come first.
 */
export function errorActions(c: ControlResult): string[] {
  const permissions = [...new Set(c.evidence.flatMap((e) => e.gaps.map((g) => g.permission).filter((p): p is string => !!p)))].sort(compareText);
  const actions: string[] = [];
  if (permissions.length) actions.push(`Grant ${permissions.join(', ')} to the credentials soc2 runs with.`);
  actions.push(
    c.status === 'fail'
      ? 'Fix the cause above and run soc2 again to check what could not be read. The deviations found stand either way.'
      : 'Fix the cause above and run soc2 again. Until then this control counts as not evaluated, never as passing.',
  );
  return actions;
}

/** A failing control whose evidence is incomplete: its deviations are known, the rest could not all be checked. */
export function isIncompleteFailure(c: Pick<ControlResult, 'status' | 'incomplete'>): boolean {
  return c.status === 'fail' && c.incomplete === true;
}

export const INCOMPLETE_FAILURE_TEXT = 'evidence incomplete: the deviations shown are known, and what could not be read may hold more';

/** ", 2 of them on incomplete evidence" for the headline of the human reports; empty when none. */
export function incompleteFailuresText(r: Pick<Results, 'controls'>): string {
  const n = r.controls.filter(isIncompleteFailure).length;
  return n ? ` (${n} of them on incomplete evidence)` : '';
}

/** Error findings whose sentence is not already one of the gaps (a resource-level gap is both). */
export function unreadFindings(c: ControlResult): Finding[] {
  const said = new Set(c.evidence.flatMap((e) => e.gaps.map((g) => g.message)));
  return sortFindings(c.findings.filter((f) => f.status === 'error' && !said.has(f.message)));
}

export function sortedGaps(c: ControlResult): Array<EvidenceRef['gaps'][number]> {
  return c.evidence
    .flatMap((e) => e.gaps)
    .sort(
      (a, b) =>
        compareText(a.kind, b.kind) || compareText(a.resource ?? '', b.resource ?? '') || compareText(a.message, b.message) || compareText(a.permission ?? '', b.permission ?? ''),
    );
}

// ---------------------------------------------------------------------------------------------
// Escaping

/**
 * C0 controls other than tab and newline, DEL, U+FFFE/U+FFFF and unpaired surrogates. None is
 * meaningful in a report and several are illegal in XML 1.0 or trip HTML parsers; each is
 * replaced by U+FFFD so a reader can still see that the source held something there.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Normalises line ends and replaces characters no report format can carry. */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(UNPRINTABLE, '\uFFFD');
}

/** Text and double- or single-quoted attribute values in HTML. */
export function escapeHtml(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (ch) => HTML_ENTITIES[ch]!);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** XML text content. */
export function escapeXml(s: string): string {
  return cleanText(s).replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]!);
}

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** XML attribute values: line breaks and tabs as character references, which parsers keep instead of normalising to spaces. */
export function escapeXmlAttr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/**
 * Untrusted text inside Markdown: a table cell, a list item or a paragraph. `& < >` become HTML
 * entities because Markdown passes raw HTML through; the characters that start emphasis, code,
 * links, tables, strikethrough or math get a backslash, and so do those that make an autolink or
 * a mention (`://`, `www.`, `@`); block markers at the start are defused;
 * line breaks become `<br>` so the text can never start a new block or break a table row.
 */
export function mdText(s: string): string {
  const escaped = cleanText(s)
    .replace(/[&<>]/g, (ch) => HTML_ENTITIES[ch]!)
    .replace(/[\\`*_[\]|~$]/g, '\\$&')
    // GitHub links bare URLs, www. names, e-mail addresses and @mentions in text by itself; an
    // escaped ':', '.' or '@' reads the same and links nothing.
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(?<![A-Za-z0-9])(www)\./gi, '$1\\.')
    .replace(/@/g, '\\@')
    .replace(/\n/g, '<br>')
    // Four leading spaces would turn a paragraph into a code block.
    .replace(/^\s+/, '');
  // Only the start can open a block (line breaks are gone): a heading, a bullet or an ordered
  // list item, which matters where the text follows a list marker ("- # x" is a heading), and a
  // thematic break or setext underline ("---", "===") where the text is a paragraph of its own.
  return escaped
    .replace(/^#/, '\\#')
    .replace(/^[-+](?=\s|$)|^[-=](?=[-=\s]*$)/, '\\$&')
    .replace(/^(\d{1,9})([.)])(?=\s|$)/, '$1\\$2');
}

/** A code span for identifiers and paths; anything that could break out of one falls back to escaped text. */
export function mdCode(s: string): string {
  return /^[^`|\n\r<>&\\]+$/.test(s) && cleanText(s) === s ? `\`${s}\`` : mdText(s);
}

/** Only plain http(s) URLs become links; anything else (javascript:, data:) stays text. */
export function isSafeUrl(s: string): boolean {
  return /^https?:\/\/[^\s<>"'`|\\[\]()]+$/.test(s);
}

/** One line of text for attributes and headings: whitespace runs (including line breaks) become one space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Shortens to at most `max` characters, cutting at a code point boundary and marking the cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * One path segment of a URI reference. encodeURIComponent throws on a lone surrogate, which a
 * results.json can hold (JSON escapes allow one); it becomes U+FFFD first, as everywhere in reports.
 */
export function encodeUriSegment(segment: string): string {
  return encodeURIComponent(segment.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}
