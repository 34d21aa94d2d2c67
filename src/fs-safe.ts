/**
 * Writing files so that a reader never sees half a file and soc2 never writes through a symbolic
 * link: each file is written to a new temporary name in its own directory (created exclusively,
 * so a planted link there makes the open fail instead of being followed), flushed to disk, and
 * renamed over the target. rename() replaces a link at the target; it never writes through it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Soc2Error } from './errors.js';

/** soc2 cannot write where it was asked to, or will not because it would be unsafe. Exit 2. */
export class OutputPathError extends Soc2Error {
  readonly code = 'SOC2_OUTPUT_PATH';
  readonly exitCode = 2;
}

/** The file system entry at a path, without following a link there; undefined when there is none. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    // ENOTDIR: a component of the path is a file, so nothing can be at the path.
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
    throw e;
  }
}

export function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string' ? (e as { code: string }).code : undefined;
}

/** A short reason for a failed file system call, in words, with the errno for a search engine. */
export function describeFsError(e: unknown): string {
  const code = errno(e);
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a directory',
    ENOENT: 'a part of the path does not exist',
    EEXIST: 'something already exists there',
    EISDIR: 'it is a directory',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    EXDEV: 'it is on another file system',
    EBUSY: 'it is in use (a mount point?)',
    ENOTEMPTY: 'the directory is not empty',
    ELOOP: 'too many symbolic links',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Write `data` to `path` atomically. Refuses (OutputPathError) when `path` is a symbolic link:
 * a link where soc2 is about to write was planted by someone, and replacing it silently would
 * hide that. `sync` flushes the file before the rename, so after a power loss the target holds
 * either the old or the new contents, never a truncated file.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { sync?: boolean } = {}): void {
  if (lstatOrUndefined(path)?.isSymbolicLink()) {
    throw new OutputPathError(`${path} is a symbolic link; soc2 does not write through links.`, 'Remove the link (it was not made by soc2) and run again.');
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL: fails if anything, a link included, already has this name. O_NOFOLLOW for good measure.
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  try {
    try {
      writeFileSync(fd, data);
      if (opts.sync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never created: nothing to clean up
    }
    throw e;
  }
}

/**
 * A file written in pieces with writeFileAtomic's guarantees: a fresh temporary file beside `path`
 * (O_EXCL, O_NOFOLLOW), renamed over `path` by commit() after an fsync, and refused when `path`
 * is a symbolic link by then. abandon() deletes the temporary file.
 */
export function openAtomic(path: string): { write(bytes: Uint8Array): void; commit(): void; abandon(): void } {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o666);
  let open = true;
  const abandon = () => {
    if (open) closeSync(fd);
    open = false;
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or removed: nothing to clean up
    }
  };
  return {
    write(bytes) {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    },
    commit() {
      try {
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        if (lstatOrUndefined(path)?.isSymbolicLink()) {
          throw new OutputPathError(`${path} is a symbolic link; soc2 does not write through links.`, 'Remove the link (it was not made by soc2) and run again.');
        }
        renameSync(temp, path);
      } catch (e) {
        abandon();
        throw e;
      }
    },
    abandon,
  };
}

/** Create one directory (not its parents); an existing entry must be a real directory, not a link. */
export function mkdirNoFollow(path: string): void {
  try {
    mkdirSync(path);
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw e;
    const st = lstatSync(path);
    if (!st.isDirectory()) {
      throw new OutputPathError(`${path} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; soc2 does not write through it.`, 'Remove it (it was not made by soc2) and run again.');
    }
  }
}

/** Flush a directory's entries (new names, renames) to disk. Best effort: some file systems refuse. */
export function fsyncDir(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // e.g. EINVAL on file systems without directory fsync; the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
