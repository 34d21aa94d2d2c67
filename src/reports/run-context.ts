/**
 * The words every report uses for the run itself — that it is one point-in-time test inside the
 * period, who ran it, how it is attested, and the data-handling statement — as plain text, so
 * Markdown, HTML, JUnit, SARIF and OSCAL say the same thing and each only escapes it its own way.
 */
import type { DataHandling, Provenance, Results, RunAttestation } from '../results.js';
import type { Phrase } from '../collectors/types.js';
import { sourceAbout, sourceIds } from '../collectors/sources.js';
import { plural } from '../text.js';
import { periodText } from './format.js';

type Run = Results['run'];

/**
 * The one sentence about what a single run shows. The history view (several runs across the
 * period) is where operating effectiveness over a period is shown; one run never claims it.
 */
export function pointInTimeText(run: Pick<Run, 'reportType' | 'period' | 'startedAt'>): string {
  return `This run is a point-in-time test inside the period (${periodText(run)}): it shows how the controls stood when the evidence was collected (${run.startedAt}), not how they operated across the whole period.`;
}

/** The "Report type" line of the human reports. */
export function reportTypeLine(run: Pick<Run, 'reportType' | 'period'>): string {
  return run.reportType === 'type1'
    ? `Type 1 — controls in place as of ${run.period.end}`
    : `Type 2 period ${run.period.start} to ${run.period.end} — this run is one point-in-time test inside it`;
}

export const NOT_RECORDED = 'not recorded (these results were written by a soc2 version that did not record it)';

/** [label, text] pairs: who ran the assessment, in each source's words, then the CI job. */
export function provenanceLines(p: Provenance | undefined): Array<[string, string]> {
  if (!p) return [['Who ran it', NOT_RECORDED]];
  const who = p as Record<string, unknown>;
  const lines: Array<[string, string]> = [];
  for (const id of sourceIds()) {
    const identity = sourceAbout(id)?.identity;
    if (identity) lines.push([identity.label, identity.text(who[id] ?? { state: 'not-in-scope' })]);
  }
  return [...lines, ['CI job', ciText(p.ci)]];
}

/** [label, words] per source: what the run covered there, or that it was not in scope. */
export function scopeEntries(scope: Results['run']['scope']): Array<[string, Phrase[]]> {
  const entries = scope as Record<string, unknown>;
  return sourceIds().flatMap((id): Array<[string, Phrase[]]> => {
    const about = sourceAbout(id);
    return about ? [[about.label, about.scopeText(entries[id] ?? null)]] : [];
  });
}

/** Name/value facts per source for machine formats (OSCAL properties): the scope, then who the run acted as. */
export function sourceProperties(run: Pick<Results['run'], 'scope' | 'provenance'>): { scope: Array<[string, string | undefined]>; identity: Array<[string, string | undefined]> } {
  const scope = run.scope as Record<string, unknown>;
  const who = run.provenance as Record<string, unknown> | undefined;
  const out = { scope: [] as Array<[string, string | undefined]>, identity: [] as Array<[string, string | undefined]> };
  for (const id of sourceIds()) {
    const about = sourceAbout(id);
    out.scope.push(...(about?.scopeProperties?.(scope[id] ?? null) ?? []));
    if (who && about?.identity?.properties) out.identity.push(...about.identity.properties(who[id] ?? { state: 'not-in-scope' }));
  }
  return out;
}

export function ciText(ci: Provenance['ci']): string {
  if (!ci) return 'none — not run in GitHub Actions or GitLab CI (no CI variables set)';
  const system = ci.system === 'github-actions' ? 'GitHub Actions' : 'GitLab CI';
  const v = (x: string | null) => x ?? 'not set';
  return `${system}: repository ${v(ci.repository)}, ${ci.system === 'github-actions' ? 'workflow' : 'job'} ${v(ci.workflow)}, run ${v(ci.runId)}${ci.runUrl ? ` (${ci.runUrl})` : ''}, commit ${v(ci.commit)}${ci.ref ? `, ref ${ci.ref}` : ''}`;
}

