/**
 * Manual controls carry their evidence: the file the configuration names under `attestations`
 * says, per manual control, who attests which of its `evidenceRequired` records, when, until when,
 * with which files (copied into the bundle under evidence/manual/ and hashed like collected
 * evidence) or links. A control whose every required record is covered by an attestation in
 * force is `attested`, never `pass`; otherwise it stays `manual` and says exactly what is missing
 * or expired.
 *
 * The file comes from the repository (a pull request can change it), so it is read like the
 * configuration: the safe reader, located errors (exit 2, file:line), and evidence files only from
 * inside the configuration's directory — a file named here is copied into a bundle that may be
 * uploaded or sent to an auditor, so `../../.ssh/id_ed25519` must never be reachable.
 */
import { realpathSync } from 'node:fs';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { Control } from '../controls/schema.js';
import { ConfigError, type SourceIssue } from '../errors.js';
import { InputFileError, readInputFile } from '../input-file.js';
import type { ControlResult, ManualAttestation, ManualEvidenceItem } from '../results.js';
import { issueAt, locate, readYamlFile, zodIssuesToSource, type YamlSource } from '../yaml-source.js';
import { isCalendarDate } from '../config/load.js';
import { sha256 } from './write.js';

/** A policy PDF or an exported ticket; far beyond that, the file is probably not what was meant. */
export const MAX_MANUAL_FILE_BYTES = 25 * 1024 * 1024;

const REMEDIATION =
  'Fix the attestations file: each entry needs control, covers (the numbers of the evidenceRequired items it covers), attestedBy, attestedOn and validUntil (YYYY-MM-DD), and evidence (a list of file: or link: items).';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD');
