/**
 * The in-toto Statement v1 that attests a run: every file the run wrote is a subject with its
 * SHA-256, and the predicate records the run (tool and version, configuration hash, period,
 * scope, the previous run's statement digest). The predicate type is a URN because soc2 owns no
 * domain to put a URL under, as with the project's schema ids.
 */
import { bundlePathProblem } from './bundle-path.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const RUN_PREDICATE_TYPE = 'urn:soc2:predicate:run:v1';

export interface Subject {
  name: string;
  digest: { sha256: string };
}

/** A file the run wrote, relative to the report directory. */
export interface WrittenFile {
  path: string;
  sha256: string;
}

/** JSON that survives a round trip through JSON.stringify/parse unchanged. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What the predicate says about the run. Typed input, so the pipeline fills it in one place. */
export interface RunPredicate {
  tool: { name: string; version: string };
  run: { id: string; startedAt: string; finishedAt: string; sample: boolean };
  config: { file: string | null; sha256: string | null };
  period: { start: string; end: string };
  /** The run's scope as results.json records it; its shape belongs to the evidence sources. */
  scope: { [key: string]: Json };
  /** SHA-256 of the previous run's statement (the payload bytes), when known; null otherwise. */
  previousStatement: { sha256: string } | null;
  /** soc2 run --shard: which part of the scope this run is (results.json's run.shard). */
  shard?: { index: number; count: number; assignment: string };
  /** soc2 merge: the parts joined, each by its statement digest (results.json's run.merged). */
  merged?: { [key: string]: Json };
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: typeof RUN_PREDICATE_TYPE;
  predicate: RunPredicate;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A programming error in the caller: the run tried to attest a name that cannot be a bundle path. */
export class InvalidSubjectError extends Error {}

/**
 * Subjects sorted by name; throws on a name that is not a safe bundle path, a duplicate or a
 * digest that is not lower-case hex SHA-256, so a malformed statement is never signed.
 */
export function buildStatement(files: readonly WrittenFile[], predicate: RunPredicate): Statement {
  const seen = new Set<string>();
  for (const f of files) {
    const problem = bundlePathProblem(f.path);
    if (problem) throw new InvalidSubjectError(`Cannot attest "${f.path}": ${problem}.`);
    if (seen.has(f.path)) throw new InvalidSubjectError(`Cannot attest "${f.path}" twice.`);
    if (!SHA256_HEX.test(f.sha256)) throw new InvalidSubjectError(`The digest of "${f.path}" is not a lower-case hex SHA-256.`);
    seen.add(f.path);
  }
  const subject = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => ({ name: f.path, digest: { sha256: f.sha256 } }));
  return { _type: STATEMENT_TYPE, subject, predicateType: RUN_PREDICATE_TYPE, predicate };
}

/** The exact bytes that are signed: compact JSON in the key order above. */
export function serializeStatement(statement: Statement): Buffer {
  return Buffer.from(JSON.stringify(statement), 'utf8');
}

/** What a statement read back from a bundle looks like before its subjects are checked. */
export type ParsedStatement =
  | { ok: true; subjects: Array<{ name: string; sha256: string }>; predicate: unknown; problems: string[] }
  | { ok: false; problem: string };

/**
 * Reads the statement's shape. Subject-level problems (a bad name, a duplicate, a missing digest)
 * are returned in `problems` with the subject named, and the subject is left out of `subjects`,
 * so it is never used to open a file; a wrong _type or predicateType makes the whole thing unusable.
 */
export function parseStatement(payload: Buffer): ParsedStatement {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    return { ok: false, problem: `the statement is not JSON (${(e as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the statement is not a JSON object' };
  const s = value as Record<string, unknown>;
  if (s._type !== STATEMENT_TYPE) return { ok: false, problem: `the statement's _type is ${JSON.stringify(s._type)}, not ${STATEMENT_TYPE}` };
  if (s.predicateType !== RUN_PREDICATE_TYPE) return { ok: false, problem: `the predicateType is ${JSON.stringify(s.predicateType)}, not ${RUN_PREDICATE_TYPE}` };
  if (!Array.isArray(s.subject)) return { ok: false, problem: 'the statement has no subject list' };
  const problems: string[] = [];
  const subjects: Array<{ name: string; sha256: string }> = [];
  const seen = new Set<string>();
  for (const [i, raw] of s.subject.entries()) {
    const entry = raw as { name?: unknown; digest?: unknown } | null;
    const name = typeof entry?.name === 'string' ? entry.name : undefined;
    if (name === undefined) {
      problems.push(`subject ${i + 1} has no name`);
      continue;
    }
    const label = JSON.stringify(name);
    const pathProblem = bundlePathProblem(name);
    if (pathProblem) {
      problems.push(`subject ${label} is not a path inside the bundle: ${pathProblem}`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(`subject ${label} is listed more than once`);
      continue;
    }
    seen.add(name);
    const digest = entry?.digest as { sha256?: unknown } | undefined;
    const sha = typeof digest?.sha256 === 'string' ? digest.sha256 : undefined;
    if (!sha || !SHA256_HEX.test(sha)) {
      problems.push(`subject ${label} has no lower-case hex sha256 digest`);
      continue;
    }
    subjects.push({ name, sha256: sha });
  }
  return { ok: true, subjects, predicate: s.predicate, problems };
}
