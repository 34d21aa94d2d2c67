/**
 * repo.secrets — are high-confidence secrets committed in tracked files? Only formats that are
 * secrets by construction are looked for (AWS access key ids, GitHub tokens, Slack tokens, private
 * key blocks with a body), so a hit is worth acting on. The evidence names the file, line and kind
 * of every hit and never the value: only its first four characters (a public prefix such as AKIA
 * or ghp_) and its length. Every tracked file is scanned: large ones as a stream of pieces, binary
 * ones as bytes, a symbolic link as the path it holds (what git commits for it). A file that could
 * not be read at all makes the evidence incomplete and is listed, so the control cannot pass.
 */
import { z } from 'zod';
import type { CollectContext, Collector, Evidence, Gap } from '../types.js';
import { DEFAULT_MAX_BYTES, dirGaps, globToRegExp, loadRepo, localCall, mapLimit, repoFacts, withRepoFile, type Refusal } from './files.js';
import { ByteScanner, PRIVATE_KEY_KIND, redact, RULES, scanText, type SecretHit } from './secret-scan.js';

/** Files read at once; enough to keep the disk busy without exhausting file handles. */
const CONCURRENCY = 16;
/** Hits, and files not scanned, listed in full; the counts stay exact beyond it. */
const MAX_LISTED = 500;
/** Files not scanned named in the gap's sentence; the evidence lists the rest. */
const NAMED_IN_GAP = 5;
/** The smallest piece: a window must hold more than the overlap it carries over (see secret-scan.ts). */
const MIN_PIECE_BYTES = 16 * 1024;

const params = z.strictObject({
  maxFileBytes: z
    .number()
    .int()
    .min(MIN_PIECE_BYTES)
    .default(DEFAULT_MAX_BYTES)
    .describe('Files are read in pieces of at most this many bytes, so memory stays bounded; a larger file is scanned piece by piece, never skipped.'),
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
  binaryFilesScanned: z.number().describe('files with a NUL byte ("binary"), scanned like the others'),
  filesScannedInPieces: z.number().describe('files larger than maxFileBytes, scanned piece by piece'),
  linksScanned: z.number().describe('symbolic links, scanned as the path they hold'),
  filesNotScanned: z.array(z.object({ path: z.string().describe('file'), reason: z.string().describe('reason') }))
    .describe('files that could not be scanned (any makes the evidence incomplete)'),
  filesNotScannedCount: z.number().describe('number of files that could not be scanned'),
  excludedFileCount: z.number().describe('files excluded by the exclude parameter'),
  fileListMethod: z.enum(['git', 'walk']).describe('how the files to scan were listed'),
});

export type SecretsParams = z.infer<typeof params>;
export type SecretsResource = z.infer<typeof resource>;
export type { SecretHit };
export { redact, scanText };

interface Scanned {
  ok: true;
  hits: SecretHit[];
  binary: boolean;
  inPieces: boolean;
  link: boolean;
}

/** Scans one file through the checkout's one safe reader, a piece at a time. */
function scanFile(ctx: CollectContext, file: string, pieceBytes: number): Promise<Scanned | Refusal> {
  return withRepoFile<Scanned>(
    ctx,
    file,
    async (opened) => {
      const scanner = new ByteScanner(file);
      for await (const piece of opened.pieces(pieceBytes)) scanner.push(piece);
      return { ok: true, hits: scanner.end(), binary: scanner.binary, inPieces: opened.size > pieceBytes, link: opened.link };
    },
    // What git commits for a link is the path it holds; following it would scan some other file
    // (or one outside the checkout) and miss a secret hidden in the link itself.
    { links: 'as-link' },
  );
}

/** One gap for every file that could not be scanned: the evidence holds the full list. */
function notScannedGap(resource: string, notScanned: ReadonlyArray<{ path: string; refusal: Refusal }>, secretsFound: number): Gap {
  const named = notScanned.slice(0, NAMED_IN_GAP).map((f) => f.refusal.message);
  const more = notScanned.length > NAMED_IN_GAP ? `; and ${notScanned.length - NAMED_IN_GAP} more, listed in the evidence (filesNotScanned)` : '';
  const found = secretsFound ? ` (${secretsFound} secret${secretsFound === 1 ? ' was' : 's were'} found in the files that were scanned; see the evidence)` : '';
  const count = `${notScanned.length} tracked file${notScanned.length === 1 ? '' : 's'}`;
  return {
    kind: notScanned.some((f) => f.refusal.reason === 'unreadable') ? 'permission' : 'other',
    resource,
    message:
      `${count} could not be scanned for secrets, so the repository cannot be called clean${found}: ${named.join('; ')}${more}. ` +
      'Make each file readable, restore it, or replace a symbolic link that leads out of the checkout with what it points to; a deliberately unscanned path belongs in this control\'s params.exclude.',
  };
}

export const collector: Collector<SecretsParams, SecretsResource> = {
  id: 'repo.secrets',
  source: 'repo',
  description: 'Scans every tracked file (large ones in pieces, binary ones as bytes) for high-confidence secrets (AWS access key ids, GitHub and Slack tokens, private key blocks) and reports file, line and kind with the value redacted.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  timeoutMs: 300_000,
  // Each secret carries its file, line and column; the repository as a whole has no one file.
  locate: {},
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
      binaryFilesScanned: 0,
      filesScannedInPieces: 0,
      linksScanned: 0,
      filesNotScanned: [],
      filesNotScannedCount: 0,
      excludedFileCount: snap.files.length - files.length,
      fileListMethod: snap.method,
    };
    const scanned: string[] = [];
    const notScanned: Array<{ path: string; refusal: Refusal }> = [];
    const hits: SecretHit[] = [];
    // One aggregate call is recorded below instead of one per file: a monorepo has tens of
    // thousands, and the exact list travels as an attachment.
    const results = await mapLimit(files, CONCURRENCY, async (file) => {
      ctx.signal.throwIfAborted();
      return { file, outcome: await scanFile(ctx, file, p.maxFileBytes) };
    });
    for (const { file, outcome } of results) {
      if (!outcome.ok) {
        notScanned.push({ path: file, refusal: outcome });
        continue;
      }
      data.filesScanned++;
      if (outcome.binary) data.binaryFilesScanned++;
      if (outcome.inPieces) data.filesScannedInPieces++;
      if (outcome.link) data.linksScanned++;
      scanned.push(file);
      hits.push(...outcome.hits);
    }
    data.secretCount = hits.length;
    data.secrets = hits.slice(0, MAX_LISTED);
    data.filesNotScannedCount = notScanned.length;
    data.filesNotScanned = notScanned.slice(0, MAX_LISTED).map((f) => ({ path: f.path, reason: f.refusal.message }));
    if (notScanned.length > 0) gaps.push(notScannedGap(snap.name, notScanned, hits.length));
    calls.push(
      localCall(
        ctx,
        'scan-files',
        { path: '.', files: files.length, maxFileBytes: p.maxFileBytes, exclude: p.exclude, rules: [...RULES.map((r) => r.kind), PRIVATE_KEY_KIND] },
        data.filesScanned,
      ),
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
