import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TarExtractor, TarFormatError, tarStream, ustarHeader } from '../../../src/evidence/tar.js';
import { tempDir, tempTree } from '../../helpers/tmp.js';

async function tarBytes(dir: string, paths: string[]): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of tarStream(dir, paths)) chunks.push(c);
  return Buffer.concat(chunks);
}

function extract(archive: Buffer, chunkSize = archive.length): { dest: string; files: string[] } {
  const dest = join(tempDir(), 'out');
  mkdirSync(dest);
  const x = new TarExtractor(dest);
  for (let i = 0; i < archive.length; i += chunkSize) x.write(archive.subarray(i, i + chunkSize));
  x.end();
  return { dest, files: x.files };
}

/** A header built by hand, for archives soc2 would never write (links, unsafe names). */
function rawHeader(name: string, size: number, type: string, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(linkname, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('        ', 148);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function archiveOf(...entries: Array<[Buffer, string?]>): Buffer {
  const parts: Buffer[] = [];
  for (const [header, body = ''] of entries) {
    parts.push(header);
    const data = Buffer.from(body);
    parts.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

const FILES = {
  'results.json': '{"ok":true}\n',
  'report.html': '<!doctype html><p>Füße 🚀</p>\n',
  'evidence/github/github.branch-rules-5e1d9c2b7a.json': '{}\n',
  [`evidence/${'d'.repeat(60)}/${'n'.repeat(90)}.csv`]: 'a,b\r\n1,2\r\n',
  'empty.txt': '',
  'block.bin': 'x'.repeat(512),
};

describe('evidence/tar', () => {
  it('writes the same bytes for the same files, in sorted order, whatever order they are given in', async () => {
    const dir = tempTree(FILES);
    const a = await tarBytes(dir, Object.keys(FILES));
    const b = await tarBytes(dir, Object.keys(FILES).reverse());
    expect(a.equals(b)).toBe(true);
    expect(a.length % 512).toBe(0);
    expect(a.subarray(a.length - 1024).every((x) => x === 0)).toBe(true);
  });

  it('fixes mode, owner and time in every header and checksums it', () => {
    const h = ustarHeader('evidence/x.json', 1234);
    expect(h.toString('latin1', 100, 108)).toBe('0000644\0');
    expect(h.toString('latin1', 108, 124)).toBe('0000000\u00000000000\0');
    expect(h.toString('latin1', 124, 136)).toBe('00000002322\0');
    expect(h.toString('latin1', 136, 148)).toBe('00000000000\0');
    expect(h.toString('latin1', 156, 157)).toBe('0');
    expect(h.toString('latin1', 257, 265)).toBe('ustar\u000000');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    expect(parseInt(h.toString('latin1', 148, 154), 8)).toBe(sum);
  });

  it('splits a long path into the ustar prefix and refuses one that cannot be split', () => {
    const h = ustarHeader(`${'d'.repeat(120)}/file.json`, 1);
    expect(h.toString('utf8', 0, 9)).toBe('file.json');
    expect(h.toString('utf8', 345, 465)).toBe('d'.repeat(120));
    expect(() => ustarHeader(`evidence/${'n'.repeat(101)}`, 1)).toThrow(/too long for a ustar archive/);
    expect(() => ustarHeader('../x', 1)).toThrow(/"\.\." segment/);
  });

  it('is read by the system tar with the right names, sizes, owners and times', async () => {
    const dir = tempTree(FILES);
    const archive = join(tempDir(), 'b.tar');
    writeFileSync(archive, await tarBytes(dir, Object.keys(FILES)));
    const listing = execFileSync('tar', ['-tvf', archive, '--numeric-owner'], { encoding: 'utf8' });
    for (const [name, body] of Object.entries(FILES)) expect(listing).toMatch(new RegExp(`-rw-r--r-- 0/0 +${Buffer.byteLength(body)} 1970-01-01 00:00 ${name.replace(/[.]/g, '\\.')}\n`));
  });

  it('extracts what it wrote, byte for byte, even when fed one byte at a time', async () => {
    const dir = tempTree(FILES);
    const archive = await tarBytes(dir, Object.keys(FILES));
    for (const chunk of [archive.length, 1, 511, 4096]) {
      const { dest, files } = extract(archive, chunk);
      expect(files.sort()).toEqual(Object.keys(FILES).sort());
      for (const [name, body] of Object.entries(FILES)) expect(readFileSync(join(dest, name), 'utf8')).toBe(body);
    }
  });

  it('refuses an archive whose file changed while it was packed', async () => {
    const dir = tempTree({ 'a.txt': 'abc' });
    const gen = tarStream(dir, ['a.txt']);
    await gen.next(); // the header, with the size it had
    writeFileSync(join(dir, 'a.txt'), 'abcdef');
    await expect((async () => {
      for await (const _ of gen) void _;
    })()).rejects.toThrow(/grew while it was being archived/);
  });

  describe('never writes outside the target or over anything', () => {
    it.each([
      ['a .. path', rawHeader('../escape.txt', 1, '0'), /unsafe to extract: it contains a "\.\." segment/],
      ['a .. path behind ./', rawHeader('./../escape.txt', 1, '0'), /unsafe to extract: it contains a "\.\." segment/],
      ['a nested .. path', rawHeader('evidence/../../escape.txt', 1, '0'), /unsafe to extract/],
      ['an absolute path', rawHeader('/tmp/escape.txt', 1, '0'), /unsafe to extract: it is an absolute path/],
      ['a backslash path', rawHeader('..\\escape.txt', 1, '0'), /backslash/],
      ['a symbolic link', rawHeader('link', 0, '2', '/etc/passwd'), /is a symbolic link; soc2 bundles hold regular files only/],
      ['a hard link', rawHeader('link', 0, '1', 'results.json'), /is a hard link/],
      ['a pax header', rawHeader('PaxHeader', 0, 'x'), /pax extended header/],
    ])('rejects %s', (_what, header, message) => {
      const parent = tempDir();
      const dest = join(parent, 'out');
      mkdirSync(dest);
      const x = new TarExtractor(dest);
      expect(() => x.write(archiveOf([header, 'x']))).toThrow(message);
      expect(readdirSync(parent)).toEqual(['out']);
      expect(existsSync(join(dirname(parent), 'escape.txt'))).toBe(false);
    });

    it('drops the leading ./ that `tar -C dir .` writes', () => {
      const dest = tempDir();
      const x = new TarExtractor(dest);
      x.write(archiveOf([rawHeader('./', 0, '5')], [rawHeader('./a.txt', 1, '0'), 'a']));
      x.end();
      expect(x.files).toEqual(['a.txt']);
      expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('a');
    });

    it('rejects a name that appears twice instead of overwriting the first copy', () => {
      const dest = tempDir();
      const x = new TarExtractor(dest);
      expect(() => x.write(archiveOf([rawHeader('a.txt', 5, '0'), 'first'], [rawHeader('a.txt', 6, '0'), 'second']))).toThrow(/twice/);
      expect(readFileSync(join(dest, 'a.txt'), 'utf8')).toBe('first');
    });

    it('rejects a file that would replace a directory it created, and a damaged header', () => {
      expect(() => new TarExtractor(tempDir()).write(archiveOf([rawHeader('a/b.txt', 1, '0'), 'b'], [rawHeader('a', 1, '0'), 'a']))).toThrow(/EEXIST/);
      const damaged = archiveOf([rawHeader('a.txt', 1, '0'), 'a']);
      damaged[0] = 'b'.charCodeAt(0);
      expect(() => new TarExtractor(tempDir()).write(damaged)).toThrow(/checksum mismatch/);
    });

    it('says so when the archive stops early', async () => {
      const dir = tempTree(FILES);
      const archive = await tarBytes(dir, Object.keys(FILES));
      expect(() => extract(archive.subarray(0, 700))).toThrow(TarFormatError);
      expect(() => extract(archive.subarray(0, archive.length - 1024))).toThrow(/no end-of-archive blocks/);
    });
  });
});
