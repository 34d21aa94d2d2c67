/**
 * The history folder: records 000001.json, 000002.json, … each naming the SHA-256 of the one before.
 * Reading checks the whole chain and stops at the first record that breaks it, saying why.
 * Appending claims the next sequence number by exclusive creation: the record is written in full to
 * a temporary file and hard-linked to its name, which fails if that name exists (even as a link);
 * a run that loses the race to a concurrent run re-reads the folder and takes the next number, so
 * the chain never forks. Nothing is read or written through a symbolic link.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Soc2Error } from '../errors.js';
import { OutputPathError, describeFsError, errno, fsyncDir, lstatOrUndefined, mkdirNoFollow } from '../fs-safe.js';
import { parseRecord, recordBytes, recordName, RECORD_NAME, sha256, type HistoryRecord, type RecordInput } from './record.js';

/** A record that is in the chain, with the digest of its bytes (what the next record names). */
export interface ChainedRecord {
  name: string;
  sha256: string;
  record: HistoryRecord;
}

export interface ChainBreak {
  /** The file name of the first record that is not where the chain says it should be. */
  record: string;
  why: string;
}

export interface ChainState {
  /** The records before the first break, oldest first. */
  records: ChainedRecord[];
  /** The first break; undefined when the chain is intact. */
  broken?: ChainBreak;
}

/** The history folder's records, checked. `shown` names the folder in messages. */
export function readChain(dir: string): ChainState {
  const names = readdirSync(dir).filter((n) => !n.startsWith('.')); // .000004.json.….tmp: a write in progress or abandoned
  const bySequence = new Map<number, string>();
  const unexpected: string[] = [];
  for (const name of names) {
    const m = RECORD_NAME.exec(name);
    const sequence = m ? Number(m[1]) : NaN;
    if (!m || !Number.isSafeInteger(sequence) || sequence < 1 || recordName(sequence) !== name) unexpected.push(name);
    else bySequence.set(sequence, name);
  }
  const last = Math.max(0, ...bySequence.keys());
  const records: ChainedRecord[] = [];
  const runs = new Map<string, string>();
  const stop = (record: string, why: string): ChainState => ({ records, broken: { record, why } });

  for (let sequence = 1; sequence <= last; sequence++) {
    const name = recordName(sequence);
    if (!bySequence.has(sequence)) {
      return stop(name, `it is missing: ${records.length ? `${records[records.length - 1]!.name} is followed by` : 'the history starts at'} ${bySequence.get(nextAfter(bySequence, sequence))} (a record was removed or renamed)`);
    }
    const read = readNoFollow(join(dir, name));
    if (!read.ok) return stop(name, read.why);
    const parsed = parseRecord(read.bytes);
    if (!parsed.ok) return stop(name, parsed.problem);
    const { record } = parsed;
    if (record.sequence !== sequence) {
      return stop(name, `it says it is record ${record.sequence} (${recordName(record.sequence)}): records were renamed, reordered or copied`);
    }
    const prev = records[records.length - 1];
    if (!prev && record.previous) {
      return stop(name, `it is the first record but follows record ${record.previous.sequence}: the records before it were removed`);
    }
    if (prev && (!record.previous || record.previous.sequence !== prev.record.sequence || record.previous.sha256 !== prev.sha256)) {
      return stop(name, `it does not follow ${prev.name}: the digest it holds for the record before it differs, so ${prev.name} was changed or replaced after ${name} was written, or the records were reordered`);
    }
    const seen = runs.get(record.results.run.id);
    if (seen) return stop(name, `it records run ${record.results.run.id} again (already in ${seen}): a record was duplicated`);
    runs.set(record.results.run.id, name);
    records.push({ name, sha256: sha256(read.bytes), record });
  }
  if (unexpected.length) {
    const name = unexpected.sort()[0]!;
    return stop(name, `it is not a record name (records are named like ${recordName(1)}); a history folder holds only its records, so this may be a renamed or copied record`);
  }
  return { records };
}

function nextAfter(bySequence: Map<number, string>, sequence: number): number {
  return Math.min(...[...bySequence.keys()].filter((s) => s > sequence));
}

/** A record's bytes, refusing a symbolic link or anything but a regular file. */
function readNoFollow(path: string): { ok: true; bytes: Buffer } | { ok: false; why: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (errno(e) === 'ELOOP') return { ok: false, why: 'it is a symbolic link, not a record: a record must be a regular file in the history folder' };
    return { ok: false, why: `it cannot be read: ${describeFsError(e)}` };
  }
  try {
    if (!fstatSync(fd).isFile()) return { ok: false, why: 'it is not a regular file' };
    return { ok: true, bytes: readFileSync(fd) };
  } catch (e) {
    return { ok: false, why: `it cannot be read: ${describeFsError(e)}` };
  } finally {
    closeSync(fd);
  }
}

