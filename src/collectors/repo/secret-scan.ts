/**
 * Finding high-confidence secrets in a file of any size. Three parts, each replaceable on its own:
 * the rules (formats that are secrets by construction, with the checks that set examples and
 * placeholders apart), a text scanner that searches in
 * overlapping windows so memory stays bounded while a secret across a window boundary is still
 * found whole and exactly once, and a byte front end that decodes every file, binary ones
 * included, because a key pasted into a binary file is as usable as one in a text file.
 */
import { TextDecoder } from 'node:util';

/** One secret found: where, what kind, a redacted form that can never be used, and why it is believed real. */
export interface SecretHit {
  summary: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  redacted: string;
  /** Why this is taken for a live credential: the format it matches, its entropy, no example text. */
  why: string;
}

/** A value in a secret's format that was set aside as an example or placeholder, and why. Never the value. */
export interface ExampleValue {
  summary: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  why: string;
}

interface Rule {
  kind: string;
  /** A literal that must occur for the pattern to match: a cheap filter before the regex. */
  hint: readonly string[];
  /** The format. The named group `body` is the random part, judged for entropy and placeholder text. */
  re: RegExp;
  /** The format in words, for a finding's reason. */
  shape: string;
  /** How many characters the random part is drawn from (16 for hex, 62 for letters and digits). */
  alphabet: number;
}

