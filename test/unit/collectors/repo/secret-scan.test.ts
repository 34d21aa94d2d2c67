import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteScanner, declaredKeyLength, scanText, TextScanner, WINDOW_OVERLAP } from '../../../../src/collectors/repo/secret-scan.js';
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

/** Joins pieces at run time: this file must not hold a literal that secret scanners would flag. */
const j = (...parts: string[]) => parts.join('');
const HEX = '0123456789abcdef';
const DIGITS = '0123456789';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** One made-up value per format added for issue 13, each shaped exactly as its issuer documents it. */
const FORMATS: ReadonlyArray<{ kind: string; value: string }> = [
  { kind: 'slack-token', value: j('xo', 'xa-2-', fakeChars(12, 41, DIGITS), '-', fakeChars(12, 43, DIGITS), '-', fakeChars(12, 47, DIGITS), '-', fakeChars(32, 53, HEX)) },
  { kind: 'slack-app-token', value: j('xa', 'pp-1-', 'A0', fakeChars(9, 59, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), '-', fakeChars(13, 61, DIGITS), '-', fakeChars(64, 67, HEX)) },
  { kind: 'slack-refresh-token', value: j('xo', 'xe-1-', fakeChars(146, 71)) },
  { kind: 'slack-rotating-token', value: j('xo', 'xe.', 'xoxp-1-', fakeChars(163, 73)) },
  { kind: 'slack-webhook-url', value: j('https://hooks', '.slack.com/services/T', fakeChars(8, 79, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), '/B', fakeChars(10, 83, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), '/', fakeChars(24, 89)) },
  { kind: 'gitlab-token', value: j('gl', 'pat-', fakeChars(20, 97)) },
  { kind: 'npm-token', value: j('np', 'm_', fakeChars(36, 101)) },
  { kind: 'pypi-token', value: j('py', 'pi-', 'AgEIcHlwaS5vcmc', fakeChars(120, 103, B64URL)) },
  { kind: 'stripe-live-key', value: j('sk', '_live_', fakeChars(99, 107)) },
  { kind: 'sendgrid-api-key', value: j('SG', '.', fakeChars(22, 109, B64URL), '.', fakeChars(43, 113, B64URL)) },
  { kind: 'openai-api-key', value: j('sk', '-proj-', fakeChars(74, 127, B64URL), 'T3Blbk', 'FJ', fakeChars(74, 131, B64URL)) },
  { kind: 'anthropic-api-key', value: j('sk', '-ant-api03-', fakeChars(93, 137, B64URL), 'AA') },
  { kind: 'digitalocean-token', value: j('do', 'p_v1_', fakeChars(64, 139, HEX)) },
  { kind: 'shopify-token', value: j('sh', 'pat_', fakeChars(32, 149, HEX)) },
];

