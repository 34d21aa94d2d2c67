/**
 * findings.csv: one row per finding that is not a pass (passing resources are counted in
 * results.json and listed in the evidence) for spreadsheets and GRC imports — control, criteria,
 * resource, status, message, evidence file (with its SHA-256), exception and location (file:line).
 * A finding that lists entries (every secret, every unpinned action) has one row per entry
 * instead, each with the entry and where it is, so a sheet can be filtered by file. A control with no
 * findings (manual, not applicable, or in error before any resource was read) still gets one row,
 * with an empty resource and its status reason, so no control disappears from the sheet. The
 * change population stays its own CSV beside its evidence file.
 *
 * RFC 4180 with CRLF line ends; cells that a spreadsheet would run as a formula are defused.
 */
import type { ControlResult, Finding, Results } from '../results.js';
import { compareFindings, findingStatusRank, listedFindings, oneLine, sortControlsById } from './format.js';
import type { Renderer } from './types.js';
import { csvCell } from '../csv.js';
import { locationText } from './listing.js';

const COLUMNS = [
  'control_id',
  'control_title',
  'severity',
  'criteria',
  'control_status',
  'resource',
  'resource_type',
  'region',
  'account',
  'status',
  'message',
  'evidence_file',
  'evidence_sha256',
  'exception',
  'location',
  'entry',
] as const;

type Row = Record<(typeof COLUMNS)[number], string>;

function controlColumns(c: ControlResult): Pick<Row, 'control_id' | 'control_title' | 'severity' | 'criteria' | 'control_status'> {
  return { control_id: c.id, control_title: oneLine(c.title), severity: c.severity, criteria: c.criteria.join(' '), control_status: c.status };
}

/** The finding's row, or one row per entry it lists. */
function findingRows(c: ControlResult, f: Finding, sha: Map<string, string>): Row[] {
  const row = findingRow(c, f, sha);
  if (!f.occurrences?.length) return [row];
  return f.occurrences.map((o) => ({
    ...row,
    location: o.location ? locationText(o.location) : row.location,
    entry: `${o.field}: ${o.text}`,
  }));
}

function findingRow(c: ControlResult, f: Finding, sha: Map<string, string>): Row {
  return {
    ...controlColumns(c),
    resource: f.resource,
    resource_type: f.resourceType ?? '',
    region: f.region ?? '',
    account: f.account ?? '',
    status: f.status,
    message: f.message,
    evidence_file: f.evidence ?? '',
    evidence_sha256: f.evidence ? (sha.get(f.evidence) ?? '') : '',
    exception: f.exception ?? '',
    location: f.location ? locationText(f.location) : '',
    entry: '',
  };
}

function controlOnlyRow(c: ControlResult): Row {
  const evidence = [...c.evidence].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    ...controlColumns(c),
    resource: '',
    resource_type: '',
    region: '',
    account: '',
    status: c.status,
    message: c.status === 'manual' && c.evidenceRequired?.length ? `${c.statusReason} Evidence to attach: ${c.evidenceRequired.join('; ')}` : c.statusReason,
    evidence_file: evidence.map((e) => e.file).join(' '),
    evidence_sha256: evidence.map((e) => e.sha256).join(' '),
    exception: '',
    location: '',
    entry: '',
  };
}

function render(results: Results): string {
  const lines = [COLUMNS.join(',')];
  for (const c of sortControlsById(results.controls)) {
    const sha = new Map(c.evidence.flatMap((e) => [[e.file, e.sha256] as const, ...(e.attachments ?? []).map((a) => [a.file, a.sha256] as const)]));
    const findings = listedFindings(c).sort((a, b) => findingStatusRank(a.status) - findingStatusRank(b.status) || compareFindings(a, b));
    const rows = findings.length ? findings.flatMap((f) => findingRows(c, f, sha)) : [controlOnlyRow(c)];
    for (const row of rows) lines.push(COLUMNS.map((k) => csvCell(row[k])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export const findingsCsv: Renderer = {
  format: 'findings-csv',
  extension: '.csv',
  fileName: 'findings.csv',
  render,
};
