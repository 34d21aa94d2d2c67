/**
 * repo.secrets — are high-confidence secrets committed in tracked files? Only formats that are
 * secrets by construction are looked for (AWS access key ids, GitHub, GitLab, Slack, npm, PyPI,
 * Stripe and other tokens with a fixed prefix, private key blocks with a body), so a hit is worth
 * acting on. Values that say they are examples (AKIAIOSFODNN7EXAMPLE, ghp_xxxx…, a key body cut
 * short with "...") are listed apart, and paths where deliberate fakes live (test fixtures, test
 * data, documentation examples, vendored code) are excluded by default, counted per pattern so the
 * scope stays visible. The evidence names the file, line, kind and why of every hit and never the
 * value: only its public prefix (at most four characters, such as AKIA or ghp_) and its length.
 * Every other tracked file is scanned: large ones as a stream of pieces, binary ones as bytes, a
 * symbolic link as the path it holds (what git commits for it). A file that could not be read at
 * all (unreadable, missing from a sparse checkout) makes the evidence incomplete and is listed.
 */
import { z } from 'zod';
import type { CollectContext, Collector, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { DEFAULT_MAX_BYTES, dirGaps, globToRegExp, loadRepo, localCall, repoFacts, withRepoFile, type Refusal } from './files.js';
import { mapPool } from '../../util/pool.js';
import { ByteScanner, PRIVATE_KEY_KIND, redact, RULES, scanText, type ExampleValue, type SecretHit } from './secret-scan.js';

/** Files read at once; enough to keep the disk busy without exhausting file handles. */
const CONCURRENCY = 16;
/** Hits, and files not scanned, listed in full; the counts stay exact beyond it. */
const MAX_LISTED = 500;
/** Files not scanned named in the gap's sentence; the evidence lists the rest. */
const NAMED_IN_GAP = 5;
/** The smallest piece: a window must hold more than the overlap it carries over (see secret-scan.ts). */
const MIN_PIECE_BYTES = 16 * 1024;

/**
 * Paths not scanned unless a control says otherwise: where projects keep deliberate fake
 * credentials (test fixtures and test data, tests themselves, documentation examples) and code
 * they did not write (vendored dependencies). In the spirit of gitleaks' path allowlist; a control
 * replaces the list with `params.exclude` (an empty list scans everything) or extends it with
 * `params.alsoExclude`.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
  // Test fixtures and test data
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/testdata/**',
  '**/test-data/**',
  '**/test_data/**',
  '**/__snapshots__/**',
  '**/*.snap',
  '**/__mocks__/**',
  // Tests
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/spec/**',
  '**/*_test.*',
  '**/*.test.*',
  '**/*.spec.*',
  '**/test_*.py',
  // Documentation and its examples
  '**/docs/**',
  '**/doc/**',
  '**/examples/**',
  '**/example/**',
  '**/*.md',
  '**/*.mdx',
  '**/*.rst',
  '**/*.adoc',
  // Vendored code
  '**/vendor/**',
  '**/third_party/**',
  '**/third-party/**',
  '**/node_modules/**',
  '**/bower_components/**',
];

const params = z.strictObject({
  maxFileBytes: z
    .number()
    .int()
    .min(MIN_PIECE_BYTES)
    .default(DEFAULT_MAX_BYTES)
    .describe('Files are read in pieces of at most this many bytes, so memory stays bounded; a larger file is scanned piece by piece, never skipped.'),
  exclude: z
    .array(z.string())
    .default([...DEFAULT_EXCLUDE])
    .describe('Globs of paths not scanned. The default lists test fixtures and test data, tests, documentation examples and vendored code; [] scans every tracked file.'),
  alsoExclude: z.array(z.string()).default([]).describe('Globs of paths not scanned, added to exclude (keeps the default list).'),
});

const secret = z.object({
  summary: z.string().describe('where and what'),
  file: z.string().describe('file'),
  line: z.number().describe('line number'),
  column: z.number().describe('column'),
  kind: z.string().describe('kind of secret'),
  redacted: z.string().describe('redacted value'),
  why: z.string().describe('why it is taken for a live credential'),
});

