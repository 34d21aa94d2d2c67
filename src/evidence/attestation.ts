/**
 * The attestation a run leaves in its report directory: `attestation.intoto.jsonl`, one line
 * holding a DSSE envelope whose payload is the in-toto Statement of every file the run wrote.
 * Signed when a key is given; otherwise the envelope has no signatures and `soc2 verify` accepts
 * it only with --allow-unsigned. The file sits at the top of the directory, beside results.json,
 * and is the one file in a bundle that is not a subject of its own statement.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Results } from '../results.js';
import { bundlePathProblem } from './bundle-path.js';
import { IN_TOTO_PAYLOAD_TYPE, makeEnvelope, parseEnvelope, type Envelope } from './dsse.js';
import { writeFileAtomic, type SigningKey } from './keys.js';
import { buildStatement, serializeStatement, type Json, type RunPredicate, type Statement, type WrittenFile } from './statement.js';

export const ATTESTATION_FILE = 'attestation.intoto.jsonl';

export interface AttestationInput {
  /** The report directory. */
  dir: string;
  /** Exactly the files the run wrote, relative to `dir`, with their SHA-256. */
  files: readonly WrittenFile[];
  predicate: RunPredicate;
  /** Absent: the envelope is written without signatures. */
  key?: SigningKey;
}

export interface WrittenAttestation {
  statement: Statement;
  envelope: Envelope;
  /** SHA-256 of the statement bytes: what the next run records as its previous statement. */
  statementSha256: string;
}

export function writeAttestation(input: AttestationInput): WrittenAttestation {
  if (input.files.some((f) => f.path === ATTESTATION_FILE)) throw new Error(`${ATTESTATION_FILE} cannot be a subject of itself.`);
  const statement = buildStatement(input.files, input.predicate);
  const payload = serializeStatement(statement);
  const envelope = makeEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, input.key ? [{ keyid: input.key.keyid, privateKey: input.key.privateKey }] : []);
  writeFileAtomic(join(input.dir, ATTESTATION_FILE), `${JSON.stringify(envelope)}\n`, { mode: 0o644, force: true });
  return { statement, envelope, statementSha256: sha256Hex(payload) };
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * SHA-256 of one bundle file, read without following a symbolic link at the last component
 * (callers check the components above with walk.entryKindAt). Streams, so a large population
 * CSV is never held in memory whole.
 */
export function hashBundleFile(dir: string, rel: string): string {
  const problem = bundlePathProblem(rel);
  if (problem) throw new Error(`Cannot hash "${rel}": ${problem}.`);
  const fd = openSync(join(dir, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${rel} is not a regular file.`);
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
    }
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/** The subjects for files already written under `dir`. */
export function hashBundleFiles(dir: string, paths: readonly string[]): WrittenFile[] {
  return paths.map((path) => ({ path, sha256: hashBundleFile(dir, path) }));
}

/**
 * The digest of the statement a previous run left in `dir`, read before the new run replaces it;
 * null when there is none or it cannot be read as an envelope (a chain link is then unknown,
 * never invented).
 */
export function previousStatementDigest(dir: string): { sha256: string } | null {
  let text: string;
  try {
    text = readFileSync(join(dir, ATTESTATION_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = parseEnvelope(JSON.parse(text));
    return parsed.ok ? { sha256: sha256Hex(parsed.payload) } : null;
  } catch {
    return null;
  }
}

/** The predicate for a finished run, from its results.json. */
export function predicateFromResults(results: Results, previous: { sha256: string } | null): RunPredicate {
  const { run } = results;
  return {
    tool: { name: results.tool.name, version: results.tool.version },
    run: { id: run.id, startedAt: run.startedAt, finishedAt: run.finishedAt, sample: run.sample },
    config: { file: run.config.file, sha256: run.config.sha256 },
    period: { start: run.period.start, end: run.period.end },
    scope: JSON.parse(JSON.stringify(run.scope)) as { [key: string]: Json },
    previousStatement: previous,
    ...(run.shard ? { shard: { index: run.shard.index, count: run.shard.count, assignment: run.shard.assignment } } : {}),
    ...(run.merged ? { merged: JSON.parse(JSON.stringify(run.merged)) as { [key: string]: Json } } : {}),
  };
}
