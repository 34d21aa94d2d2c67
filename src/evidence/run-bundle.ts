/**
 * What `soc2 run` adds around the report directory: the attestation of every file it wrote
 * (attestation.intoto.jsonl, signed with --sign or SOC2_SIGNING_KEY, else unsigned), the link to
 * the previous run's statement, and with --encrypt-to the age-encrypted copy of the bundle beside
 * --out (<out>.tar.age). The attestation replaces evidence/manifest.json: one list of the run's
 * files, the statement, which `soc2 verify` checks (it still reads older directories' manifests).
 *
 * --encrypt-to keeps the plaintext report at --out: it is the user's own output on their own
 * machine (CI reads junit.xml, a person opens report.html), and the encrypted file is the copy to
 * send. --encrypt-only is for when no plaintext may stay on disk: the report is written only into
 * the encrypted file, --out is left as it was, and the staging directory is removed.
 */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { InputFileError, MAX_MANIFEST_BYTES, readInputFile } from '../input-file.js';
import type { Results, RunAttestation } from '../results.js';
import { ATTESTATION_FILE, predicateFromResults, sha256Hex, writeAttestation } from './attestation.js';
import { parseEnvelope } from './dsse.js';
import { loadSigningKey, SIGNING_KEY_ENV, type SigningKey } from './keys.js';
import { REPORT_MARKER, type StagedReport } from './out-dir.js';
import { entryKindAt } from './walk.js';

export interface BundleOptions {
  /** --sign KEY: a private key file; absent, SOC2_SIGNING_KEY in `env` is used when set. */
  signKeyFile?: string;
  /** Read for SOC2_SIGNING_KEY. */
  env: NodeJS.ProcessEnv;
  /** --encrypt-to: age recipients (age1…). */
  encryptTo?: string[];
  /** --encrypt-only: no plaintext report at --out. */
  encryptOnly?: boolean;
}

export interface PreparedBundle {
  key: SigningKey | undefined;
  recipients: string[];
  encryptOnly: boolean;
}

/**
 * Checks the key and the recipients before anything is collected: a bad key or a typo in a
 * recipient is a usage error (exit 2) now, not after a long run.
 */
export async function prepareBundle(opts: BundleOptions): Promise<PreparedBundle> {
  // age is loaded only when a run encrypts.
  const recipients = opts.encryptTo?.length ? (await import('./encrypt.js')).parseRecipients(opts.encryptTo) : [];
  if (opts.encryptOnly && !recipients.length) {
    throw new UsageError('--encrypt-only needs --encrypt-to: without a recipient the report would be written nowhere.', 'Pass --encrypt-to with the auditor\'s age public key (age1…), or drop --encrypt-only.');
  }
  return { key: loadSigningKey({ file: opts.signKeyFile, env: opts.env }), recipients, encryptOnly: opts.encryptOnly === true };
}

/** The encrypted copy's path: beside --out, named after it. */
export function encryptedPathFor(outDir: string): string {
  return `${outDir.replace(/[/\\]+$/, '')}.tar.age`;
}

/**
 * The digest of the statement in a report directory (what the next run links to), read without
 * following a link and within a size limit; null when there is none or it is not an envelope.
 * This is "the run's statement digest" a history of runs can key on.
 */
export function statementDigestOf(reportDir: string): { sha256: string } | null {
  if (entryKindAt(reportDir, ATTESTATION_FILE) !== 'file') return null;
  let bytes: Buffer;
  try {
    bytes = readInputFile(join(reportDir, ATTESTATION_FILE), { display: ATTESTATION_FILE, maxBytes: MAX_MANIFEST_BYTES, what: 'attestation' });
  } catch (e) {
    if (e instanceof InputFileError) return null;
    throw e;
  }
  try {
    const parsed = parseEnvelope(JSON.parse(bytes.toString('utf8')));
    return parsed.ok ? { sha256: sha256Hex(parsed.payload) } : null;
  } catch {
    return null;
  }
}

/** What results.json says about the attestation, before it is written (the reports show it). */
export function runAttestationFor(bundle: PreparedBundle, previous: { sha256: string } | null): RunAttestation {
  return {
    file: ATTESTATION_FILE,
    signature: bundle.key ? { state: 'signed', keyid: bundle.key.keyid } : { state: 'unsigned' },
    previousStatement: previous,
  };
}

