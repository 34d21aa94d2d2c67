/**
 * repo.secrets — are high-confidence secrets committed in tracked files? Only formats that are
 * secrets by construction are looked for (AWS access key ids, GitHub tokens, Slack tokens, private
 * key blocks with a body), so a hit is worth acting on. The evidence names the file, line and kind
 * of every hit and never the value: only its first four characters (a public prefix such as AKIA
 * or ghp_) and its length. Binary files and files over the size cap are skipped, and listed.
 */
import { z } from 'zod';
import type { Collector, Evidence, Gap } from '../types.js';
import { DEFAULT_MAX_BYTES, globToRegExp, loadRepo, localCall, mapLimit, readGap, readRepoFile, repoFacts, dirGaps } from './files.js';

/** Files read at once; enough to keep the disk busy without exhausting file handles. */
const CONCURRENCY = 16;
/** Hits listed in full; the count stays exact beyond it. */
const MAX_LISTED = 500;

interface Rule {
  kind: string;
  /** A literal that must occur for the pattern to match: a cheap filter before the regex. */
  hint: readonly string[];
  re: RegExp;
}

const RULES: readonly Rule[] = [
  { kind: 'aws-access-key-id', hint: ['AKIA', 'ASIA'], re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { kind: 'github-token', hint: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], re: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b/g },
  { kind: 'github-fine-grained-token', hint: ['github_pat_'], re: /\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b/g },
  { kind: 'slack-token', hint: ['xox'], re: /\bxox[abprs]-[0-9]{6,}-[A-Za-z0-9-]{10,}[A-Za-z0-9]\b/g },
];

// Written as `-{5}` so that this file does not itself contain a key header for scanners to find.
const KEY_HEADER = new RegExp('-{5}BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-{5}', 'g');
/** A base64 body line: what separates a real key from a header quoted in documentation or code. */
const BASE64_LINE = /^[A-Za-z0-9+/]{40,}={0,2}$/;

const params = z.strictObject({
  maxFileBytes: z.number().int().positive().default(DEFAULT_MAX_BYTES).describe('Files larger than this are not scanned (they are listed).'),
  exclude: z.array(z.string()).default([]).describe('Globs of paths not scanned, e.g. test/fixtures/** for deliberate fake keys.'),
});

const secret = z.object({
  summary: z.string().describe('where and what'),
  file: z.string().describe('file'),
  line: z.number().describe('line number'),
  column: z.number().describe('column'),
  kind: z.string().describe('kind of secret'),
  redacted: z.string().describe('redacted value'),
});

const resource = z.object({
  secretCount: z.number().describe('high-confidence secrets found in tracked files'),
  secrets: z.array(secret).describe('secrets found (values redacted)'),
  filesScanned: z.number().describe('files scanned'),
  filesSkippedBinary: z.number().describe('binary files skipped'),
  filesNotScanned: z.array(z.object({ path: z.string().describe('file'), reason: z.string().describe('reason') }))
    .describe('files not scanned'),
  excludedFileCount: z.number().describe('files excluded by the exclude parameter'),
  fileListMethod: z.enum(['git', 'walk']).describe('how the files to scan were listed'),
});

export type SecretsParams = z.infer<typeof params>;
export type SecretsResource = z.infer<typeof resource>;
export type SecretHit = z.infer<typeof secret>;

/** Never enough to use: the first four characters (a fixed public prefix for every rule) and the length. */
export function redact(value: string): string {
  return `${value.slice(0, 4)}…(${value.length} chars)`;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}

