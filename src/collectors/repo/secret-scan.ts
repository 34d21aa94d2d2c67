/**
 * Finding high-confidence secrets in a file of any size. Three parts, each replaceable on its own:
 * the rules (formats that are secrets by construction), a text scanner that searches in
 * overlapping windows so memory stays bounded while a secret across a window boundary is still
 * found whole and exactly once, and a byte front end that decodes every file, binary ones
 * included, because a key pasted into a binary file is as usable as one in a text file.
 */
import { TextDecoder } from 'node:util';

/** One secret found: where, what kind, and a redacted form that can never be used. */
export interface SecretHit {
  summary: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  redacted: string;
}

interface Rule {
  kind: string;
  /** A literal that must occur for the pattern to match: a cheap filter before the regex. */
  hint: readonly string[];
  re: RegExp;
}

export const RULES: readonly Rule[] = [
  { kind: 'aws-access-key-id', hint: ['AKIA', 'ASIA'], re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'github-token', hint: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/g },
  { kind: 'github-fine-grained-token', hint: ['github_pat_'], re: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/g },
  { kind: 'slack-token', hint: ['xox'], re: /\bxox[abprs]-[0-9]{6,}-[A-Za-z0-9-]{10,}[A-Za-z0-9]\b/g },
];

export const PRIVATE_KEY_KIND = 'private-key';

// Written as `-{5}` so that this file does not itself contain a key header for scanners to find.
const KEY_HEADER = new RegExp('-{5}BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-{5}', 'g');
/** A base64 body line: what separates a real key from a header quoted in documentation or code. */
const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;
/** How far past a key header its body is looked for. */
const KEY_BODY_LOOKAHEAD = 800;

/**
 * Characters a window keeps from its end for the next one. A match is reported by the window its
 * start falls in, and only if it starts at least this far before the window's end, so it must fit
 * in here whole, with what a rule looks at after it (a key header and its body lookahead, 800).
 * The longest fixed-length match is 93 characters; 4096 leaves room for new rules.
 */
export const WINDOW_OVERLAP = 4096;
/** Characters kept before the first position a window reports, so `\b` sees the real neighbour. */
const LEFT_CONTEXT = 64;

/** Tests shrink the overlap to put many window boundaries in a small text; nothing else should. */
export interface ScannerOptions {
  overlap?: number;
}

/** Never enough to use: the first four characters (a fixed public prefix for every rule) and the length. */
export function redact(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

/** Whether a private key header is followed by key material, on the next lines or after `\n` escapes (JSON). */
function hasKeyBody(text: string, from: number): boolean {
  const segments = text.slice(from, from + KEY_BODY_LOOKAHEAD).split(/\r?\n|\\n/).slice(0, 8);
  return segments.some((s) => BASE64_LINE.test(s.trim().replace(/^["']|["',]+$/g, '')));
}

function hit(file: string, pos: { line: number; column: number }, kind: string, redacted: string): SecretHit {
  return { summary: `${file}:${pos.line}: ${kind} ${redacted}`, file, ...pos, kind, redacted };
}

function byPosition(a: SecretHit, b: SecretHit): number {
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
        // AWS documents AKIAIOSFODNN7EXAMPLE and friends; they appear in countless READMEs.
        if (rule.kind === 'aws-access-key-id' && m[0].includes('EXAMPLE')) continue;
        this.hits.push(hit(this.file, at(m.index), rule.kind, redact(m[0])));
      }
    }
    if (text.includes('PRIVATE KEY')) {
      for (const m of text.matchAll(KEY_HEADER)) {
        if (!reports(m.index) || !hasKeyBody(text, m.index + m[0].length)) continue;
        const type = (m[1] ?? '').trim();
        this.hits.push(hit(this.file, at(m.index), PRIVATE_KEY_KIND, `${type ? type + ' ' : ''}private key block (contents not shown)`));
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
    }
    return hits.sort(byPosition);
  }
}
