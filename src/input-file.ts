/**
 * The one way soc2 reads a file a user (or a pull request) handed it: configuration, control and
 * exceptions YAML, results.json, an evidence manifest. The file is opened without blocking, checked
 * to be a regular file, and read up to a byte limit, so a FIFO, /dev/zero, a directory or a huge
 * file is a clear exit-2 error naming the file — never a hang, an out-of-memory crash or exit 4.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { Soc2Error, formatIssue, type SourceIssue } from './errors.js';

/**
 * Configuration, control and exceptions files are hand-written (the largest shipped control is
 * 3 KiB); 256 KiB is far beyond any real one and keeps the worst-case parse near a second.
 */
export const MAX_YAML_BYTES = 256 * 1024;
/** results.json grows with the estate (findings for thousands of repositories); this still fits in memory. */
export const MAX_RESULTS_BYTES = 256 * 1024 * 1024;
/** A manifest lists one line per evidence file. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

export type InputFileProblem = 'missing' | 'not-regular' | 'too-large' | 'unreadable' | 'not-utf8' | 'not-json';

/** A file that could not be read as input; `issue.line` is 0 when the problem is the whole file. Exit 2. */
export class InputFileError extends Soc2Error {
  readonly code = 'SOC2_INPUT_UNREADABLE';
  readonly exitCode = 2;
  constructor(readonly problem: InputFileProblem, readonly issue: SourceIssue, remediation = '') {
    super(formatIssue(issue), remediation);
  }
}

export interface InputFileOptions {
  /** How the file is named in messages (relative to the working directory when inside it). */
  display: string;
  maxBytes: number;
  /** What the file is, for messages: "configuration file", "control file", … */
  what: string;
  /** What the user should do when the file cannot be read, printed after the problem. */
  remediation?: string;
}

/**
 * Opening with O_NONBLOCK makes open() return at once on a FIFO with no writer (a plain open would
 * wait for one forever); on a regular file the flag changes nothing.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK_BYTES = 64 * 1024;

/** The file's bytes, or InputFileError when it is missing, not a regular file, unreadable or over the limit. */
export function readInputFile(path: string, opts: InputFileOptions): Buffer {
  const fail = (problem: InputFileProblem, message: string): InputFileError =>
    new InputFileError(problem, { file: opts.display, line: 0, col: 0, path: '', message }, opts.remediation);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    const { problem, message } = openProblem(e as NodeJS.ErrnoException, opts.what);
    throw fail(problem, message);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw fail('not-regular', `is ${kindOf(stats)}, not a regular file; soc2 reads a ${opts.what} only from a regular file.`);
    const tooLarge = (size: string) => fail('too-large', `is ${size}; soc2 reads at most ${formatBytes(opts.maxBytes)} from a ${opts.what}.`);
    if (stats.size > opts.maxBytes) throw tooLarge(formatBytes(stats.size));
    // The size from fstat can be 0 (/proc) or grow while we read: the limit is enforced on what is read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, opts.maxBytes + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > opts.maxBytes) throw tooLarge(`more than ${formatBytes(opts.maxBytes)}`);
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw fail('unreadable', `could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  } finally {
    closeSync(fd);
  }
}

/** The file as text: readInputFile, then strict UTF-8 (a bad byte is reported with its line and column). */
export function readInputText(path: string, opts: InputFileOptions): { text: string; bytes: Buffer } {
  const bytes = readInputFile(path, opts);
  return { text: decodeUtf8(bytes, opts), bytes };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array, opts: Pick<InputFileOptions, 'display' | 'remediation' | 'what'>): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const at = invalidUtf8Offset(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    const col = [...new TextDecoder().decode(bytes.subarray(lineStart, at))].length + 1;
    const hex = (bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    throw new InputFileError(
      'not-utf8',
      { file: opts.display, line, col, path: '', message: `is not valid UTF-8 (byte 0x${hex}); save the ${opts.what} as UTF-8.` },
      opts.remediation,
    );
  }
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or -1 when every byte is well formed.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  const inRange = (i: number, lo: number, hi: number) => i < bytes.length && bytes[i]! >= lo && bytes[i]! <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let ok: boolean;
    let len: number;
    if (b <= 0x7f) [ok, len] = [true, 1];
    else if (b >= 0xc2 && b <= 0xdf) [ok, len] = [inRange(i + 1, 0x80, 0xbf), 2];
    else if (b >= 0xe0 && b <= 0xef) {
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      [ok, len] = [inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf), 3];
    } else if (b >= 0xf0 && b <= 0xf4) {
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      [ok, len] = [inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf), 4];
    } else [ok, len] = [false, 1];
    if (!ok) return i;
    i += len;
  }
  return -1;
}

function openProblem(e: NodeJS.ErrnoException, what: string): { problem: InputFileProblem; message: string } {
  const notRegular = (kind: string) => ({ problem: 'not-regular' as const, message: `is ${kind}, not a regular file; soc2 reads a ${what} only from a regular file.` });
  switch (e.code) {
    case 'ENOENT': return { problem: 'missing', message: `no such file: the ${what} does not exist.` };
    case 'ENOTDIR': return { problem: 'missing', message: 'no such file: a part of the path is not a directory.' };
    case 'EISDIR': return notRegular('a directory');
    case 'ENXIO': return notRegular('a socket or device');
    case 'EACCES':
    case 'EPERM': return { problem: 'unreadable', message: 'permission denied; make it readable by the user running soc2.' };
    case 'ELOOP': return { problem: 'unreadable', message: 'too many levels of symbolic links (a link loop).' };
    default: return { problem: 'unreadable', message: `could not be opened (${e.code ?? e.message}).` };
  }
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
