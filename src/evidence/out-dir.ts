/**
 * The report directory of one run (--out). The run is written into a fresh directory beside it
 * (same parent, so one rename on one file system swaps it in) and swapped in only when the run
 * has finished: a failed, interrupted or crashed run leaves the previous report as it was.
 * soc2 only ever replaces a directory it made, which the marker file REPORT_MARKER tells.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative, sep, isAbsolute } from 'node:path';
import { OutputPathError, describeFsError, errno, fsyncDir, lstatOrUndefined, mkdirNoFollow, openAtomic, writeFileAtomic } from '../fs-safe.js';

/** The file that marks a directory as a soc2 report, which the next run to it may replace as a whole. */
export const REPORT_MARKER = '.soc2-report';
export const MARKER_TEXT = 'This directory is a report written by soc2. The next `soc2 run` (or `soc2 demo`) with this\n--out replaces the whole directory: keep nothing else in it.\n';

/** One file a run wrote: its path in the report ('/'-separated), SHA-256 and size, taken from the bytes written. */
export interface WrittenFile {
  path: string;
  sha256: string;
  size: number;
}

/** A report directory being written. Every file goes through write(), which remembers what it wrote. */
export interface ReportDir {
  /** Where the files are being written now: the staging directory until the run is committed. */
  readonly root: string;
  /** Write one file atomically, creating its directories; `path` is relative, '/'-separated. */
  write(path: string, data: string | Uint8Array): WrittenFile;
  /**
   * Open one file to write in pieces (JSON Lines as they are collected): the SHA-256 and size are
   * taken while writing, the file appears under its name only when closed (atomically, as write()),
   * and discard() leaves nothing behind.
   */
  open(path: string): StreamedFile;
  /** Every file written so far, in the order first written. The manifest is built from this, never from a directory walk. */
  written(): WrittenFile[];
}

export interface StreamedFile {
  /** Append text (UTF-8). */
  append(text: string): void;
  /** Flush, move into place and record the file; returns what was written. */
  close(): WrittenFile;
  /** Remove what was written so far. Safe after close() (then it does nothing). */
  discard(): void;
}

export interface StagedReport extends ReportDir {
  /** A previous soc2 report was at --out when the run started (and is there until commit). */
  readonly replacesPrevious: boolean;
  /** Swap the finished report in at --out. Returns a warning when the previous report could not be removed afterwards. */
  commit(): string | undefined;
  /** Remove the staging directory, leaving --out untouched. Safe to call again, and after commit. */
  discard(): void;
}

type OutDirState = 'absent' | 'empty' | 'report' | 'foreign' | 'symlink' | 'not-directory';

/** What is at `path` now, without following a link there. */
export function inspectOutDir(path: string): OutDirState {
  const st = lstatOrUndefined(path);
  if (!st) return 'absent';
  if (st.isSymbolicLink()) return 'symlink';
  if (!st.isDirectory()) return 'not-directory';
  if (lstatOrUndefined(join(path, REPORT_MARKER))?.isFile()) return 'report';
  return readdirSync(path).length === 0 ? 'empty' : 'foreign';
}

/**
 * Check --out and open a staging directory beside it, holding the marker. Refuses (exit 2) a
 * file, a link, a non-empty directory soc2 did not make, the current directory (or one that
 * contains it), and a parent directory soc2 cannot write. `shown` is --out as the user sees it.
 */
