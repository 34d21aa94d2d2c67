/**
 * Offline verification of a report bundle against its attestation: the signature over the
 * statement, then every subject, then every file that is not a subject. Each problem names the
 * file and what happened to it (changed, missing, added, a symbolic link, …) so an auditor can see
 * exactly what differs from what the run attested. Nothing here follows a symbolic link or opens a
 * path a statement names unless that path is a plain relative path inside the bundle.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { ATTESTATION_FILE, hashBundleFile } from './attestation.js';
import { IN_TOTO_PAYLOAD_TYPE, parseEnvelope, verifiedSignatures, type Envelope } from './dsse.js';
import type { VerifyKey } from './keys.js';
import { parseStatement } from './statement.js';
import { entryKindAt, walkBundle } from './walk.js';
import { MARKER_TEXT, REPORT_MARKER } from './out-dir.js';
import { InputFileError, MAX_MANIFEST_BYTES, decodeUtf8, readInputFile } from '../input-file.js';

export type ProblemKind = 'signature' | 'unsigned' | 'statement' | 'bad-subject' | 'changed' | 'missing' | 'added' | 'symlink' | 'not-a-file';

export interface BundleProblem {
  kind: ProblemKind;
  /** The bundle file concerned; absent for problems of the signature or the statement as a whole. */
  path?: string;
  message: string;
}

export type SignatureStatus =
  | { state: 'verified'; keyid: string; keyOrigin: string }
  | { state: 'invalid'; keyid: string; keyOrigin: string; envelopeKeyids: string[] }
  | { state: 'not-checked'; envelopeKeyids: string[] }
  | { state: 'unsigned' }
  | { state: 'unreadable' };

export interface BundleVerification {
  /** True only when the signature (or the explicit allowance of an unsigned bundle) and every file check hold. */
  ok: boolean;
  signature: SignatureStatus;
  /** Subjects the statement lists, and how many of them matched their file byte for byte. */
  subjects: number;
  matched: number;
  problems: BundleProblem[];
  /** The statement's predicate as written (for display; check `signature` before trusting it). */
  predicate?: unknown;
}

export interface VerifyBundleOptions {
  publicKey?: VerifyKey;
  allowUnsigned: boolean;
}

/** The directory has no attestation to verify. A usage error: the wrong directory was given. */
export class NoStatementError extends UsageError {}

export function verifyBundle(dir: string, opts: VerifyBundleOptions): BundleVerification {
  assertDirectory(dir);
  const problems: BundleProblem[] = [];
  const fail = (signature: SignatureStatus): BundleVerification => ({ ok: false, signature, subjects: 0, matched: 0, problems });

  const kind = entryKindAt(dir, ATTESTATION_FILE);
  if (kind === 'missing') throw new NoStatementError(`${dir} has no ${ATTESTATION_FILE}.`, 'Pass the report directory a signed `soc2 run` wrote.');
  if (kind !== 'file') {
    problems.push({ kind: kind === 'symlink' ? 'symlink' : 'not-a-file', path: ATTESTATION_FILE, message: `${ATTESTATION_FILE} is ${kind === 'symlink' ? 'a symbolic link' : 'not a regular file'}; the statement must be a file in the bundle itself.` });
    return fail({ state: 'unreadable' });
  }

  const envelope = readEnvelope(dir);
  if (!envelope.ok) {
    problems.push({ kind: 'statement', path: ATTESTATION_FILE, message: `${ATTESTATION_FILE} was edited: ${envelope.problem}.` });
    return fail({ state: 'unreadable' });
  }
  const { envelope: env, payload } = envelope;
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    problems.push({ kind: 'statement', path: ATTESTATION_FILE, message: `${ATTESTATION_FILE} was edited: its payloadType is ${JSON.stringify(env.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}.` });
  }

  const signature = checkSignature(env, payload, opts, problems);

  const statement = parseStatement(payload);
  if (!statement.ok) {
    problems.push({ kind: 'statement', path: ATTESTATION_FILE, message: `${ATTESTATION_FILE} does not hold a soc2 run statement: ${statement.problem}.` });
    return fail(signature);
  }
  for (const p of statement.problems) problems.push({ kind: 'bad-subject', message: `The statement is unsafe to follow: ${p}; it was not opened.` });

  let matched = 0;
  const subjectNames = new Set<string>();
  for (const s of statement.subjects) {
    subjectNames.add(s.name);
    if (s.name === ATTESTATION_FILE) {
      problems.push({ kind: 'bad-subject', path: s.name, message: `The statement lists ${ATTESTATION_FILE}, which holds the statement itself and cannot be its own subject.` });
      continue;
    }
    const at = entryKindAt(dir, s.name);
    if (at === 'missing') problems.push({ kind: 'missing', path: s.name, message: `${s.name}: attested by the run but missing.` });
    else if (at === 'symlink' || at === 'symlink-in-path') problems.push({ kind: 'symlink', path: s.name, message: `${s.name}: ${at === 'symlink' ? 'is' : 'lies under'} a symbolic link; soc2 never follows links in a bundle.` });
    else if (at === 'other') problems.push({ kind: 'not-a-file', path: s.name, message: `${s.name}: attested as a file but is not a regular file.` });
    else if (hashBundleFile(dir, s.name) !== s.sha256) problems.push({ kind: 'changed', path: s.name, message: `${s.name}: contents changed since the run (sha256 differs from the statement).` });
    else matched++;
  }

  for (const entry of walkBundle(dir)) {
    if (entry.path === ATTESTATION_FILE || subjectNames.has(entry.path)) continue;
    // The marker that lets the next run replace the directory is not attested (CI uploads skip
    // hidden files); it is allowed only with its fixed text, so nothing can be smuggled in it.
    if (entry.path === REPORT_MARKER && entry.kind === 'file' && isPristineMarker(dir)) continue;
    if (entry.kind === 'file') problems.push({ kind: 'added', path: entry.path, message: `${entry.path}: not attested by the run (added after it, or left out of the statement).` });
    else if (entry.kind === 'symlink') problems.push({ kind: 'symlink', path: entry.path, message: `${entry.path}: a symbolic link in the bundle; soc2 never follows links in a bundle.` });
    else problems.push({ kind: 'not-a-file', path: entry.path, message: `${entry.path}: not a regular file (a device, socket or pipe) in the bundle.` });
  }

  return { ok: problems.length === 0, signature, subjects: statement.subjects.length + statement.problems.length, matched, problems, predicate: statement.predicate };
}