/** Whether a private key header is followed by key material, on the next lines or after `\n` escapes (JSON). */
function hasKeyBody(after: string): boolean {
  const segments = after.slice(0, 800).split(/\r?\n|\\n/).slice(0, 8);
  return segments.some((s) => BASE64_LINE.test(s.trim().replace(/^["']|["',]+$/g, '')));
}

function hit(file: string, pos: { line: number; column: number }, kind: string, redacted: string): SecretHit {
  return { summary: `${file}:${pos.line}: ${kind} ${redacted}`, file, ...pos, kind, redacted };
}

/** Finds high-confidence secrets in one file's text. Values never leave this function unredacted. */
export function scanText(file: string, text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  let starts: number[] | undefined;
  const at = (offset: number) => position((starts ??= lineStarts(text)), offset);
  for (const rule of RULES) {
    if (!rule.hint.some((h) => text.includes(h))) continue;
    for (const m of text.matchAll(rule.re)) {
      // AWS documents AKIAIOSFODNN7EXAMPLE and friends; they appear in countless READMEs.
      if (rule.kind === 'aws-access-key-id' && m[0].includes('EXAMPLE')) continue;
      hits.push(hit(file, at(m.index), rule.kind, redact(m[0])));
    }
  }
  if (text.includes('PRIVATE KEY')) {
    for (const m of text.matchAll(KEY_HEADER)) {
      if (!hasKeyBody(text.slice(m.index + m[0].length))) continue;
      const type = (m[1] ?? '').trim();
      hits.push(hit(file, at(m.index), 'private-key', `${type ? type + ' ' : ''}private key block (contents not shown)`));
    }
  }
  return hits.sort((a, b) => a.line - b.line || a.column - b.column);
}

export const collector: Collector<SecretsParams, SecretsResource> = {
  id: 'repo.secrets',
  source: 'repo',
  description: 'Scans tracked files for high-confidence secrets (AWS access key ids, GitHub and Slack tokens, private key blocks) and reports file, line and kind with the value redacted.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  timeoutMs: 300_000,
  example: `collector: repo.secrets
params: { exclude: ["test/fixtures/**"] }
assert:
  all:
    - { key: secretCount, op: eq, value: 0, message: no secrets committed to the repository }
`,
  async collect(ctx, p): Promise<Evidence<SecretsResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap);
    const excluded = p.exclude.map(globToRegExp);
    const files = snap.files.filter((f) => !excluded.some((re) => re.test(f)));
    const data: SecretsResource = {
      secretCount: 0,
      secrets: [],
      filesScanned: 0,
      filesSkippedBinary: 0,
      filesNotScanned: [],
      excludedFileCount: snap.files.length - files.length,
      fileListMethod: snap.method,
    };
    const scanned: string[] = [];
    const results = await mapLimit(files, CONCURRENCY, async (file) => {
      ctx.signal.throwIfAborted();
      // One aggregate call is recorded below instead of one per file: a monorepo has tens of
      // thousands, and the exact list travels as an attachment.
      return { file, read: await readRepoFile(ctx, file, { maxBytes: p.maxFileBytes }) };
    });
    const hits: SecretHit[] = [];
    for (const { file, read } of results) {
      if (!read.ok) {
        if (read.reason === 'unreadable') gaps.push(readGap(snap, read));
        else data.filesNotScanned.push({ path: file, reason: read.message });
        continue;
      }
      if (read.binary) {
        data.filesSkippedBinary++;
        continue;
      }
      data.filesScanned++;
      scanned.push(file);
      hits.push(...scanText(file, read.text));
    }
    data.secretCount = hits.length;
    data.secrets = hits.slice(0, MAX_LISTED);
    calls.push(
      localCall(ctx, 'scan-files', { path: '.', files: files.length, maxFileBytes: p.maxFileBytes, exclude: p.exclude, rules: [...RULES.map((r) => r.kind), 'private-key'] }, data.filesScanned),
    );
    return {
      resources: [{ id: snap.name, data }],
      facts: { ...repoFacts(snap), secretsListed: data.secrets.length },
      complete: gaps.length === 0,
      gaps,
      calls,
      attachments: { 'scanned-files.txt': scanned.join('\n') + (scanned.length ? '\n' : '') },
    };
  },
};