const exampleValue = z.object({
  summary: z.string().describe('where, what and why it was set aside'),
  file: z.string().describe('file'),
  line: z.number().describe('line number'),
  column: z.number().describe('column'),
  kind: z.string().describe('format it matches'),
  why: z.string().describe('why it is an example or placeholder'),
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
  excludedFileCount: z.number().describe('files not scanned because an exclude pattern matches them'),
  excludedByPattern: z.array(z.object({ pattern: z.string().describe('pattern'), files: z.number().describe('files') }))
    .describe('files excluded, counted by the first pattern that matches each (patterns that matched none are listed with 0)'),
  exampleValues: z.array(exampleValue).describe('values in a secret format set aside as examples or placeholders (values not shown)'),
  exampleValueCount: z.number().describe('values set aside as examples or placeholders'),
  fileListMethod: z.enum(['git', 'walk']).describe('how the files to scan were listed'),
});

export type SecretsParams = z.infer<typeof params>;
export type SecretsResource = z.infer<typeof resource>;
export type { SecretHit };
export { redact, scanText };

interface Scanned {
  ok: true;
  hits: SecretHit[];
  examples: ExampleValue[];
  binary: boolean;
  inPieces: boolean;
  link: boolean;
}

/** Scans one file through the checkout's one safe reader, a piece at a time. */
function scanFile(ctx: CollectContext<'repo'>, file: string, pieceBytes: number): Promise<Scanned | Refusal> {
  return withRepoFile<Scanned>(
    ctx,
    file,
    async (opened) => {
      const scanner = new ByteScanner(file);
      for await (const piece of opened.pieces(pieceBytes)) scanner.push(piece);
      const hits = scanner.end();
      return { ok: true, hits, examples: scanner.examples, binary: scanner.binary, inPieces: opened.size > pieceBytes, link: opened.link };
    },
    // What git commits for a link is the path it holds; following it would scan some other file
    // (or one outside the checkout) and miss a secret hidden in the link itself.
    { links: 'as-link' },
  );
}

/** One gap for every file that could not be scanned: the evidence holds the full list. */
function notScannedGap(resource: string, notScanned: ReadonlyArray<{ path: string; refusal: Refusal }>, secretsFound: number, sparse: number): Gap {
  const named = notScanned.slice(0, NAMED_IN_GAP).map((f) => f.refusal.message);
  const more = notScanned.length > NAMED_IN_GAP ? `; and ${notScanned.length - NAMED_IN_GAP} more, listed in the evidence (filesNotScanned)` : '';
  const found = secretsFound ? ` (${secretsFound} secret${secretsFound === 1 ? ' was' : 's were'} found in the files that were scanned; see the evidence)` : '';
  const count = `${notScanned.length} tracked file${notScanned.length === 1 ? '' : 's'}`;
  const sparseAdvice = sparse
    ? `${sparse} of them ${sparse === 1 ? 'is' : 'are'} outside the sparse checkout: run soc2 on a full checkout (git sparse-checkout disable), or exclude those paths in this control's params.alsoExclude. `
    : '';
  return {
    kind: notScanned.some((f) => f.refusal.reason === 'unreadable') ? 'permission' : 'other',
    resource,
    message:
      `${count} could not be scanned for secrets, so the repository cannot be called clean${found}: ${named.join('; ')}${more}. ` +
      sparseAdvice +
      'Make each file readable, restore it, or replace a symbolic link that leads out of the checkout with what it points to; a deliberately unscanned path belongs in this control\'s params.alsoExclude.',
  };
}

/** Which exclude pattern (the first that matches) keeps each file from being scanned, and the files left to scan. */
function partition(files: readonly string[], patterns: readonly string[]): { toScan: string[]; byPattern: Array<{ pattern: string; files: number }> } {
  const compiled = patterns.map((pattern) => ({ pattern, re: globToRegExp(pattern), files: 0 }));
  const toScan: string[] = [];
  for (const f of files) {
    const first = compiled.find((c) => c.re.test(f));
    if (first) first.files++;
    else toScan.push(f);
  }
  return { toScan, byPattern: compiled.map(({ pattern, files }) => ({ pattern, files })) };
}

