/**
 * Evidence files: one JSON file per collector call (plus attachments such as CSV populations),
 * each recording the API calls that produced it. The run's attestation lists them with every other
 * file (run-bundle.ts); evidence/manifest.json, which older runs wrote, is only ever read now.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Evidence } from '../collectors/types.js';
import type { EvidenceRef } from '../results.js';
import type { ReportDir } from './out-dir.js';
import { InputFileError, readInputFile } from '../input-file.js';

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export interface EvidenceWriteInput {
  outDir: ReportDir;
  collectorId: string;
  params: unknown;
  key: string;
  evidence: Evidence<Record<string, unknown>>;
  startedAt: Date;
  finishedAt: Date;
  runId: string;
  sample: boolean;
}

export function writeEvidence(input: EvidenceWriteInput): EvidenceRef {
  const { outDir, collectorId, evidence } = input;
  const stem = `${collectorId}-${sha256(input.key).slice(0, 10)}`;
  const rel = ['evidence', collectorId.split('.')[0]!, `${stem}.json`].join('/');
  // Redacted once, where it entered the engine (engine/collect.ts); redacting again here only cost time.
  const clean = evidence;
  const body = {
    kind: 'soc2-evidence',
    runId: input.runId,
    sample: input.sample,
    collector: collectorId,
    params: input.params ?? {},
    collectedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    complete: clean.complete,
    gaps: clean.gaps,
    calls: clean.calls,
    facts: clean.facts ?? {},
    resourceCount: clean.resources.length,
    resources: clean.resources,
  };
  const text = JSON.stringify(body, null, 2) + '\n';
  const written = outDir.write(rel, text);
  const attachments: Array<{ file: string; sha256: string }> = [];
  for (const [name, contents] of Object.entries(clean.attachments ?? {})) {
    const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
    const arel = ['evidence', collectorId.split('.')[0]!, `${stem}-${safe}`].join('/');
    attachments.push({ file: arel, sha256: outDir.write(arel, contents).sha256 });
  }
  return {
    file: rel,
    sha256: written.sha256,
    collector: collectorId,
    params: input.params ?? {},
    collectedAt: body.collectedAt,
    finishedAt: body.finishedAt,
    complete: clean.complete,
    resourceCount: clean.resources.length,
    calls: clean.calls,
    gaps: clean.gaps,
    ...(attachments.length ? { attachments } : {}),
  };
}

/** What verify still reads from an older report directory's evidence/manifest.json. */
export interface Manifest {
  kind: 'soc2-manifest';
  runId: string;
  algorithm: 'sha256';
  files: Array<{ path: string; sha256: string; size: number }>;
}

/** Re-hash the files a manifest lists; returns the problems found (empty when everything matches). */
export function verifyManifest(outDir: string, manifest: Pick<Manifest, 'files'>): string[] {
  const problems: string[] = [];
  for (const f of manifest.files) {
    let data: Buffer;
    try {
      // Regular files only, and no more bytes than the manifest records: a FIFO or /dev/zero planted in a report cannot hang verify.
      data = readInputFile(join(outDir, f.path), { display: f.path, maxBytes: f.size, what: 'report file' });
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      problems.push(`${f.path}: ${e.problem === 'missing' ? 'listed in the manifest but missing.' : e.problem === 'too-large' ? 'contents changed since the run (larger than the manifest records).' : e.issue.message}`);
      continue;
    }
    if (sha256(data) !== f.sha256) problems.push(`${f.path}: contents changed since the run (sha256 differs).`);
  }
  return problems;
}