export function stageReport(outDir: string, opts: { cwd: string; shown: string }): StagedReport {
  const { shown } = opts;
  const name = basename(outDir);
  const parent = dirname(outDir);
  let state: OutDirState;
  try {
    state = inspectOutDir(outDir);
  } catch (e) {
    throw new OutputPathError(`Cannot read --out ${shown}: ${describeFsError(e)}.`, 'Choose an --out in a directory you can write.');
  }
  if (name === '' || parent === outDir) {
    throw new OutputPathError(`--out ${shown} is the root of the file system.`, 'Pass a directory for the report, e.g. --out soc2-report.');
  }
  if (state === 'symlink') {
    let target = '';
    try {
      target = ` (${realpathSync(outDir)})`;
    } catch {
      // a dangling link: there is no directory to name
    }
    throw new OutputPathError(
      `--out ${shown} is a symbolic link. soc2 swaps a finished report into place by renaming a directory there, which would replace the link itself, and it does not write through links.`,
      `Pass the directory the link points to${target} as --out, or remove the link.`,
    );
  }
  if (state === 'not-directory') {
    throw new OutputPathError(`--out ${shown} is a file, not a directory.`, 'Choose another --out; soc2 does not replace a file it did not write.');
  }
  if (state !== 'absent' && containsCwd(outDir, opts.cwd)) {
    throw new OutputPathError(
      `--out ${shown} is the current directory or contains it. soc2 replaces its report directory as a whole when a run finishes, which cannot be done to the directory it runs in.`,
      'Pass a subdirectory for the report, e.g. --out soc2-report.',
    );
  }
  if (state === 'foreign') {
    throw new OutputPathError(
      `--out ${shown} is a directory that is not empty and was not written by soc2 (it has no ${REPORT_MARKER} marker file).`,
      `soc2 replaces its report directory as a whole, so it only writes to a new or empty directory or to an earlier soc2 report. Choose another --out (e.g. ${join(shown, 'soc2-report')}), or empty the directory.`,
    );
  }

  const shownParent = dirname(shown) === '.' ? 'the current directory' : dirname(shown);
  try {
    mkdirSync(parent, { recursive: true });
  } catch (e) {
    // mkdir -p answers EEXIST when a component of the path is a file.
    const reason = errno(e) === 'EEXIST' ? describeFsError({ code: 'ENOTDIR' }) : describeFsError(e);
    throw new OutputPathError(`Cannot create the directory for --out ${shown}: ${reason}.`, 'Choose an --out inside a directory you can write.');
  }
  const staging = join(parent, `.${name}.soc2-tmp-${randomBytes(6).toString('hex')}`);
  try {
    // mkdir, not mkdtemp: the report directory gets the usual permissions (umask), as before.
    mkdirSync(staging);
  } catch (e) {
    throw new OutputPathError(
      `Cannot write the report for --out ${shown}: creating a directory in ${shownParent} failed: ${describeFsError(e)}.`,
      `soc2 writes a run into a new directory next to ${shown} and swaps it in at the end, so it needs write permission on ${shownParent}. Choose an --out in a directory you can write.`,
    );
  }

  const files = new Map<string, WrittenFile>();
  const dirs = new Set<string>([staging]);
  let finished = false;

  /** The path's checked segments, its parent directories made in the staging directory (never through a link). */
  const parentsMade = (path: string): string[] => {
    const segments = checkedSegments(path);
    let dir = staging;
    for (const segment of segments.slice(0, -1)) {
      dir = join(dir, segment);
      if (!dirs.has(dir)) {
        mkdirNoFollow(dir);
        dirs.add(dir);
      }
    }
    return segments;
  };

  const write = (path: string, data: string | Uint8Array): WrittenFile => {
    if (finished) throw new Error(`soc2 bug: ${path} written after the report was committed or discarded.`);
    const segments = parentsMade(path);
    writeFileAtomic(join(staging, ...segments), data);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const file = { path: segments.join('/'), sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
    files.set(file.path, file);
    return file;
  };

  const open = (path: string): StreamedFile => {
    if (finished) throw new Error(`soc2 bug: ${path} opened after the report was committed or discarded.`);
    const segments = parentsMade(path);
    const target = join(staging, ...segments);
    const file = openAtomic(target);
    const hash = createHash('sha256');
    let size = 0;
    let state: 'open' | 'closed' | 'discarded' = 'open';
    // Lines are gathered into pieces of about 64 KiB: one write per resource would be one system call per resource.
    let pending: string[] = [];
    let pendingLength = 0;
    const flush = () => {
      if (pending.length === 0) return;
      const bytes = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingLength = 0;
      file.write(bytes);
      hash.update(bytes);
      size += bytes.length;
    };
    return {
      append(text) {
        if (state !== 'open') throw new Error(`soc2 bug: ${path} written after it was closed.`);
        pending.push(text);
        pendingLength += text.length;
        if (pendingLength >= 1 << 16) flush();
      },
      close() {
        if (state !== 'open') throw new Error(`soc2 bug: ${path} closed twice.`);
        state = 'closed';
        try {
          flush();
        } catch (e) {
          file.abandon();
          throw e;
        }
        file.commit();
        const written = { path: segments.join('/'), sha256: hash.digest('hex'), size };
        files.set(written.path, written);
        return written;
      },
      discard() {
        if (state !== 'open') return;
        state = 'discarded';
        file.abandon();
      },
    };
  };

  const discard = () => {
    if (finished) return;
    finished = true;
    rmSync(staging, { recursive: true, force: true });
  };

  const commit = (): string | undefined => {
    if (finished) throw new Error('soc2 bug: the report was committed or discarded already.');
    for (const d of dirs) fsyncDir(d);
    const now = inspectOutDir(outDir);
    const changed = () => {
      discard();
      return new OutputPathError(
        `--out ${shown} changed while soc2 was running (it is now ${now === 'symlink' ? 'a symbolic link' : now === 'not-directory' ? 'a file' : 'a directory soc2 did not write'}); the report was not written.`,
        'Make sure nothing else writes to --out during a run, and run again.',
      );
    };
    if (now === 'symlink' || now === 'not-directory' || now === 'foreign') throw changed();
    if (now === 'absent' || now === 'empty') {
      // rename() onto an empty directory replaces it in one step.
      try {
        renameSync(staging, outDir);
      } catch (e) {
        if (errno(e) === 'ENOTEMPTY' || errno(e) === 'EEXIST') throw changed();
        discard();
        throw new OutputPathError(`Could not move the report into place at ${shown}: ${describeFsError(e)}.`, 'Choose another --out and run again.');
      }
      finished = true;
      fsyncDir(parent);
      return undefined;
    }
    // A previous report: move it aside, move the new one in, then delete the old one. Both renames
    // are synchronous, so a signal cannot fall between them; only a power cut could, and then the
    // previous report is still whole under its aside name.
    const aside = join(parent, `.${name}.soc2-old-${randomBytes(6).toString('hex')}`);
    try {
      renameSync(outDir, aside);
    } catch (e) {
      discard();
      throw new OutputPathError(`Could not replace the previous report at ${shown}: ${describeFsError(e)}. It is unchanged.`, 'Choose another --out and run again.');
    }
    try {
      renameSync(staging, outDir);
    } catch (e) {
      renameSync(aside, outDir);
      discard();
      throw new OutputPathError(`Could not move the report into place at ${shown}: ${describeFsError(e)}. The previous report is unchanged.`, 'Choose another --out and run again.');
    }
    finished = true;
    fsyncDir(parent);
    try {
      // rm does not follow links: a link planted in the old report is removed, not its target.
      rmSync(aside, { recursive: true, force: true });
    } catch (e) {
      return `the previous report was replaced but could not be deleted from ${join(dirname(shown), basename(aside))}: ${describeFsError(e)}. Delete it by hand.`;
    }
    return undefined;
  };

  const staged: StagedReport = {
    root: staging,
    replacesPrevious: state === 'report',
    write,
    open,
    written: () => [...files.values()],
    commit,
    discard,
  };
  try {
    write(REPORT_MARKER, MARKER_TEXT);
  } catch (e) {
    discard();
    throw new OutputPathError(`Cannot write the report for --out ${shown}: ${describeFsError(e)}.`, 'Choose an --out in a directory you can write.');
  }
  return staged;
}

/** The segments of a report-relative path; a path that could leave the report directory is a bug. */
function checkedSegments(path: string): string[] {
  const segments = path.split('/');
  if (isAbsolute(path) || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes(sep) || s.includes('\0'))) {
    throw new Error(`soc2 bug: report file path ${JSON.stringify(path)} is not a plain relative path.`);
  }
  return segments;
}

function containsCwd(dir: string, cwd: string): boolean {
  let realDir: string;
  let realCwd: string;
  try {
    realDir = realpathSync(dir);
    realCwd = realpathSync(cwd);
  } catch {
    return false;
  }
  const rel = relative(realDir, realCwd);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}