export const collector: Collector<'repo', SecretsParams, SecretsResource> = {
  id: 'repo.secrets',
  source: 'repo',
  description: 'Scans every tracked file outside test fixtures, tests, documentation examples and vendored code (large files in pieces, binary ones as bytes) for high-confidence secrets (AWS access key ids, GitHub, GitLab, Slack, npm, PyPI, Stripe and other prefixed tokens, private key blocks) and reports file, line, kind and why with the value redacted; example and placeholder values are listed apart.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  timeoutMs: 300_000,
  // Each secret carries its file, line and column; the repository as a whole has no one file.
  locate: {},
  example: `collector: repo.secrets
params: { alsoExclude: ["qa/recordings/**"] }
assert:
  all:
    - { key: secretCount, op: eq, value: 0, message: no secrets committed to the repository }
`,
  async collect(ctx, p): Promise<Evidence<SecretsResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap);
    const patterns = [...p.exclude, ...p.alsoExclude];
    const { toScan: files, byPattern } = partition(snap.files, patterns);
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
      excludedByPattern: byPattern,
      exampleValues: [],
      exampleValueCount: 0,
      fileListMethod: snap.method,
    };
    const scanned: string[] = [];
    const notScanned: Array<{ path: string; refusal: Refusal }> = [];
    const hits: SecretHit[] = [];
    const examples: ExampleValue[] = [];
    let sparse = 0;
    // One aggregate call is recorded below instead of one per file: a monorepo has tens of
    // thousands, and the exact list travels as an attachment.
    const results = await mapPool(files, { concurrency: CONCURRENCY, signal: ctx.signal }, async (file) => ({ file, outcome: await scanFile(ctx, file, p.maxFileBytes) }));
    for (const { file, outcome } of results) {
      if (!outcome.ok) {
        if (outcome.reason === 'missing' && snap.skipWorktree.has(file)) {
          sparse++;
          notScanned.push({ path: file, refusal: { ...outcome, message: `${file} is outside the sparse checkout (git marks it skip-worktree), so it was not scanned` } });
        } else {
          notScanned.push({ path: file, refusal: outcome });
        }
        continue;
      }
      data.filesScanned++;
      if (outcome.binary) data.binaryFilesScanned++;
      if (outcome.inPieces) data.filesScannedInPieces++;
      if (outcome.link) data.linksScanned++;
      scanned.push(file);
      // The exclude list is part of why a hit is believed: it is not where fakes are kept.
      const unexcluded = patterns.length ? `; ${file} matches none of the ${patterns.length} exclude patterns` : '';
      hits.push(...outcome.hits.map((h) => ({ ...h, why: h.why + unexcluded })));
      examples.push(...outcome.examples);
    }
    data.secretCount = hits.length;
    data.secrets = hits.slice(0, MAX_LISTED);
    data.exampleValueCount = examples.length;
    data.exampleValues = examples.slice(0, MAX_LISTED);
    data.filesNotScannedCount = notScanned.length;
    data.filesNotScanned = notScanned.slice(0, MAX_LISTED).map((f) => ({ path: f.path, reason: f.refusal.message }));
    if (notScanned.length > 0) gaps.push(notScannedGap(snap.name, notScanned, hits.length, sparse));
    calls.push(
      localCall(
        ctx,
        'scan-files',
        { path: '.', files: files.length, maxFileBytes: p.maxFileBytes, exclude: patterns, rules: [...RULES.map((r) => r.kind), PRIVATE_KEY_KIND] },
        data.filesScanned,
      ),
    );
    return new EvidenceBuilder<typeof data>()
      .addCalls(calls)
      .addGaps(gaps)
      .withFacts({ ...repoFacts(snap), secretsListed: data.secrets.length, excludedFileCount: data.excludedFileCount })
      .add({ id: snap.name, data })
      .attach('scanned-files.txt', scanned.join('\n') + (scanned.length ? '\n' : ''))
      .build();
  },
};
