/**
 * A deterministic POSIX ustar archive of a bundle, and a strict reader for it.
 *
 * Writing: regular files only, in sorted path order, each with mode 0644, owner and group 0 with
 * no names, and mtime 0, so the same files always give the same bytes (the encryption around it
 * is randomised, the archive is not). Names longer than 100 bytes are split into ustar's prefix
 * field; a name that cannot be split, or a file of 8 GiB or more, is an error rather than a
 * vendor extension. Standard tar (GNU, bsdtar) lists and extracts the result.
 *
 * Reading: only regular files and directories; every name must be a plain relative path inside
 * the target (no "..", no absolute path, no backslash), no name may repeat, and files are created
 * exclusively (never replacing anything) without following links. The target is expected to be
 * a fresh directory, so nothing outside it can be reached.
 */
import { closeSync, constants, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { bundlePathProblem } from './bundle-path.js';

const BLOCK = 512;
const MAX_SIZE = 8 ** 11 - 1;
const CHUNK = 1 << 16;

/** A problem with an archive being read: its entries are unsafe or it is damaged. */
export class TarFormatError extends Error {}

function octal(value: number, width: number): string {
  // width - 1 digits, then NUL: the form every tar reads.
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function splitName(path: string): { name: string; prefix: string } {
  const bytes = Buffer.byteLength(path);
  if (bytes <= 100) return { name: path, prefix: '' };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name.length > 0) return { name, prefix };
  }
  throw new Error(`${path}: the name is too long for a ustar archive (at most 100 bytes after the last directory that fits in 155).`);
}

