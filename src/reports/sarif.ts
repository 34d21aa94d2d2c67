/**
 * results.sarif: SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer). One rule per
 * control; results only for deviations (`fail` findings) and for controls in `error`, because
 * GitHub does not support result.kind pass/notApplicable. GitHub rejects the whole file when any
 * result lacks a physical location (github/codeql-action#1738), and SOC 2 findings are about
 * buckets and organisations rather than lines of code, so every result is anchored to a real
 * file: where the evidence places it (a workflow's line, a secret's line and column, the
 * CODEOWNERS file in effect), else the repository file the finding names, else the control's YAML
 * file at line 1. Each placed entry of a finding (every secret, every unpinned action) is a result
 * of its own, so code scanning shows each at its line.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../controls/schema.js';
import type { ControlResult, Finding, Location, Results } from '../results.js';
import {
  SAMPLE_NOTICE,
  SAMPLE_TITLE,
  cleanText,
  encodeUriSegment,
  errorActions,
  isSafeUrl,
  mdText,
  oneLine,
  sortControlsById,
  sortFindings,
  sortedGaps,
  truncate,
} from './format.js';
import type { Renderer } from './types.js';
import { entriesNotInResults } from './listing.js';
import { attestationText, dataHandlingParagraph, NOT_RECORDED, pointInTimeText } from './run-context.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** GitHub buckets security-severity: > 9 critical, 7–8.9 high, 4–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0' };

type Level = 'error' | 'warning' | 'note';
const LEVEL: Readonly<Record<Severity, Level>> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

/** GitHub truncates descriptions beyond 1024 characters and shows at most 20 tags per rule. */
const MAX_DESCRIPTION = 1024;
const MAX_TAGS = 20;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } } }>;
  partialFingerprints: { primaryLocationLineHash: string };
  properties: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Locations