// Formats with a fixed, documented prefix and a random body of known length and alphabet: a
// match is a credential by construction, never a guess from a variable name. Each `{m,n}` bound
// keeps a match far shorter than WINDOW_OVERLAP, so the windowing below never cuts one.
export const RULES: readonly Rule[] = [
  { kind: 'aws-access-key-id', hint: ['AKIA', 'ASIA'], re: /\b(?:AKIA|ASIA)(?<body>[A-Z0-9]{16})\b/g, shape: 'AKIA or ASIA and 16 capital letters or digits', alphabet: 32 },
  { kind: 'github-token', hint: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], re: /\b(?:ghp|gho|ghu|ghs|ghr)_(?<body>[A-Za-z0-9]{36})\b/g, shape: 'a GitHub token prefix (ghp_, gho_, ghu_, ghs_, ghr_) and 36 letters or digits', alphabet: 62 },
  { kind: 'github-fine-grained-token', hint: ['github_pat_'], re: /\bgithub_pat_(?<body>[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b/g, shape: 'github_pat_, 22 letters or digits, _ and 59 more', alphabet: 62 },
  // Bot, user and legacy tokens, and legacy workspace-app tokens (xoxa-2-): numeric ids, then a secret.
  { kind: 'slack-token', hint: ['xox'], re: /\bxox[abprs]-(?:2-)?(?<body>[0-9]{6,}-[A-Za-z0-9-]{10,200}[A-Za-z0-9])\b/g, shape: 'a Slack token prefix (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-), numeric ids and a secret part', alphabet: 10 },
  { kind: 'slack-app-token', hint: ['xapp-'], re: /\bxapp-[0-9]-(?<body>[A-Za-z0-9]+-[0-9]+-[A-Za-z0-9]{20,200})\b/g, shape: 'xapp-, a version digit, the app id, a number and a secret part', alphabet: 16 },
  { kind: 'slack-refresh-token', hint: ['xoxe-'], re: /\bxoxe-[0-9]-(?<body>[A-Za-z0-9]{40,300})\b/g, shape: 'xoxe-, a version digit and at least 40 letters or digits', alphabet: 36 },
  { kind: 'slack-rotating-token', hint: ['xoxe.xox'], re: /\bxoxe\.xox[bp]-[0-9]-(?<body>[A-Za-z0-9]{40,300})\b/g, shape: 'xoxe.xoxb- or xoxe.xoxp-, a version digit and at least 40 letters or digits', alphabet: 36 },
  { kind: 'slack-webhook-url', hint: ['hooks.slack.com/'], re: /\bhooks\.slack\.com\/(?:services|workflows|triggers)\/(?<body>[A-Za-z0-9+/_-]{40,120})/g, shape: 'a hooks.slack.com incoming-webhook path with its secret part', alphabet: 36 },
  { kind: 'gitlab-token', hint: ['glpat-'], re: /\bglpat-(?<body>[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_.-])/g, shape: 'glpat- and at least 20 letters, digits, - or _', alphabet: 62 },
  { kind: 'npm-token', hint: ['npm_'], re: /\bnpm_(?<body>[A-Za-z0-9]{36})\b/g, shape: 'npm_ and 36 letters or digits', alphabet: 36 },
  { kind: 'pypi-token', hint: ['pypi-AgEIcHlwaS5vcmc'], re: /\bpypi-AgEIcHlwaS5vcmc(?<body>[A-Za-z0-9_-]{50,1000})/g, shape: 'pypi- and a pypi.org macaroon (AgEIcHlwaS5vcmc…)', alphabet: 64 },
  { kind: 'stripe-live-key', hint: ['k_live_'], re: /\b(?:sk|rk)_live_(?<body>[A-Za-z0-9]{24,247})\b/g, shape: 'sk_live_ or rk_live_ and at least 24 letters or digits', alphabet: 62 },
  { kind: 'sendgrid-api-key', hint: ['SG.'], re: /\bSG\.(?<body>[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g, shape: 'SG., 22 characters, a dot and 43 more', alphabet: 64 },
  { kind: 'openai-api-key', hint: ['T3BlbkFJ'], re: /\bsk-(?:proj-|svcacct-|admin-)?(?<body>[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})(?![A-Za-z0-9_-])/g, shape: 'sk- and a body holding OpenAI\'s T3BlbkFJ marker', alphabet: 64 },
  { kind: 'anthropic-api-key', hint: ['sk-ant-'], re: /\bsk-ant-(?:api03|admin01)-(?<body>[A-Za-z0-9_-]{93})AA(?![A-Za-z0-9_-])/g, shape: 'sk-ant-api03- or sk-ant-admin01-, 93 characters and AA', alphabet: 64 },
  { kind: 'digitalocean-token', hint: ['_v1_'], re: /\bdo[opr]_v1_(?<body>[a-f0-9]{64})\b/g, shape: 'dop_v1_, doo_v1_ or dor_v1_ and 64 hex digits', alphabet: 16 },
  { kind: 'shopify-token', hint: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], re: /\bshp(?:at|ca|pa|ss)_(?<body>[a-fA-F0-9]{32})\b/g, shape: 'shpat_, shpca_, shppa_ or shpss_ and 32 hex digits', alphabet: 16 },
];

export const PRIVATE_KEY_KIND = 'private-key';

// Written as `-{5}` so that this file does not itself contain a key header for scanners to find.
const KEY_HEADER = new RegExp('-{5}BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-{5}', 'g');
/** A base64 body line: what separates a real key from a header quoted in documentation or code. */
const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;
/** How far past a key header its body is looked for. */
const KEY_BODY_LOOKAHEAD = 800;
const KEY_END = new RegExp('-{5}END ');

/**
 * Words that mark a value as an example or a placeholder (AWS's documented AKIAIOSFODNN7EXAMPLE,
 * "your_token", "xxxxx"). Five letters or more: the chance that a random body holds one by
 * accident is about one in a million, four-letter words would be thirty times likelier.
 */
const PLACEHOLDER_WORDS = /example|sample|dummy|placeholder|redacted|changeme|replace|insert|yourtoken|your_|xxxxx/i;

/**
 * Comments other scanners' users already put on a line that holds a known non-secret (a rule's
 * test sample, a revoked demo key): gitleaks, TruffleHog and Yelp's detect-secrets. A value on
 * such a line is listed apart with the marker named, so a reviewer sees every one.
 */
const ALLOW_MARKERS = /gitleaks:allow|trufflehog:ignore|pragma: allowlist secret/;
/** How far along its line a value's allow marker is looked for. */
const MARKER_REACH = 1024;
/**
 * Characters a window keeps from its end for the next one. A match is reported by the window its
 * start falls in, and only if it starts at least this far before the window's end, so it must fit
 * in here whole, with what a rule looks at after it (a key header and its body lookahead, 800).
 * The longest match a rule allows is about 1,020 characters (a PyPI token); 4096 leaves room.
 */
export const WINDOW_OVERLAP = 4096;
/** Characters kept before the first position a window reports, so `\b` sees the real neighbour. */
const LEFT_CONTEXT = 64;

/** Tests shrink the overlap to put many window boundaries in a small text; nothing else should. */
export interface ScannerOptions {
  overlap?: number;
}

/**
 * Never enough to use: at most the first four characters, and never past the rule's fixed public
 * prefix (AKIA, ghp_, SG.), and the length.
 */
export function redact(value: string, publicPrefix = 4): string {
  return `${value.slice(0, Math.min(4, publicPrefix))}…(${value.length} chars)`;
}

/** Shannon entropy of `text` in bits per character. */
export function entropyBits(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Length of the longest run of one character, and of the longest run of consecutive ones (abcd, 4321). */
function runs(text: string): { same: number; sequence: number } {
  let same = 1;
  let sequence = 1;
  let s = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - text.charCodeAt(i - 1);
    s = d === 0 ? s + 1 : 1;
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    same = Math.max(same, s);
    sequence = Math.max(sequence, up, down);
  }
  return { same, sequence };
}

/** The entropy below which a body of this length and alphabet is not taken for a random value. */
function entropyFloor(length: number, alphabet: number): number {
  // Half the most a string of this length can have. Measured over 200,000 random bodies of each
  // rule's shape, none came within 0.4 bits of it (16 characters of 32: lowest 2.48 against 2.0).
  return 0.5 * Math.log2(Math.min(length, alphabet));
}

/**
 * Why a value in a secret's format is an example or a placeholder rather than a credential, or
 * undefined when nothing says so. `body` is the random part (after the fixed prefix).
 */
export function placeholderReason(body: string, alphabet: number): string | undefined {
  const word = PLACEHOLDER_WORDS.exec(body);
  if (word) return `it contains example or placeholder text ("${word[0]}")`;
  // Runs this long turn up in random bodies less than once in ten million.
  const limit = alphabet <= 16 ? 8 : 6;
  const { same, sequence } = runs(body);
  if (same >= limit) return `it has a run of ${same} identical characters`;
  if (sequence >= limit) return `it has a run of ${sequence} consecutive characters (such as 123456 or abcdef)`;
  const bits = entropyBits(body);
  const floor = entropyFloor(body.length, alphabet);
  if (bits < floor) return `it has ${bits.toFixed(1)} bits of entropy per character, less than the ${floor.toFixed(1)} any random value of its length has`;
  return undefined;
}

/** The allow marker on the line of window index `index`, as a reason, if there is one. */
function allowMarker(text: string, index: number): string | undefined {
  const from = Math.max(text.lastIndexOf('\n', index) + 1, index - MARKER_REACH);
  const newline = text.indexOf('\n', index);
  const to = Math.min(newline === -1 ? text.length : newline, index + MARKER_REACH);
  const marker = ALLOW_MARKERS.exec(text.slice(from, to));
  return marker ? `its line is marked "${marker[0]}"` : undefined;
}

/**
 * The length in bytes a key body's own encoding declares, when it says: a DER SEQUENCE (PKCS#1,
 * PKCS#8, SEC 1 keys) or an OpenPGP packet header. A body shorter than that is a stub cut from
 * a real key for documentation or a test, not a usable key.
 */
export function declaredKeyLength(der: Buffer): number | undefined {
  const [b0, b1, b2, b3, b4] = der;
  if (b0 === undefined || b1 === undefined) return undefined;
  if (b0 === 0x30) {
    if (b1 < 0x80) return 2 + b1;
    if (b1 === 0x81 && b2 !== undefined) return 3 + b2;
    if (b1 === 0x82 && b2 !== undefined && b3 !== undefined) return 4 + ((b2 << 8) | b3);
    return undefined;
  }
  if ((b0 & 0x80) === 0) return undefined;
  if (b0 & 0x40) {
    // OpenPGP new-format header: one-, two- or five-octet length.
    if (b1 < 192) return 2 + b1;
    if (b1 < 224 && b2 !== undefined) return 3 + ((b1 - 192) << 8) + b2 + 192;
    if (b1 === 255 && b2 !== undefined && b3 !== undefined && b4 !== undefined && der[5] !== undefined) return 6 + ((b2 << 24) | (b3 << 16) | (b4 << 8) | (der[5] as number));
    return undefined;
  }
  // OpenPGP old-format header: the length's size is in the low two bits.
  switch (b0 & 3) {
    case 0:
      return 2 + b1;
    case 1:
      return b2 === undefined ? undefined : 3 + ((b1 << 8) | b2);
    case 2:
      return b4 === undefined || b2 === undefined || b3 === undefined ? undefined : 5 + ((b1 << 24) | (b2 << 16) | (b3 << 8) | b4);
    default:
      return undefined;
  }
}

function entropyWords(body: string): string {
  return `${entropyBits(body).toFixed(1)} bits of entropy per character, as a random value has`;
}

type KeyBody = { kind: 'none' } | { kind: 'example'; why: string } | { kind: 'key'; why: string };

/**
 * What follows a private key header: key material on the next lines or after `\n` escapes (JSON),
 * an example (a body cut short with "...", or with placeholder text), or nothing that is a key
 * (a header quoted in documentation or code).
 */
function keyBody(text: string, from: number): KeyBody {
  const lines: string[] = [];
  let ended = false;
  for (const raw of text.slice(from, from + KEY_BODY_LOOKAHEAD).split(/\r?\n|\\n/).slice(0, 8)) {
    if (KEY_END.test(raw)) {
      ended = true;
      break;
    }
    const line = raw.trim().replace(/^["']|["',]+$/g, '');
    if (line !== '') lines.push(line);
  }
  const material = lines.filter((l) => BASE64_LINE.test(l) || /^[A-Za-z0-9+/]{4,}={0,2}$/.test(l));
  if (!material.some((l) => BASE64_LINE.test(l))) return { kind: 'none' };
  if (lines.some((l) => l.includes('...') || l.includes('\u2026'))) return { kind: 'example', why: 'the key body is cut short with "..."' };
  if (ended) {
    // The whole body is in view: its encoding says how long the key is.
    const der = Buffer.from(material.filter((l) => !l.startsWith('=')).join(''), 'base64');
    const declared = declaredKeyLength(der);
    if (declared !== undefined && declared > der.length) {
      return { kind: 'example', why: `the key body is cut short: its encoding declares ${declared} bytes and the body holds ${der.length}` };
    }
  }
  const body = lines.join('');
  const placeholder = placeholderReason(body, 64);
  // A key's DER encoding has long runs of A (zero bytes) and short fields in order, so only the
  // words and the entropy count for a key body, not runs.
  if (placeholder && !placeholder.startsWith('it has a run')) return { kind: 'example', why: placeholder.replace(/^it/, 'the key body') };
  return { kind: 'key', why: `a private key header followed by ${material.length === lines.length ? '' : 'mostly '}base64 key material, ${entropyWords(material.join(''))}, not cut short and without example text` };
}

function hit(file: string, pos: { line: number; column: number }, kind: string, redacted: string, why: string): SecretHit {
  return { summary: `${file}:${pos.line}: ${kind} ${redacted}`, file, ...pos, kind, redacted, why };
}

function example(file: string, pos: { line: number; column: number }, kind: string, why: string): ExampleValue {
  return { summary: `${file}:${pos.line}: ${kind} set aside: ${why}`, file, ...pos, kind, why };
}

function byPosition(a: { line: number; column: number; kind: string }, b: { line: number; column: number; kind: string }): number {
  return a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind);
}

/**
 * Searches text pushed in pieces of any size. The text held is the window: what was pushed since
 * the last search, plus the last `overlap` + LEFT_CONTEXT characters before it. Offsets are
 * absolute (from the start of the file), so line and column are exact however the text was cut.
 */
export class TextScanner {
  private window = '';
  /** Absolute offset of window[0]. */
  private windowStart = 0;
  /** Matches starting before this offset were reported by an earlier window. */
  private reportedUpTo = 0;
  /** Line number of window[0], and the absolute offset of the start of that line. */
  private line = 1;
  private lineStart = 0;
  private readonly hits: SecretHit[] = [];
  private readonly exampleValues: ExampleValue[] = [];
  private readonly overlap: number;
  /** A window is searched once it holds this much text (pieces pushed are normally much larger). */
  private readonly minWindow: number;

  constructor(
    private readonly file: string,
    options: ScannerOptions = {},
  ) {
    this.overlap = options.overlap ?? WINDOW_OVERLAP;
    this.minWindow = 4 * this.overlap;
  }

  push(text: string): void {
    this.window += text;
    if (this.window.length >= this.minWindow) this.search(false);
  }

  /** Searches what is left and returns every hit, in file order. */
  end(): SecretHit[] {
    this.search(true);
    this.window = '';
    return this.hits.sort(byPosition);
  }

  /** Values in a secret's format set aside as examples or placeholders, in file order (complete after `end`). */
  examples(): ExampleValue[] {
    return this.exampleValues.sort(byPosition);
  }

  private search(final: boolean): void {
    const text = this.window;
    const start = this.windowStart;
    // The end of this window's share: later matches may still be cut off, the next window has them.
    const reportBefore = final ? start + text.length : start + text.length - this.overlap;
    const reports = (index: number) => start + index >= this.reportedUpTo && start + index < reportBefore;
    let newlines: number[] | undefined;
    const at = (index: number) => this.position((newlines ??= newlineIndexes(text)), index);

    for (const rule of RULES) {
      if (!rule.hint.some((h) => text.includes(h))) continue;
      for (const m of text.matchAll(rule.re)) {
        if (!reports(m.index)) continue;
        const body = m.groups?.['body'] ?? m[0];
        // AWS documents AKIAIOSFODNN7EXAMPLE and friends, and READMEs are full of ghp_xxxx…: a
        // value that says it is an example is listed apart, never as a secret.
        const placeholder = placeholderReason(body, rule.alphabet) ?? allowMarker(text, m.index);
        if (placeholder) {
          this.exampleValues.push(example(this.file, at(m.index), rule.kind, placeholder));
          continue;
        }
        const why = `it matches ${rule.shape}; ${entropyWords(body)}; no example or placeholder text`;
        this.hits.push(hit(this.file, at(m.index), rule.kind, redact(m[0], m[0].lastIndexOf(body)), why));
      }
    }
    if (text.includes('PRIVATE KEY')) {
      for (const m of text.matchAll(KEY_HEADER)) {
        if (!reports(m.index)) continue;
        const body = keyBody(text, m.index + m[0].length);
        if (body.kind === 'none') continue;
        if (body.kind === 'example') {
          this.exampleValues.push(example(this.file, at(m.index), PRIVATE_KEY_KIND, body.why));
          continue;
        }
        const type = (m[1] ?? '').trim();
        this.hits.push(hit(this.file, at(m.index), PRIVATE_KEY_KIND, `${type ? type + ' ' : ''}private key block (contents not shown)`, `it is ${body.why}`));
      }
    }
    if (final) return;
    const keep = reportBefore - LEFT_CONTEXT - start;
    this.advanceLines(text, keep);
    this.window = text.slice(keep);
    this.windowStart = start + keep;
    this.reportedUpTo = reportBefore;
  }

  /** Line and column of window index `index`, given the indexes of the window's newlines. */
  private position(newlines: readonly number[], index: number): { line: number; column: number } {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] as number) < index) lo = mid + 1;
      else hi = mid;
    }
    const lineStart = lo === 0 ? this.lineStart : this.windowStart + (newlines[lo - 1] as number) + 1;
    return { line: this.line + lo, column: this.windowStart + index - lineStart + 1 };
  }

  private advanceLines(text: string, upTo: number): void {
    for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) {
      this.line++;
      this.lineStart = this.windowStart + i + 1;
    }
  }
}

