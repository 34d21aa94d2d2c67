import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { InputFileError, decodeUtf8, formatBytes, invalidUtf8Offset, readInputFile, readInputText } from '../../src/input-file.js';
import { formatIssue } from '../../src/errors.js';
import { tempDir } from '../helpers/tmp.js';

const opts = { display: 'in.yaml', maxBytes: 16, what: 'test file', remediation: 'Do the thing.' };

function problemOf(fn: () => unknown): { problem: string; text: string; remediation: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputFileError) return { problem: e.problem, text: formatIssue(e.issue), remediation: e.remediation };
    throw e;
  }
  throw new Error('expected an InputFileError');
}

describe('input-file', () => {
  it('reads a regular file up to and including the byte limit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ok'), 'x'.repeat(16));
    expect(readInputFile(join(dir, 'ok'), opts).toString()).toBe('x'.repeat(16));
    expect(readInputText(join(dir, 'ok'), opts).text).toBe('x'.repeat(16));
  });

  it('refuses a file over the limit without reading it, naming its size and the limit', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big'), 'x'.repeat(17));
    expect(problemOf(() => readInputFile(join(dir, 'big'), opts))).toEqual({ problem: 'too-large', text: 'in.yaml: is 17 bytes; soc2 reads at most 16 bytes from a test file.', remediation: 'Do the thing.' });
  });

  it('enforces the limit on what is read when the size on disk says nothing (/proc files report 0)', () => {
    expect(problemOf(() => readInputFile('/proc/self/status', { ...opts, maxBytes: 8 })).text).toBe('in.yaml: is more than 8 bytes; soc2 reads at most 8 bytes from a test file.');
  });

  it.each([
    ['a directory', (dir: string) => mkdirSync(join(dir, 'f')), 'not-regular', 'in.yaml: is a directory, not a regular file; soc2 reads a test file only from a regular file.'],
    ['a FIFO with no writer (answered at once, not waited on)', (dir: string) => execFileSync('mkfifo', [join(dir, 'f')]), 'not-regular', 'in.yaml: is a named pipe (FIFO), not a regular file; soc2 reads a test file only from a regular file.'],
    ['missing', () => {}, 'missing', 'in.yaml: no such file: the test file does not exist.'],
  ])('refuses %s', (_, make, problem, text) => {
    const dir = tempDir();
    make(dir);
    expect(problemOf(() => readInputFile(join(dir, 'f'), opts))).toMatchObject({ problem, text });
  });

  it('refuses /dev/zero, which never ends', () => {
    expect(problemOf(() => readInputFile('/dev/zero', { ...opts, display: '/dev/zero' })).text).toBe('/dev/zero: is a character device, not a regular file; soc2 reads a test file only from a regular file.');
  });

  it('reports the line and column of the first byte that is not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nb: "été '), Buffer.from([0xc3, 0x28]), Buffer.from('"\n')]);
    expect(problemOf(() => decodeUtf8(bytes, opts))).toMatchObject({ problem: 'not-utf8', text: 'in.yaml:2:9 is not valid UTF-8 (byte 0xC3); save the test file as UTF-8.' });
  });

  it.each([
    ['an overlong encoding of "/"', [0x61, 0xc0, 0xaf], 1],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence at the end', [0x61, 0x62, 0xe2, 0x82], 2],
    ['a stray continuation byte', [0x80], 0],
  ])('finds %s', (_, bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });

  it('agrees with the platform\'s strict decoder on any bytes, and the prefix before the offset always decodes', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const decodes = (b: Uint8Array) => {
      try {
        strict.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => new Uint8Array(Buffer.from(s))));
    fc.assert(fc.property(bytes, (b) => {
      const at = invalidUtf8Offset(b);
      expect(at === -1).toBe(decodes(b));
      if (at >= 0) expect(decodes(b.subarray(0, at))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('writes sizes the way people read them', () => {
    expect([formatBytes(17), formatBytes(1024 * 1024), formatBytes(3.5 * 1024 * 1024 * 1024)]).toEqual(['17 bytes', '1 MiB', '3.5 GiB']);
  });
});
