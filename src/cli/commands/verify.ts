/**
 * `soc2 verify`: check a report directory offline. A directory with `attestation.intoto.jsonl`
 * is verified against its statement (signature, every subject, no file added). A directory that
 * has only the older `evidence/manifest.json` (written by soc2 before runs wrote the attestation)
 * is still re-hashed against it, with a warning that such a manifest is unsigned and blind to
 * added files.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { verifyManifest } from '../../evidence/write.js';
import { ATTESTATION_FILE } from '../../evidence/attestation.js';
import { loadVerifyKey } from '../../evidence/keys.js';
import { verifyBundle, type BundleVerification, type SignatureStatus } from '../../evidence/verify-bundle.js';
import { entryKindAt } from '../../evidence/walk.js';
import { UsageError, Soc2Error } from '../../errors.js';
import { readJsonDocument, type JsonDocument } from '../../json-input.js';
import { InputFileError, MAX_MANIFEST_BYTES } from '../../input-file.js';
import { printableLine } from '../../printable.js';
import { z } from 'zod';

class VerificationFailed extends Soc2Error {
  readonly code = 'SOC2_EVIDENCE_MODIFIED';
  readonly exitCode = 1;
}

export interface VerifyCommandOptions {
  key?: string;
  allowUnsigned?: boolean;
}

export async function verifyCommand(dir: string, opts: VerifyCommandOptions = {}): Promise<void> {
  const abs = resolve(process.cwd(), dir);
  // The key is read first: an unreadable key is a usage error whatever the directory holds.
  const publicKey = opts.key === undefined ? undefined : loadVerifyKey(opts.key);
  assertDirectory(abs, dir);
  const hasStatement = entryKindAt(abs, ATTESTATION_FILE) !== 'missing';
  const hasManifest = existsSync(join(abs, 'evidence', 'manifest.json'));
  if (!hasStatement && !hasManifest) {
    throw new UsageError(`${dir} has neither ${ATTESTATION_FILE} nor evidence/manifest.json: it is not a soc2 report directory.`, 'Pass the directory a `soc2 run` wrote (default soc2-report).');
  }
  if (hasStatement) {
    reportBundle(dir, verifyBundle(abs, { publicKey, allowUnsigned: opts.allowUnsigned === true }));
    return;
  }
  if (publicKey) {
    throw new VerificationFailed(`${dir} has no signed attestation (${ATTESTATION_FILE}), only an unsigned evidence/manifest.json: there is no signature to check with ${opts.key}.`, 'Ask for a signed report, or verify without --key (the manifest check then shows only that the listed files are unchanged).');
  }
  verifyLegacyManifest(abs, dir);
}

function reportBundle(dir: string, r: BundleVerification): void {
  if (!r.ok) {
    const lines = r.problems.map((p) => `  ${p.kind.padEnd(11)} ${printableLine(p.message)}`);
    throw new VerificationFailed(
      `${dir} does not verify: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}.\n${lines.join('\n')}\n${signatureLine(r.signature)}`,
      'Treat the files named above as not produced by the run; ask for the original bundle or re-run soc2.',
    );
  }
  const out = [
    signatureLine(r.signature),
    `Every one of the ${r.subjects} files the statement lists matches its SHA-256, and the directory holds no other file.`,
    runLine(r.predicate),
  ].filter(Boolean);
  process.stdout.write(`${dir}: verified.\n${out.join('\n')}\n`);
}

function signatureLine(s: SignatureStatus): string {
  switch (s.state) {
    case 'verified':
      return `Signature: valid, by the key in ${s.keyOrigin} (keyid ${s.keyid}).`;
    case 'invalid':
      return `Signature: does not verify with ${s.keyOrigin} (keyid ${s.keyid}).`;
    case 'not-checked':
      return `Signature: present (keyid ${s.envelopeKeyids.join(', ')}) but NOT checked: no --key was given.`;
    case 'unsigned':
      return 'Signature: none. The bundle is UNSIGNED: the file checks show it is consistent with its statement, not who wrote the statement.';
    case 'unreadable':
      return 'Signature: not checked, the statement could not be read.';
  }
}

function runLine(predicate: unknown): string {
  const p = predicate as { tool?: { version?: unknown }; run?: { id?: unknown; sample?: unknown }; period?: { start?: unknown; end?: unknown } } | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? printableLine(v) : '?');
  if (!p?.run) return '';
  return `Run ${str(p.run.id)} by soc2 ${str(p.tool?.version)}, period ${str(p.period?.start)} to ${str(p.period?.end)}${p.run.sample === true ? ' (SAMPLE DATA from soc2 demo)' : ''}.`;
}

/** The older, unsigned manifest: re-hashes the files it lists. */
function verifyLegacyManifest(abs: string, dir: string): void {
  const display = `${dir.replace(/\/+$/, '')}/evidence/manifest.json`;
  const problems = legacyManifestProblems(abs, display);
  if (problems.length) throw new VerificationFailed(`${problems.length} file(s) do not match the manifest:\n${problems.map((p) => '  ' + printableLine(p)).join('\n')}`, 'The evidence was changed after the run; re-run soc2 to produce trustworthy evidence.');
  process.stdout.write(`Every file listed in ${printableLine(display)} matches its SHA-256.\n`);
  process.stdout.write(`Note: ${printableLine(dir)} has no ${ATTESTATION_FILE}. An evidence manifest is unsigned and does not list files added later, so this check cannot show that nothing else changed.\n`);
}

/** A listed path names a file inside the report directory: relative, '/'-separated, never climbing out. */
const insideReport = (p: string) => p !== '' && !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.includes('\\') && !p.includes('\0')
  && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');

/** The part of the legacy manifest verify relies on; anything else in it is not checked here. */
const manifestSchema = z.object({
  files: z.array(z.object({
    path: z.string().refine(insideReport, 'expected a path inside the report directory'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex digits'),
    size: z.number().int().nonnegative(),
  })),
});

/** Reading the legacy manifest goes through here: a malformed or hostile file is exit 2, located. */
function legacyManifestProblems(abs: string, display: string): string[] {
  let doc: JsonDocument;
  try {
    doc = readJsonDocument(join(abs, 'evidence', 'manifest.json'), { display, maxBytes: MAX_MANIFEST_BYTES, what: 'evidence manifest' });
  } catch (e) {
    if (e instanceof InputFileError) throw new InputFileError(e.problem, e.issue, 'The manifest is damaged or was replaced: re-run soc2 to produce trustworthy evidence.');
    throw e;
  }
  const parsed = manifestSchema.safeParse(doc.value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    const { line, col } = doc.locate(first.path);
    throw new UsageError(`${display}:${line}:${col} is not a soc2 evidence manifest (${printableLine(`${where || 'top level'}: ${first.message}`)}).`, 'The manifest is damaged or was replaced: re-run soc2 to produce trustworthy evidence.');
  }
  return verifyManifest(abs, parsed.data);
}

function assertDirectory(abs: string, dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new UsageError(`${dir} does not exist.`, 'Pass the report directory a `soc2 run` wrote (default soc2-report).');
  }
  if (!isDir) throw new UsageError(`${dir} is not a directory.`, 'Pass the report directory a `soc2 run` wrote, not a file in it.');
}