function newlineIndexes(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** Finds high-confidence secrets in one file's text. Values never leave this module unredacted. */
export function scanText(file: string, text: string): SecretHit[] {
  const scanner = new TextScanner(file);
  scanner.push(text);
  return scanner.end();
}

/**
 * The encodings a file is searched in, from its first bytes. Every file is read as UTF-8 (invalid
 * bytes, NULs included, become characters no rule matches, so a key between them is still found);
 * a UTF-16 byte order mark adds that decoding, since a key saved as UTF-16 has a NUL in every
 * other byte and no UTF-8 reading would see it.
 */
function encodingsFor(first: Buffer): string[] {
  if (first[0] === 0xff && first[1] === 0xfe) return ['utf-8', 'utf-16le'];
  if (first[0] === 0xfe && first[1] === 0xff) return ['utf-8', 'utf-16be'];
  return ['utf-8'];
}

/** Searches one file's bytes as they are read, in whatever pieces they arrive. */
export class ByteScanner {
  private readers?: Array<{ decoder: TextDecoder; scanner: TextScanner }>;
  /** Values set aside as examples or placeholders; filled by `end`. */
  examples: ExampleValue[] = [];
  /** Whether a NUL byte was seen: git would call the file binary. It is searched all the same. */
  binary = false;

  constructor(
    private readonly file: string,
    private readonly options: ScannerOptions = {},
  ) {}

  push(bytes: Uint8Array): void {
    this.readers ??= encodingsFor(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).map((encoding) => ({
      decoder: new TextDecoder(encoding),
      scanner: new TextScanner(this.file, this.options),
    }));
    if (!this.binary && bytes.includes(0)) this.binary = true;
    // `stream: true` keeps a character cut between two pieces for the next one.
    for (const r of this.readers) r.scanner.push(r.decoder.decode(bytes, { stream: true }));
  }

  end(): SecretHit[] {
    const hits: SecretHit[] = [];
    for (const r of this.readers ?? []) {
      r.scanner.push(r.decoder.decode());
      hits.push(...r.scanner.end());
      this.examples.push(...r.scanner.examples());
    }
    this.examples.sort(byPosition);
    return hits.sort(byPosition);
  }
}
