import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteScanner, scanText, TextScanner, WINDOW_OVERLAP } from '../../../../src/collectors/repo/secret-scan.js';
import { fake, fakeChars } from './helpers.js';

const KEYS = [
  { kind: 'aws-access-key-id', value: fake.awsKeyId() },
  { kind: 'github-token', value: fake.githubToken() },
  { kind: 'github-fine-grained-token', value: fake.githubFineGrained() },
  { kind: 'slack-token', value: fake.slackToken() },
];

/** Text of filler and keys, with where each key must be reported (a key glued to a letter must not be). */
function compose(parts: ReadonlyArray<{ filler: string; key: number; glued: boolean }>): {
  text: string;
  expected: Array<{ line: number; column: number; kind: string }>;
} {
  let text = '';
  const expected: Array<{ line: number; column: number; kind: string }> = [];
  for (const { filler, key, glued } of parts) {
    text += filler + (glued ? 'Q' : ' ');
    const k = KEYS[key]!;
    const before = text.split('\n');
    if (!glued) expected.push({ line: before.length, column: before.at(-1)!.length + 1, kind: k.kind });
    text += k.value + ' ';
  }
  return { text, expected };
}

/** Cuts `bytes` at the given fractions of its length. */
function cut(bytes: Buffer, fractions: readonly number[]): Buffer[] {
  const at = [...new Set(fractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    pieces.push(bytes.subarray(from, to));
    from = to;
  }
  return pieces;
}

/**
 * A small overlap puts a window boundary every few hundred characters, so random keys land on
 * boundaries often; it still exceeds the longest key (93 characters) plus the left context.
 */
const overlap = 160;

/**
 * Filler of one- to three-byte characters and a few newlines, from a length and a seed (cheap to
 * shrink). The alphabet has 38 characters, not a power of two: with 32 the generator's low bits,
 * which cycle, would put a newline at a fixed period and no line would ever cross a window start.
 */
const filler = fc
  .record({ length: fc.integer({ min: 0, max: 3 * overlap }), seed: fc.nat() })
  .map(({ length, seed }) => fakeChars(length, seed, 'aé €-_xbcdefghijklmnopqrstuvwyzABCDEF\n'));
const parts = fc.array(fc.record({ filler, key: fc.integer({ min: 0, max: KEYS.length - 1 }), glued: fc.boolean() }), { minLength: 1, maxLength: 40 });

describe('collectors/repo/secret-scan', () => {
  it('reports every key once, at its line and column, however the bytes are cut', () => {
    fc.assert(
      fc.property(parts, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 60 }), (p, fractions) => {
        const { text, expected } = compose(p);
        const scanner = new ByteScanner('f', { overlap });
        for (const piece of cut(Buffer.from(text, 'utf8'), fractions)) scanner.push(piece);
        const found = scanner.end().map(({ line, column, kind }) => ({ line, column, kind }));
        expect(found).toEqual(expected);
        expect(scanText('f', text).map(({ line, column, kind }) => ({ line, column, kind }))).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('finds a key that starts just before a window stops reporting, and reports it once', () => {
    const key = KEYS[2]!.value;
    // The first window is searched once 4 × WINDOW_OVERLAP characters are held, and reports
    // matches starting up to WINDOW_OVERLAP before its end: put keys on both sides of that line.
    const windowEnd = 4 * WINDOW_OVERLAP;
    for (let start = windowEnd - WINDOW_OVERLAP - 3; start <= windowEnd - WINDOW_OVERLAP + 3; start++) {
      const text = 'x'.repeat(start - 1) + ' ' + key + ' ' + 'y'.repeat(windowEnd);
      const scanner = new TextScanner('f');
      scanner.push(text.slice(0, windowEnd));
      scanner.push(text.slice(windowEnd));
      expect(scanner.end().map((h) => h.column), `key at ${start}`).toEqual([start + 1]);
    }
  });

  it('does not invent a key boundary where a window starts', () => {
    const key = KEYS[0]!.value;
    const small = 160;
    // The first search happens at 4 × overlap characters and reports up to one overlap before
    // that; the next window starts a little earlier. Glue a key to a letter around that line.
    const reportedUpTo = 3 * small;
    for (let start = reportedUpTo - 80; start <= reportedUpTo + 80; start++) {
      const text = 'z'.repeat(start - 1) + 'Q' + key + '\n' + 'y'.repeat(4 * small);
      const scanner = new TextScanner('f', { overlap: small });
      scanner.push(text.slice(0, 4 * small));
      scanner.push(text.slice(4 * small));
      expect(scanner.end(), `key at ${start}`).toEqual([]);
    }
  });

  it('finds a private key whose header sits at the end of one piece and its body in the next', () => {
    const key = fake.privateKey();
    const text = 'a'.repeat(5 * WINDOW_OVERLAP - 30) + '\n' + key + '\n';
    const scanner = new ByteScanner('id_rsa');
    const bytes = Buffer.from(text);
    scanner.push(bytes.subarray(0, 5 * WINDOW_OVERLAP));
    scanner.push(bytes.subarray(5 * WINDOW_OVERLAP));
    expect(scanner.end()).toEqual([expect.objectContaining({ line: 2, column: 1, kind: 'private-key' })]);
  });

  it('reads a UTF-16 file with a byte order mark in both byte orders, and says a NUL byte makes it binary', () => {
    const ghp = KEYS[1]!.value;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`a\nb ${ghp}\n`, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    for (const bytes of [le, Buffer.concat([Buffer.from([0xfe, 0xff]), be])]) {
      const scanner = new ByteScanner('f');
      // Cut inside a two-byte unit on purpose.
      scanner.push(bytes.subarray(0, 7));
      scanner.push(bytes.subarray(7));
      expect(scanner.end().map(({ line, column, kind }) => ({ line, column, kind }))).toEqual([{ line: 2, column: 3, kind: 'github-token' }]);
      expect(scanner.binary).toBe(true);
    }
  });

  it('finds nothing in an empty file and calls a text file text', () => {
    const scanner = new ByteScanner('f');
    expect(scanner.end()).toEqual([]);
    const text = new ByteScanner('g');
    text.push(Buffer.from('plain\n'));
    expect(text.end()).toEqual([]);
    expect(text.binary).toBe(false);
  });
});