/** The 512-byte ustar header of a regular file. */
export function ustarHeader(path: string, size: number): Buffer {
  const problem = bundlePathProblem(path);
  if (problem) throw new Error(`Cannot archive "${path}": ${problem}.`);
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_SIZE) throw new Error(`${path}: ${size} bytes is more than a ustar archive can hold.`);
  const { name, prefix } = splitName(path);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(octal(0, 8), 329, 'ascii');
  h.write(octal(0, 8), 337, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.write(`${checksum(h).toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

function checksum(header: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum;
}

/**
 * The archive of `paths` (relative to `dir`, regular files) as a stream of chunks. Each file is
 * opened without following a link and must keep the size it had when opened: a file that changes
 * while it is packed is an error, never a silently inconsistent archive.
 */
export async function* tarStream(dir: string, paths: readonly string[]): AsyncGenerator<Uint8Array> {
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const rel of sorted) {
    const fh = await open(join(dir, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new Error(`${rel} is not a regular file.`);
      yield ustarHeader(rel, st.size);
      let left = st.size;
      while (left > 0) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, left));
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) throw new Error(`${rel} shrank while it was being archived.`);
        left -= bytesRead;
        yield buf.subarray(0, bytesRead);
      }
      if ((await fh.read(Buffer.alloc(1), 0, 1, null)).bytesRead > 0) throw new Error(`${rel} grew while it was being archived.`);
      const pad = (BLOCK - (st.size % BLOCK)) % BLOCK;
      if (pad) yield Buffer.alloc(pad);
    } finally {
      await fh.close();
    }
  }
  yield Buffer.alloc(2 * BLOCK);
}

function field(h: Buffer, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

function parseOctal(h: Buffer, offset: number, length: number, what: string): number {
  const text = field(h, offset, length).trim();
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`The archive has a damaged header (${what} is not an octal number).`);
  return parseInt(text, 8);
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}

const TYPE_NAMES: Record<string, string> = { '1': 'a hard link', '2': 'a symbolic link', '3': 'a character device', '4': 'a block device', '6': 'a FIFO', '7': 'a contiguous file', x: 'a pax extended header', g: 'a pax global header', L: 'a GNU long name', K: 'a GNU long link name' };

/**
 * Extracts a ustar stream into `dest` (an empty directory the caller created). Feed it chunks in
 * order with `write`, then call `end`, which fails if the archive stopped before its end blocks.
 */
export class TarExtractor {
  private pending = Buffer.alloc(0);
  private file: { fd: number; left: number; pad: number; path: string } | undefined;
  private skip = 0;
  private ended = false;
  private zeroBlocks = 0;
  private readonly seen = new Set<string>();
  readonly files: string[] = [];

  constructor(private readonly dest: string) {}

  write(chunk: Uint8Array): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    for (;;) {
      if (this.file) {
        const n = Math.min(this.file.left, this.pending.length);
        if (n > 0) {
          writeAll(this.file.fd, this.pending.subarray(0, n));
          this.pending = this.pending.subarray(n);
          this.file.left -= n;
        }
        if (this.file.left > 0) return;
        fsyncSync(this.file.fd);
        closeSync(this.file.fd);
        this.skip = this.file.pad;
        this.file = undefined;
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.pending.length);
        this.pending = this.pending.subarray(n);
        this.skip -= n;
        if (this.skip > 0) return;
      }
      if (this.pending.length < BLOCK) return;
      const header = this.pending.subarray(0, BLOCK);
      this.pending = this.pending.subarray(BLOCK);
      if (this.ended) continue;
      if (header.every((b) => b === 0)) {
        if (++this.zeroBlocks === 2) this.ended = true;
        continue;
      }
      if (this.zeroBlocks > 0) throw new TarFormatError('The archive has an entry after an end-of-archive block.');
      this.entry(Buffer.from(header));
    }
  }

  end(): void {
    if (this.file) {
      closeSync(this.file.fd);
      throw new TarFormatError(`The archive ends in the middle of ${this.file.path}.`);
    }
    if (!this.ended) throw new TarFormatError('The archive is truncated: it has no end-of-archive blocks.');
  }

  /** Closes an open file after a failure elsewhere (the caller removes the directory). */
  abort(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = undefined;
  }

  private entry(h: Buffer): void {
    if (parseOctal(h, 148, 8, 'checksum') !== checksum(h)) throw new TarFormatError('The archive has a damaged header (checksum mismatch).');
    const magic = h.subarray(257, 263).toString('latin1');
    if (magic !== 'ustar\0' && magic !== 'ustar ') throw new TarFormatError('The archive is not in ustar format.');
    const name = field(h, 0, 100);
    const prefix = magic === 'ustar\0' ? field(h, 345, 155) : '';
    const type = String.fromCharCode(h[156]!);
    // `tar -C dir .` names entries ./x; the leading ./ says nothing and is dropped.
    const path = (prefix ? `${prefix}/${name}` : name).replace(/^(\.\/)+/, '');
    if (type === '5') {
      const dir = path.replace(/\/$/, '');
      if (dir === '' || dir === '.') return;
      this.checkPath(dir);
      mkdirSync(join(this.dest, dir), { recursive: true });
      return;
    }
    if (type !== '0' && type !== '\0') {
      throw new TarFormatError(`The archive entry ${JSON.stringify(path)} is ${TYPE_NAMES[type] ?? `of type ${JSON.stringify(type)}`}; soc2 bundles hold regular files only, so nothing was extracted.`);
    }
    this.checkPath(path);
    if (this.seen.has(path)) throw new TarFormatError(`The archive holds ${JSON.stringify(path)} twice; a second copy would overwrite the first.`);
    this.seen.add(path);
    const size = parseOctal(h, 124, 12, 'size');
    const slash = path.lastIndexOf('/');
    if (slash > 0) mkdirSync(join(this.dest, path.slice(0, slash)), { recursive: true });
    const fd = openSync(join(this.dest, path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    this.files.push(path);
    this.file = { fd, left: size, pad: (BLOCK - (size % BLOCK)) % BLOCK, path };
  }

  private checkPath(path: string): void {
    const problem = bundlePathProblem(path);
    if (problem) throw new TarFormatError(`The archive entry ${JSON.stringify(path)} is unsafe to extract: ${problem}. Nothing from this archive was kept.`);
  }
}