/** The history folder is broken: a run does not append to it. Exit 2: nothing was collected. */
export class HistoryBrokenError extends Soc2Error {
  readonly code = 'SOC2_HISTORY_BROKEN';
  readonly exitCode = 2;
}

export function brokenMessage(shown: string, state: ChainState): string {
  const b = state.broken!;
  const n = state.records.length;
  const intact = n === 0 ? '' : n === 1 ? `; ${state.records[0]!.name} before it is intact` : `; ${state.records[0]!.name} to ${state.records[n - 1]!.name} before it are intact`;
  return `The history in ${shown} is broken at ${b.record}: ${b.why}${intact}.`;
}

/**
 * The folder a run appends to: created if absent (its parent too); refused when it is a link or a
 * file, since a record must land where the user pointed, not wherever a link leads.
 */
export function ensureHistoryDir(dir: string, shown: string): void {
  const st = lstatOrUndefined(dir);
  if (st?.isSymbolicLink()) {
    throw new OutputPathError(`--history ${shown} is a symbolic link; soc2 does not write history records through links.`, 'Pass the directory the link points to as --history, or remove the link.');
  }
  if (st && !st.isDirectory()) throw new OutputPathError(`--history ${shown} is a file, not a directory.`, 'Pass a directory for the history records, e.g. --history soc2-history.');
  if (st) return;
  try {
    mkdirSync(dirname(dir), { recursive: true });
    mkdirNoFollow(dir);
  } catch (e) {
    if (e instanceof OutputPathError) throw e;
    throw new OutputPathError(`Cannot create the history folder ${shown}: ${describeFsError(e)}.`, 'Choose a --history directory you can write.');
  }
}

/** How many times an append re-reads the folder after losing the next number to a concurrent run. */
const APPEND_ATTEMPTS = 20;

export interface AppendedRecord {
  name: string;
  sequence: number;
  sha256: string;
  /** Records other runs appended between reading the folder and writing this one. */
  raced: number;
}

/**
 * Append a record after the newest one in `dir`. Throws HistoryBrokenError when the chain is
 * broken (appending would hide the break), OutputPathError when the folder cannot be written.
 */
export function appendRecord(dir: string, shown: string, input: Omit<RecordInput, 'sequence' | 'previous'>, io: { publish: typeof publish } = { publish }): AppendedRecord {
  ensureHistoryDir(dir, shown);
  for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
    const state = readChain(dir);
    if (state.broken) throw new HistoryBrokenError(`${brokenMessage(shown, state)} This run was not recorded in it.`, `Run \`soc2 history verify ${shown}\`, restore the folder from a copy, or start a new history folder.`);
    const head = state.records[state.records.length - 1];
    const sequence = (head?.record.sequence ?? 0) + 1;
    const bytes = recordBytes({ ...input, sequence, previous: head ? { sequence: head.record.sequence, sha256: head.sha256 } : null });
    if (io.publish(dir, shown, recordName(sequence), bytes)) {
      return { name: recordName(sequence), sequence, sha256: sha256(bytes), raced: attempt };
    }
  }
  throw new OutputPathError(`Could not append to the history in ${shown}: other runs took the next record number ${APPEND_ATTEMPTS} times in a row.`, 'Make sure only a few runs append to one history folder at a time, and run again.');
}

/**
 * Write `bytes` as `name` in `dir` unless that name exists: false when it does (another run took
 * it). The record appears whole or not at all, and never through a link.
 */
export function publish(dir: string, shown: string, name: string, bytes: string): boolean {
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fail = (e: unknown) => new OutputPathError(`Cannot write ${name} in the history folder ${shown}: ${describeFsError(e)}.`, 'Choose a --history directory you can write.');
  let fd: number;
  try {
    fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    throw fail(e);
  }
  try {
    try {
      writeFileSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // link() never follows or replaces what is at `name`: it fails with EEXIST, a link included.
    linkSync(temp, join(dir, name));
  } catch (e) {
    removeQuietly(temp);
    if (errno(e) === 'EEXIST') return false;
    throw fail(e);
  }
  removeQuietly(temp);
  fsyncDir(dir);
  return true;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