/** The attestation and its signature as they were when the report was written. */
export function attestationText(a: RunAttestation | undefined): string {
  if (!a) return `${NOT_RECORDED}; an older run lists its files in evidence/manifest.json`;
  const previous = a.previousStatement ? ` It links to the previous run's statement (sha256 ${a.previousStatement.sha256}).` : '';
  return a.signature.state === 'signed'
    ? `Signed when this report was written: ${a.file} holds the in-toto statement of every file of this run (name and SHA-256) in a DSSE envelope signed with Ed25519 key ${a.signature.keyid}. Check it with: soc2 verify DIR --key KEY.pub.${previous}`
    : `Unsigned when this report was written: ${a.file} holds the in-toto statement of every file of this run (name and SHA-256), but no signature, so nothing proves who wrote it. Run with --sign KEY (or SOC2_SIGNING_KEY) to sign; check this one with: soc2 verify DIR --allow-unsigned.${previous}`;
}

export interface DataHandlingText {
  /** One line per host read. */
  read: string[];
  /** One line per collector: the fields its evidence keeps. */
  kept: string[];
  /** Sentences on redaction, minimisation and manual files. */
  changed: string[];
  /** The closing sentence: nothing went anywhere else. */
  nowhereElse: string;
}

export const SENT_NOWHERE_ELSE =
  'Nothing was sent anywhere else: soc2 sent requests only to the hosts listed here, has no telemetry and no service of its own, and wrote what it read only into this report directory (and, with --encrypt-to, the encrypted copy beside it).';

const SOURCE_TEXT: Record<string, string> = {
  'aws-config': 'AWS Config',
  'aws-sts': 'AWS STS',
  'github-rest': 'GitHub REST API',
  'github-graphql': 'GitHub GraphQL API',
};

export function dataHandlingText(d: DataHandling | undefined): DataHandlingText | undefined {
  if (!d) return undefined;
  const read = d.endpoints.length
    ? d.endpoints.map((e) => e.source === 'local'
      ? `${e.host}: ${plural(e.requests, 'read')} — ${e.operations.map((o) => `${o.operation} ×${o.requests}`).join(', ')}`
      : `${e.host} (${SOURCE_TEXT[e.source] ?? e.source}): ${plural(e.requests, 'request')} — ${e.operations.map((o) => `${o.operation} ×${o.requests}`).join(', ')}`)
    : ['No endpoint was read.'];
  const kept = d.fieldsKept.map((f) => `${f.collector}: ${f.fields.length ? f.fields.join(', ') : 'no resource fields'}`);
  const changed = [
    d.redacted
      ? `${plural(d.redacted, 'secret-shaped value')} (tokens, keys, passwords) ${d.redacted === 1 ? 'was' : 'were'} replaced by [REDACTED…] before anything was written.`
      : 'No secret-shaped value (token, key, password) was found to redact.',
    d.minimised
      ? `--minimize-pii: ${plural(d.minimised.identities, 'identifier')} (${d.minimised.kinds.join(', ') || 'none found'}) ${d.minimised.identities === 1 ? 'was' : 'were'} replaced by keyed hashes in ${plural(d.minimised.replacements, 'place')}; the key was random for this run and was not kept.`
      : 'Personal data was not minimised: e-mail addresses, logins and names appear as the systems returned them (run with --minimize-pii to replace them with keyed hashes).',
  ];
  if (d.manualFiles) changed.push(`${plural(d.manualFiles, 'file')} named in the attestations file ${d.manualFiles === 1 ? 'was' : 'were'} copied unchanged into evidence/manual/.`);
  return { read, kept, changed, nowhereElse: SENT_NOWHERE_ELSE };
}

/** The statement as one paragraph, for formats without structure (JUnit, OSCAL, SARIF). */
export function dataHandlingParagraph(d: DataHandling | undefined): string {
  const t = dataHandlingText(d);
  if (!t) return `Data handling: ${NOT_RECORDED}.`;
  return [`Data handling. Read: ${t.read.join('; ')}.`, `Kept: ${t.kept.join('; ') || 'no evidence files'}.`, ...t.changed, t.nowhereElse].join(' ');
}