function isPristineMarker(dir: string): boolean {
  try {
    return readInputFile(join(dir, REPORT_MARKER), { display: REPORT_MARKER, maxBytes: Buffer.byteLength(MARKER_TEXT), what: 'report marker' }).toString('utf8') === MARKER_TEXT;
  } catch {
    return false;
  }
}

function assertDirectory(dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${dir} does not exist.`, 'Pass the report directory a `soc2 run` wrote (default soc2-report).');
  }
  if (!isDir) throw new UsageError(`${dir} is not a directory.`, 'Pass the report directory a `soc2 run` wrote, not a file in it.');
}

function readEnvelope(dir: string): ReturnType<typeof parseEnvelope> {
  // Bounded like every other file soc2 is handed: a bundle from someone else may hold a huge or endless "statement".
  let text: string;
  try {
    const opts = { display: ATTESTATION_FILE, maxBytes: MAX_MANIFEST_BYTES, what: 'statement' };
    text = decodeUtf8(readInputFile(join(dir, ATTESTATION_FILE), opts), opts);
  } catch (e) {
    if (e instanceof InputFileError) return { ok: false, problem: `it ${e.issue.message.replace(/\.$/, '')}` };
    throw e;
  }
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (body.includes('\n')) return { ok: false, problem: 'it holds more than one line; soc2 writes one envelope on one line' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { ok: false, problem: `it is not JSON (${(e as Error).message})` };
  }
  const parsed = parseEnvelope(value);
  return parsed.ok ? parsed : { ok: false, problem: `it is not a DSSE envelope: ${parsed.problem}` };
}

function checkSignature(env: Envelope, payload: Buffer, opts: VerifyBundleOptions, problems: BundleProblem[]): SignatureStatus {
  const envelopeKeyids = env.signatures.map((s) => s.keyid || '(none)');
  if (env.signatures.length === 0) {
    if (opts.publicKey) {
      problems.push({ kind: 'unsigned', message: `The bundle is unsigned, but a key was given (${opts.publicKey.origin}): nothing proves the statement came from that key's owner.` });
    } else if (!opts.allowUnsigned) {
      problems.push({ kind: 'unsigned', message: 'The bundle is unsigned: nothing proves who wrote the statement. Pass --allow-unsigned to check its files anyway.' });
    }
    return { state: 'unsigned' };
  }
  if (!opts.publicKey) {
    if (!opts.allowUnsigned) {
      problems.push({ kind: 'signature', message: `The bundle is signed (keyid ${envelopeKeyids.join(', ')}), but no key was given to check it. Pass --key with the signer's public key, or --allow-unsigned to check the files only.` });
    }
    return { state: 'not-checked', envelopeKeyids };
  }
  const key = opts.publicKey;
  if (verifiedSignatures(env, payload, key.publicKey).length > 0) return { state: 'verified', keyid: key.keyid, keyOrigin: key.origin };
  const sameKey = envelopeKeyids.includes(key.keyid);
  problems.push({
    kind: 'signature',
    path: ATTESTATION_FILE,
    message: sameKey
      ? `No signature verifies with ${key.origin} (keyid ${key.keyid}): the statement was edited after it was signed.`
      : `No signature verifies with ${key.origin} (keyid ${key.keyid}): the statement was edited after signing, or signed with another key (the envelope names keyid ${envelopeKeyids.join(', ')}).`,
  });
  return { state: 'invalid', keyid: key.keyid, keyOrigin: key.origin, envelopeKeyids };
}