export interface SealedBundle {
  /** SHA-256 of this run's statement. */
  statementSha256: string;
  /** Subjects attested. */
  files: number;
}

/**
 * Writes the attestation into the staging directory: every file the run wrote (from the staged
 * written list, never a directory walk) except the marker, which says nothing about the run and
 * which CI artifact uploads skip as a hidden file.
 */
export function sealBundle(staged: StagedReport, results: Results, bundle: PreparedBundle): SealedBundle {
  const files = staged.written().filter((f) => f.path !== REPORT_MARKER).map(({ path, sha256 }) => ({ path, sha256 }));
  const written = writeAttestation({
    dir: staged.root,
    files,
    predicate: predicateFromResults(results, results.run.attestation?.previousStatement ?? null),
    ...(bundle.key ? { key: bundle.key } : {}),
  });
  return { statementSha256: written.statementSha256, files: files.length };
}

/**
 * The age-encrypted copy of a sealed report directory: the statement and every attested file, as
 * a deterministic tar streamed into the cipher and a temp file renamed into place (no plaintext
 * copy on disk, no partial file on failure). An existing file at `outFile` is replaced: it is the
 * encrypted twin of the report this run replaces.
 */
export async function encryptReport(dir: string, files: readonly string[], recipients: readonly string[], outFile: string): Promise<number> {
  const paths = [...files, ATTESTATION_FILE].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const [{ encryptToFile }, { tarStream }] = await Promise.all([import('./encrypt.js'), import('./tar.js')]);
  return encryptToFile(tarStream(dir, paths), recipients, outFile, true);
}

/**
 * Seals the staged report and puts it where it goes: swapped in at --out (then, with recipients,
 * encrypted beside it from there), or with --encrypt-only encrypted from the staging directory
 * and never swapped in. Returns the encrypted file's path, when one was written.
 */
export async function finishReport(
  staged: StagedReport, results: Results, bundle: PreparedBundle, outDir: string, warn: (message: string) => void,
  /** Runs once the attestation is written and before the report is swapped in or encrypted (e.g. recording it in history). */
  sealed?: (bundle: SealedBundle) => void,
): Promise<string | undefined> {
  const written = sealBundle(staged, results, bundle);
  sealed?.(written);
  const attested = staged.written().map((f) => f.path).filter((p) => p !== REPORT_MARKER);
  const encrypted = encryptedPathFor(outDir);
  if (bundle.encryptOnly) {
    await encryptReport(staged.root, attested, bundle.recipients, encrypted);
    return encrypted;
  }
  const leftover = staged.commit();
  if (leftover) warn(leftover);
  if (!bundle.recipients.length) return undefined;
  await encryptReport(outDir, attested, bundle.recipients, encrypted);
  return encrypted;
}

/** What the run did with the attestation and the encrypted copy, in the words a user acts on (one line each). */
export function bundleNote(results: Results, bundle: PreparedBundle, display: string, encryptedShown: string | undefined): string[] {
  const lines = [
    bundle.key
      ? `Attestation: signed with key ${bundle.key.keyid} (${bundle.key.origin}); check with \`soc2 verify ${display} --key KEY.pub\`.`
      : `Attestation: UNSIGNED (no --sign and no ${SIGNING_KEY_ENV}); \`soc2 verify ${display} --allow-unsigned\` checks the files only.`,
  ];
  if (encryptedShown) {
    const to = bundle.recipients.length === 1 ? 'one recipient' : `${bundle.recipients.length} recipients`;
    lines.push(bundle.encryptOnly
      ? `Encrypted: ${encryptedShown}, to ${to}. No plaintext report was written (--encrypt-only); --out ${display} is as it was.`
      : `Encrypted: ${encryptedShown}, to ${to}. The plaintext report stays in ${display.replace(/[/\\]+$/, '')}/ (pass --encrypt-only to write only the encrypted file).`);
  }
  if (results.dataHandling?.minimised) lines.push(`Personal data minimised: ${results.dataHandling.minimised.identities} identifiers replaced by keyed hashes (the key was not kept).`);
  return lines;
}