/** A path inside the repository: relative, '/'-separated, no '.'/'..' segments, no scheme or drive. */
function isRepoRelativePath(p: string): boolean {
  if (!p || p.startsWith('/') || p.includes('\\') || p.includes(':') || cleanText(p) !== p || /[\t\n\v\f]/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const WELL_KNOWN_FILES = new Set(['CODEOWNERS', 'Dockerfile', 'Makefile', 'Jenkinsfile', 'LICENSE', 'Procfile', 'Gemfile', 'Brewfile', 'Vagrantfile']);

/** `.github/workflows/ci.yml`, `docs/CODEOWNERS`, `SECURITY.md` — but not `acme/api` (a repository). */
function looksLikeFile(p: string): boolean {
  const last = p.split('/').pop() ?? '';
  return p.split('/').some((seg) => seg.startsWith('.')) || /\.[A-Za-z0-9]{1,10}$/.test(last) || WELL_KNOWN_FILES.has(last);
}

/**
 * Whether a finding names a file of the checked-out repository. Best evidence first: the
 * collector said so (resourceType 'file'), or it recorded reading exactly that path; failing
 * both, a repo.* collector's resource that has the shape of a file path.
 */
function isRepoFile(c: ControlResult, f: Finding): boolean {
  if (!isRepoRelativePath(f.resource)) return false;
  if (f.resourceType?.toLowerCase() === 'file') return true;
  const read = c.evidence.some((e) => e.calls.some((call) => call.source === 'local' && call.params['path'] === f.resource && call.operation === 'read-file'));
  if (read) return true;
  return !!c.collector?.startsWith('repo.') && looksLikeFile(f.resource);
}

function encodePath(p: string): string {
  return p
    .split('/')
    .map(encodeUriSegment)
    .join('/');
}

/**
 * The control file as a URI GitHub can place: repository-relative when it can be made so (an
 * absolute path inside the scanned checkout is made relative to it), else an absolute file URI.
 */
function controlUri(source: string, repoRoot: string): string {
  let p = source.replace(/\\/g, '/');
  const root = repoRoot.replace(/\\/g, '/').replace(/\/+$/, '');
  if (root && p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
  p = p.replace(/^(\.\/)+/, '');
  if (p.startsWith('/')) return `file://${encodePath(p)}`;
  if (/^[A-Za-z]:\//.test(p)) return `file:///${p.slice(0, 2)}${encodePath(p.slice(2))}`;
  return encodePath(p);
}

/**
 * SARIF plain-text messages may embed links as [text](target) (§3.11.6), so literal brackets from
 * the data are escaped with a backslash; otherwise a PR title like "[x](javascript:…)" could
 * become a link in a viewer. Every backslash of a run before a bracket is doubled too: doubling
 * only the last would leave `\\[` reading as an escaped backslash and a live bracket.
 */
function messageText(s: string): string {
  return cleanText(s)
    .replace(/\\+(?=[[\]])/g, '$&$&')
    .replace(/[[\]]/g, '\\$&');
}

function isInside(file: string, root: string): boolean {
  const f = file.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  return r !== '' && f.startsWith(`${r}/`);
}

function location(uri: string, line = 1, column?: number): SarifResult['locations'][number] {
  return { physicalLocation: { artifactLocation: { uri }, region: { startLine: line, ...(column === undefined ? {} : { startColumn: column }) } } };
}

/** A location the evidence gave (a workflow line, a secret's position), when it is a file of the repository. */
function evidenceLocation(loc: Location | undefined): SarifResult['locations'][number] | undefined {
  if (!loc || !isRepoRelativePath(loc.file)) return undefined;
  return location(encodePath(loc.file), loc.line, loc.line === undefined ? undefined : loc.column);
}

/** Stable across runs for the same control and resource, so GitHub tracks one alert per deviation. */
function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Rules and results

function rule(c: ControlResult) {
  const tags = [...new Set([...c.criteria.slice(0, MAX_TAGS - 1), 'soc2'])];
  const helpUri = c.references.find(isSafeUrl);
  const text = [
    `Remediation: ${cleanText(c.remediation)}`,
    c.criteria.length ? `Trust Services Criteria: ${c.criteria.join(', ')}` : '',
    c.references.length ? `References: ${c.references.join(' ')}` : '',
    `Control file: ${c.source}`,
  ].filter(Boolean);
  const markdown = [
    `**${mdText(c.id)} — ${mdText(c.title)}**`,
    mdText(c.description),
    c.rationale ? `**Why it matters:** ${mdText(c.rationale)}` : '',
    `**Remediation:** ${mdText(c.remediation)}`,
    c.criteria.length ? `**Trust Services Criteria:** ${c.criteria.map(mdText).join(', ')}` : '',
    c.references.length ? `**References:** ${c.references.map((u) => (isSafeUrl(u) ? `<${u}>` : mdText(u))).join(', ')}` : '',
  ].filter(Boolean);
  return {
    id: c.id,
    shortDescription: { text: truncate(oneLine(cleanText(c.title)), MAX_DESCRIPTION) },
    fullDescription: { text: truncate(cleanText(c.description), MAX_DESCRIPTION) },
    ...(helpUri ? { helpUri } : {}),
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: {
      tags,
      'security-severity': SECURITY_SEVERITY[c.severity],
      precision: 'very-high',
      severity: c.severity,
      criteria: [...c.criteria],
    },
  };
}

function where(f: Finding): string {
  const parts = [f.account && `account ${f.account}`, f.region && `region ${f.region}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

function findingProperties(c: ControlResult, f: Finding): Record<string, unknown> {
  const p: Record<string, unknown> = { controlId: c.id, controlStatus: c.status, criteria: [...c.criteria], resource: f.resource };
  if (f.resourceType) p['resourceType'] = f.resourceType;
  if (f.region) p['region'] = f.region;
  if (f.account) p['account'] = f.account;
  if (f.evidence) p['evidence'] = f.evidence;
  return p;
}

function results(r: Results, controls: readonly ControlResult[]): SarifResult[] {
  const prefix = r.run.sample ? 'SAMPLE DATA: ' : '';
  const repoRoot = r.run.scope.repo.path;
  const out: SarifResult[] = [];
  controls.forEach((c, ruleIndex) => {
    // A built-in control's YAML is not in the scanned repository; its findings are anchored to the
    // configuration that put it in scope, when that file is in the repository, so GitHub can show them.
    const configFile = r.run.config.file;
    const anchor = c.builtin && configFile && isInside(configFile, repoRoot) ? configFile : c.source;
    const controlLocation = location(controlUri(anchor, repoRoot));
    const base = { ruleId: c.id, ruleIndex };
    // Incomplete evidence is one result at the control, whether it left the control in error or
    // the control fails on what could be read; the fingerprint is the same in both cases.
    if (c.status === 'error' || (c.status === 'fail' && c.incomplete)) {
      const gaps = sortedGaps(c).map((g) => `${g.kind}${g.resource ? ` (${g.resource})` : ''}: ${g.message}`);
      const what = c.status === 'error' ? `${c.id} could not be evaluated: ${c.statusReason}` : `${c.id} fails on incomplete evidence: ${c.statusReason}`;
      out.push({
        ...base,
        level: 'error',
        message: { text: messageText(`${prefix}${what} ${errorActions(c).join(' ')}`) },
        locations: [controlLocation],
        partialFingerprints: { primaryLocationLineHash: fingerprint([c.id, 'evidence-incomplete']) },
        properties: { controlId: c.id, controlStatus: c.status, criteria: [...c.criteria], ...(gaps.length ? { gaps } : {}) },
      });
    }
    const failing = sortFindings(c.findings.filter((f) => f.status === 'fail'));
    for (const f of failing) {
      // Each entry the evidence places (a secret, an unpinned action) is an alert at its own line.
      const placed = (f.occurrences ?? []).flatMap((o) => {
        const loc = evidenceLocation(o.location);
        return loc ? [{ o, loc }] : [];
      });
      for (const { o, loc } of placed) {
        out.push({
          ...base,
          level: LEVEL[c.severity],
          message: { text: messageText(`${prefix}${f.resource}: ${o.field}: ${o.text}${where(f)}`) },
          locations: [loc],
          partialFingerprints: { primaryLocationLineHash: fingerprint([c.id, f.resource, o.location!.file, o.field, o.text]) },
          properties: { ...findingProperties(c, f), entry: o.text },
        });
      }
      // The finding itself, unless its placed entries are the whole deviation.
      const covered = f.entriesOnly && placed.length === (f.occurrences?.length ?? 0) && placed.length > 0 && !entriesNotInResults(f);
      if (covered) continue;
      const text = f.message.includes(f.resource) ? f.message : `${f.resource}: ${f.message}`;
      out.push({
        ...base,
        level: LEVEL[c.severity],
        message: { text: messageText(`${prefix}${text}${where(f)}`) },
        locations: [evidenceLocation(f.location) ?? (isRepoFile(c, f) ? location(encodePath(f.resource)) : controlLocation)],
        partialFingerprints: { primaryLocationLineHash: fingerprint([c.id, f.resource, f.region ?? '', f.account ?? '']) },
        properties: findingProperties(c, f),
      });
    }
    // A control can fail with nothing to point at (an empty population it declares a failure);
    // it must still show up, or the SARIF would read as clean while the run failed.
    if (c.status === 'fail' && failing.length === 0) {
      out.push({
        ...base,
        level: LEVEL[c.severity],
        message: { text: messageText(`${prefix}${c.id}: ${c.statusReason}`) },
        locations: [controlLocation],
        partialFingerprints: { primaryLocationLineHash: fingerprint([c.id, 'control']) },
        properties: { controlId: c.id, controlStatus: c.status, criteria: [...c.criteria] },
      });
    }
  });
  return out;
}

function render(r: Results): string {
  const controls = sortControlsById(r.controls);
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: r.tool.name,
            version: r.tool.version,
            rules: controls.map(rule),
          },
        },
        automationDetails: { id: 'soc2/' },
        results: results(r, controls),
        properties: {
          runId: r.run.id,
          reportType: r.run.reportType,
          period: { start: r.run.period.start, end: r.run.period.end },
          failOn: r.run.failOn,
          exitCode: r.summary.exitCode,
          sample: r.run.sample,
          ...(r.run.sample ? { notice: `${SAMPLE_TITLE} ${SAMPLE_NOTICE}` } : {}),
          pointInTime: pointInTimeText(r.run),
          provenance: r.run.provenance ? whoRanIt(r.run.provenance) : NOT_RECORDED,
          attestation: attestationText(r.run.attestation),
          // Last, as in every report: what was read, kept, redacted and minimised.
          dataHandling: r.dataHandling ? { statement: dataHandlingParagraph(r.dataHandling), ...r.dataHandling } : dataHandlingParagraph(undefined),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

export const sarif: Renderer = {
  format: 'sarif',
  extension: '.sarif',
  fileName: 'results.sarif',
  render,
};

/** Who ran it: each source's identity and the CI job, without the requests made to learn them. */
function whoRanIt(p: NonNullable<Results['run']['provenance']>): Record<string, unknown> {
  const { calls: _calls, ...who } = p;
  return who;
}