describe('collectors/repo/secret-scan: formats and examples', () => {
  it('finds every format with a documented fixed prefix, once, with its kind and why', () => {
    const text = FORMATS.map((f, i) => `line${i} = "${f.value}"`).join('\n') + '\n';
    const hits = scanText('config/tokens.env', text);
    expect(hits.map((h) => [h.line, h.kind])).toEqual(FORMATS.map((f, i) => [i + 1, f.kind]));
    for (const h of hits) expect(h.why).toMatch(/^it matches .+; \d\.\d bits of entropy per character, as a random value has; no example or placeholder text$/);
  });

  it('never shows more than the public prefix of a value, however short that prefix is', () => {
    const sendgrid = FORMATS.find((f) => f.kind === 'sendgrid-api-key')!.value;
    const [hit] = scanText('f', sendgrid);
    expect(hit?.redacted).toBe(`SG.…(${sendgrid.length} chars)`);
  });

  it('sets example and placeholder values apart, says why, and never reports them as secrets', () => {
    const dashes = '-'.repeat(5);
    const header = `${dashes}BEGIN RSA ${'PRIVATE'} KEY${dashes}`;
    const footer = `${dashes}END RSA ${'PRIVATE'} KEY${dashes}`;
    const body = fakeChars(64, 151, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
    const lines = [
      /* 1 */ `aws_access_key_id = ${j('AK', 'IA', 'IOSFODNN7', 'EXAMPLE')}`,
      /* 2 */ `GITHUB_TOKEN=${j('gh', 'p_', 'x'.repeat(36))}`,
      /* 3 */ `id: ${j('AK', 'IA', '1234567890', 'QRSTUV')}`,
      /* 4 */ `token: ${j('gh', 'p_', 'YourTokenHere', fakeChars(23, 157))}`,
      /* 5 */ `token: ${j('gh', 'p_', 'ab'.repeat(18))}`,
      /* 6 */ `url: ${j('https://hooks', '.slack.com/services/', 'T00000000/B00000000/', 'X'.repeat(24))}`,
      /* 7 */ header,
      /* 8 */ body,
      /* 9 */ '...',
      /* 10 */ footer,
      /* 11 */ header,
      /* 12 */ `${body.slice(0, 40)}EXAMPLEKEYMATERIAL${body.slice(0, 10)}`,
      /* 13 */ footer,
    ];
    const scanner = new TextScanner('README.md');
    scanner.push(lines.join('\n') + '\n');
    expect(scanner.end()).toEqual([]);
    expect(scanner.examples().map((e) => [e.line, e.kind, e.why])).toEqual([
      [1, 'aws-access-key-id', 'it contains example or placeholder text ("EXAMPLE")'],
      [2, 'github-token', 'it contains example or placeholder text ("xxxxx")'],
      [3, 'aws-access-key-id', 'it has a run of 9 consecutive characters (such as 123456 or abcdef)'],
      [4, 'github-token', 'it contains example or placeholder text ("YourToken")'],
      [5, 'github-token', 'it has 1.0 bits of entropy per character, less than the 2.6 any random value of its length has'],
      [6, 'slack-webhook-url', 'it contains example or placeholder text ("XXXXX")'],
      [7, 'private-key', 'the key body is cut short with "..."'],
      [11, 'private-key', 'the key body contains example or placeholder text ("EXAMPLE")'],
    ]);
    expect(scanner.examples()[0]?.summary).toBe('README.md:1: aws-access-key-id set aside: it contains example or placeholder text ("EXAMPLE")');
  });

  it('sets aside a key stub whose encoding declares more bytes than its body holds, and a value on a line marked for other scanners', () => {
    const dashes = '-'.repeat(5);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    // A PKCS#8 SEQUENCE header declaring 1,217 bytes (30 82 04 bd), then two lines of a body.
    const stub = [`${dashes}BEGIN ${'PRIVATE'} KEY${dashes}`, 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC' + fakeChars(32, 171, b64), fakeChars(24, 173, b64), `${dashes}END ${'PRIVATE'} KEY${dashes}`].join('\n');
    const token = j('gh', 'p_', fakeChars(36, 179));
    const scanner = new TextScanner('rules/github.go');
    scanner.push(`${stub}\nsamples := []string{"${token}", // gitleaks:allow\n  "${token}", // pragma: allowlist secret\n}\nreal := "${token}"\n`);
    expect(scanner.end().map((h) => [h.line, h.kind])).toEqual([[8, 'github-token']]);
    expect(scanner.examples().map((e) => [e.line, e.why])).toEqual([
      [1, 'the key body is cut short: its encoding declares 1217 bytes and the body holds 66'],
      [5, 'its line is marked "gitleaks:allow"'],
      [6, 'its line is marked "pragma: allowlist secret"'],
    ]);
  });

  it('reads the length a key body declares from DER and OpenPGP headers', () => {
    expect(declaredKeyLength(Buffer.from([0x30, 0x82, 0x04, 0xbd]))).toBe(1217);
    expect(declaredKeyLength(Buffer.from([0x30, 0x81, 0x87]))).toBe(138);
    expect(declaredKeyLength(Buffer.from([0x30, 0x2e]))).toBe(48);
    expect(declaredKeyLength(Buffer.from([0x95, 0x05, 0x86]))).toBe(1417);
    expect(declaredKeyLength(Buffer.from([0xc5, 0xc1, 0x10]))).toBe(3 + (1 << 8) + 0x10 + 192);
    expect(declaredKeyLength(Buffer.from('openssh-key-v1'))).toBeUndefined();
  });

  it('keeps a private key whose body has long runs of A, as real DER encodings do', () => {
    const dashes = '-'.repeat(5);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const key = [
      `${dashes}BEGIN OPENSSH ${'PRIVATE'} KEY${dashes}`,
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      fakeChars(70, 163, b64),
      fakeChars(70, 167, b64),
      `${dashes}END OPENSSH ${'PRIVATE'} KEY${dashes}`,
    ].join('\n');
    expect(scanText('id_ed25519', key).map((h) => h.kind)).toEqual(['private-key']);
  });

  it('sets aside so few random bodies that none of 20,000 random keys of each format is lost', () => {
    const alphabets = { 'aws-access-key-id': 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 'github-token': 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'digitalocean-token': HEX } as const;
    const make = { 'aws-access-key-id': (b: string) => j('AK', 'IA', b), 'github-token': (b: string) => j('gh', 'p_', b), 'digitalocean-token': (b: string) => j('do', 'p_v1_', b) } as const;
    const lengths = { 'aws-access-key-id': 16, 'github-token': 36, 'digitalocean-token': 64 } as const;
    for (const kind of Object.keys(alphabets) as Array<keyof typeof alphabets>) {
      // Deterministic, but from a generator whose every bit is mixed (fast-check's), not the LCG's low bits.
      const bodies = fc.sample(fc.string({ unit: fc.constantFrom(...alphabets[kind].split('')), minLength: lengths[kind], maxLength: lengths[kind] }), { numRuns: 20_000, seed: 13 });
      const text = bodies.map((b) => make[kind](b)).join('\n');
      expect(scanText('keys.txt', text).length, kind).toBe(bodies.length);
    }
  });
});