const evidenceItem = z.union([
  z.strictObject({ file: z.string().min(1).describe('Path relative to the directory of soc2.config.yaml.') }),
  z.strictObject({ link: z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL') }),
]);
const entrySchema = z.strictObject({
  control: z.string().regex(/^[A-Z][A-Z0-9]*-\d{3}$/, 'expected a control id like MAN-001'),
  covers: z.array(z.number().int().positive()).min(1)
    .describe('Which evidenceRequired items (numbered from 1, as in the report) this attestation covers, e.g. [1, 3].'),
  attestedBy: z.string().min(2).describe('Who attests: a name and role.'),
  attestedOn: date,
  validUntil: date,
  evidence: z.array(evidenceItem).min(1),
  note: z.string().optional(),
});
export const attestationsFileSchema = z.strictObject({ attestations: z.array(entrySchema) });

/** One file to copy into the bundle, read once (what is hashed is what is copied). */
export interface ManualFile {
  path: string;
  bytes: Buffer;
}

export interface LoadedAttestations {
  /** How the file is named in messages. */
  display: string;
  /** Per control id, its attestations in file order. */
  byControl: Map<string, ManualAttestation[]>;
  /** Every distinct file to write under evidence/manual/. */
  files: ManualFile[];
}

export interface LoadAttestationsOptions {
  /** Absolute path of the attestations file. */
  file: string;
  display: string;
  /** Directory evidence file paths are relative to (the configuration's), and must stay inside. */
  baseDir: string;
  /** Every loaded control, to check ids and item numbers against. */
  controls: readonly Control[];
  /** The day of the run, YYYY-MM-DD (UTC). */
  today: string;
}

export function loadAttestations(opts: LoadAttestationsOptions): LoadedAttestations {
  const src = readYamlFile(opts.file, opts.display, { what: 'attestations file', remediation: 'Point `attestations` in soc2.config.yaml at a regular YAML file.' });
  if (src.syntaxIssues.length) throw new ConfigError(src.syntaxIssues, REMEDIATION);
  const parsed = attestationsFileSchema.safeParse(src.value ?? {});
  if (!parsed.success) throw new ConfigError(zodIssuesToSource(src, parsed.error.issues, { schema: attestationsFileSchema }), REMEDIATION);

  const controls = new Map(opts.controls.map((c) => [c.id, c]));
  const issues: SourceIssue[] = [];
  const byControl = new Map<string, ManualAttestation[]>();
  const files = new Map<string, ManualFile>();
  for (const [i, entry] of parsed.data.attestations.entries()) {
    const at = (key: string | number, ...more: Array<string | number>) => ['attestations', i, key, ...more];
    const control = controls.get(entry.control);
    if (!control) {
      issues.push(issueAt(src, at('control'), `no loaded control has the id ${entry.control}.`, 'value'));
      continue;
    }
    if (control.type !== 'manual') {
      issues.push(issueAt(src, at('control'), `${entry.control} is an automated control; only manual controls take attestations (automated ones collect their own evidence).`, 'value'));
      continue;
    }
    const required = control.evidenceRequired ?? [];
    const covers = [...new Set(entry.covers)].sort((a, b) => a - b);
    for (const n of covers) {
      if (n > required.length) issues.push(issueAt(src, at('covers'), `${entry.control} lists ${required.length} evidenceRequired item${required.length === 1 ? '' : 's'}; there is no item ${n}.`, 'value'));
    }
    const dates = checkDates(src, entry, i, opts.today);
    issues.push(...dates);
    const evidence: ManualEvidenceItem[] = [];
    for (const [j, item] of entry.evidence.entries()) {
      if ('link' in item) {
        evidence.push({ kind: 'link', url: item.link });
        continue;
      }
      const copied = readManualFile(src, at('evidence', j, 'file'), item.file, opts.baseDir, entry.control);
      if ('issue' in copied) {
        issues.push(copied.issue);
        continue;
      }
      files.set(copied.file.path, copied.file);
      evidence.push({ kind: 'file', file: copied.file.path, source: item.file, sha256: copied.sha256, size: copied.file.bytes.length });
    }
    const record: ManualAttestation = {
      at: `${src.file}:${locate(src, ['attestations', i]).line}`,
      attestedBy: entry.attestedBy.trim(),
      attestedOn: entry.attestedOn,
      validUntil: entry.validUntil,
      expired: entry.validUntil < opts.today,
      covers,
      evidence,
      ...(entry.note ? { note: entry.note.trim() } : {}),
    };
    byControl.set(entry.control, [...(byControl.get(entry.control) ?? []), record]);
  }
  if (issues.length) throw new ConfigError(issues, REMEDIATION);
  return { display: opts.display, byControl, files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

function checkDates(src: YamlSource, entry: z.infer<typeof entrySchema>, i: number, today: string): SourceIssue[] {
  const issues: SourceIssue[] = [];
  for (const key of ['attestedOn', 'validUntil'] as const) {
    if (!isCalendarDate(entry[key])) issues.push(issueAt(src, ['attestations', i, key], `"${entry[key]}" is not a calendar date.`, 'value'));
  }
  if (issues.length) return issues;
  if (entry.validUntil < entry.attestedOn) issues.push(issueAt(src, ['attestations', i, 'validUntil'], `the attestation ends (${entry.validUntil}) before it was made (${entry.attestedOn}).`, 'value'));
  if (entry.attestedOn > today) issues.push(issueAt(src, ['attestations', i, 'attestedOn'], `${entry.attestedOn} is after the day of the run (${today}); an attestation cannot be dated in the future.`, 'value'));
  return issues;
}

/**
 * Reads one evidence file named by the attestations file: relative to the configuration's
 * directory and inside it after resolving links, a regular file, at most MAX_MANUAL_FILE_BYTES.
 */
function readManualFile(
  src: YamlSource,
  path: Array<string | number>,
  name: string,
  baseDir: string,
  controlId: string,
): { file: ManualFile; sha256: string } | { issue: SourceIssue } {
  const refuse = (message: string) => ({ issue: issueAt(src, path, message, 'value') });
  if (isAbsolute(name) || /^[A-Za-z]:/.test(name)) return refuse(`"${name}" is an absolute path; name evidence files relative to the directory of soc2.config.yaml.`);
  const abs = resolve(baseDir, name);
  if (!isInside(baseDir, abs)) return refuse(`"${name}" is outside the directory of soc2.config.yaml; soc2 copies evidence files only from inside it.`);
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return refuse(`the file "${name}" does not exist (looked for ${abs}).`);
  }
  let realBase: string;
  try {
    realBase = realpathSync(baseDir);
  } catch {
    realBase = baseDir;
  }
  if (!isInside(realBase, real)) return refuse(`"${name}" leads outside the directory of soc2.config.yaml through a symbolic link; soc2 copies evidence files only from inside it.`);
  let bytes: Buffer;
  try {
    bytes = readInputFile(real, { display: name, maxBytes: MAX_MANUAL_FILE_BYTES, what: 'manual evidence file' });
  } catch (e) {
    if (e instanceof InputFileError) return refuse(`the evidence file ${e.issue.message.replace(/\.$/, '')}.`);
    throw e;
  }
  const digest = sha256(bytes);
  const safe = basename(name).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || 'file';
  // The digest in the name keeps two different files of the same name apart, and one file named twice in one place.
  return { file: { path: `evidence/manual/${controlId}/${digest.slice(0, 12)}-${safe}`, bytes }, sha256: digest };
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Only the attestations of the controls a run evaluates (--only), and only their files. */
export function attestationsFor(loaded: LoadedAttestations, controlIds: ReadonlySet<string>): LoadedAttestations {
  const byControl = new Map([...loaded.byControl].filter(([id]) => controlIds.has(id)));
  const used = new Set([...byControl.values()].flatMap((list) => list.flatMap((a) => a.evidence.flatMap((e) => (e.kind === 'file' ? [e.file] : [])))));
  return { display: loaded.display, byControl, files: loaded.files.filter((f) => used.has(f.path)) };
}

/**
 * A manual control's result with its attestations applied: `attested` when every required record
 * is covered by an attestation in force, else `manual` naming what is missing and what expired.
 * Automated controls, and manual ones nobody attested, are returned unchanged.
 */
export function applyAttestations(result: ControlResult, loaded: LoadedAttestations | undefined): ControlResult {
  if (result.type !== 'manual' || !loaded) return result;
  const attestations = loaded.byControl.get(result.id);
  if (!attestations?.length) return result;
  const required = result.evidenceRequired ?? [];
  const requirements = required.map((item, idx) => {
    const n = idx + 1;
    const covering = attestations.flatMap((a, k) => (a.covers.includes(n) ? [k] : []));
    const state: 'covered' | 'expired' | 'missing' = covering.some((k) => !attestations[k]!.expired) ? 'covered' : covering.length ? 'expired' : 'missing';
    return { item, state, attestations: covering };
  });
  const manualEvidence = { requirements, attestations };
  const inForce = attestations.filter((a) => !a.expired);
  if (required.length > 0 && requirements.every((r) => r.state === 'covered')) {
    const who = inForce.filter((a) => requirements.some((r) => r.attestations.includes(attestations.indexOf(a))));
    return {
      ...result,
      status: 'attested',
      statusReason: `Attested by ${who.map((a) => `${a.attestedBy} on ${a.attestedOn} (valid until ${a.validUntil})`).join('; ')}: every required record is attached. An attestation is a person's statement, not an automated test; the auditor examines the records.`,
      manualEvidence,
    };
  }
  const missing = requirements.flatMap((r, i) => (r.state === 'missing' ? [i + 1] : []));
  const expired = requirements.flatMap((r, i) => (r.state === 'expired' ? [i + 1] : []));
  const parts = [`Attestations cover ${requirements.filter((r) => r.state === 'covered').length} of ${required.length} required records`];
  if (missing.length) parts.push(`nobody attested item${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  if (expired.length) parts.push(`the attestation of item${expired.length === 1 ? '' : 's'} ${expired.join(', ')} expired (${[...new Set(expired.flatMap((n) => requirements[n - 1]!.attestations.map((k) => attestations[k]!.validUntil)))].sort().join(', ')})`);
  return { ...result, status: 'manual', statusReason: `${parts.join('; ')}. Attach the missing records to the attestations file.`, manualEvidence };
}
