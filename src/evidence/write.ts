/**
 * Evidence files: one JSON Lines file per collector call (plus attachments such as CSV
 * populations), written while the evidence is collected so no population is held whole in memory.
 * Line 1 is the provenance header (which collector, with which params, for which run, from when);
 * then one resource per line, in the order collected; the last line closes the file with what is
 * only known at the end (complete, gaps, API calls, facts, resourceCount). docs/evidence-format.md
 * describes it. The run's attestation lists every file with its SHA-256 (run-bundle.ts), taken
 * while the file was written; evidence/manifest.json, which older runs wrote, is only ever read now.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiCall, CollectedResource, CsvAttachment, Evidence, Gap } from '../collectors/types.js';
import { csvRow } from '../csv.js';
import type { EvidenceRef } from '../results.js';
import type { ReportDir, StreamedFile } from './out-dir.js';
import { InputFileError, readInputFile } from '../input-file.js';

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export const EVIDENCE_KIND = 'soc2-evidence';
export const EVIDENCE_END_KIND = 'soc2-evidence-end';

/** Line 1 of an evidence file. */
export interface EvidenceHeader {
  kind: typeof EVIDENCE_KIND;
  format: 'jsonl';
  runId: string;
  sample: boolean;
  collector: string;
  params: unknown;
  collectedAt: string;
}

/** The last line of an evidence file. */
export interface EvidenceEnd {
  kind: typeof EVIDENCE_END_KIND;
  finishedAt: string;
  complete: boolean;
  resourceCount: number;
  gaps: Gap[];
  calls: ApiCall[];
  facts: Record<string, unknown>;
}

export interface EvidenceFileInput {
  outDir: ReportDir;
  collectorId: string;
  params: unknown;
  /** The planned call's key; names the file. */
  key: string;
  startedAt: Date;
  runId: string;
  sample: boolean;
  /** Told of every resource as it is written (the data-handling statement's field and redaction counts). */
  observe?(resource: CollectedResource<Record<string, unknown>>): void;
}

/** One evidence file being written. Everything handed to it must already be redacted. */
export interface EvidenceFile {
  /** The file, relative to the report directory. */
  readonly file: string;
  /** Where it is while the run is being written (for reading the resources back). */
  readonly stagedPath: string;
  readonly resourceCount: number;
  /** Append one resource (and its row to each CSV attachment). */
  add(resource: CollectedResource<Record<string, unknown>>): void;
  /** Start a CSV file beside this one that gets a row for every resource added from now on. */
  attachCsv(attachment: CsvAttachment<Record<string, unknown>>): void;
  /** Close the file with the rest of the evidence (its resources are appended first); write its attachments. */
  finish(rest: Evidence<Record<string, unknown>>, finishedAt: Date): EvidenceRef;
  /** Remove the file: the call failed, so no evidence of it is kept. */
  discard(): void;
}

export function evidenceFilePath(collectorId: string, key: string): { dir: string; stem: string; file: string } {
  const stem = `${collectorId}-${sha256(key).slice(0, 10)}`;
  const dir = ['evidence', collectorId.split('.')[0]!].join('/');
  return { dir, stem, file: `${dir}/${stem}.jsonl` };
}

export function openEvidenceFile(input: EvidenceFileInput): EvidenceFile {
  const { outDir, collectorId } = input;
  const { dir, stem, file } = evidenceFilePath(collectorId, input.key);
  const out = outDir.open(file);
  const header: EvidenceHeader = {
    kind: EVIDENCE_KIND,
    format: 'jsonl',
    runId: input.runId,
    sample: input.sample,
    collector: collectorId,
    params: input.params ?? {},
    collectedAt: input.startedAt.toISOString(),
  };
  out.append(JSON.stringify(header) + '\n');
  let count = 0;
  const attachmentFile = (name: string) => `${dir}/${stem}-${name.replace(/[^A-Za-z0-9._-]/g, '_')}`;
  const csvFiles: Array<{ file: string; out: StreamedFile; row: CsvAttachment<Record<string, unknown>>['row'] }> = [];
  return {
    file,
    stagedPath: join(outDir.root, ...file.split('/')),
    get resourceCount() {
      return count;
    },
    add(resource) {
      out.append(JSON.stringify(resource) + '\n');
      for (const csv of csvFiles) csv.out.append(csvRow(csv.row(resource.data)) + '\r\n');
      count++;
      input.observe?.(resource);
    },
    attachCsv(attachment) {
      const file = attachmentFile(attachment.name);
      if (csvFiles.some((c) => c.file === file)) throw new Error(`soc2 bug: CSV attachment ${attachment.name} started twice.`);
      const csv = { file, out: outDir.open(file), row: attachment.row };
      csv.out.append(csvRow(attachment.header) + '\r\n');
      csvFiles.push(csv);
    },
    finish(rest, finishedAt) {
      for (const r of rest.resources) this.add(r);
      const end: EvidenceEnd = {
        kind: EVIDENCE_END_KIND,
        finishedAt: finishedAt.toISOString(),
        complete: rest.complete,
        resourceCount: count,
        gaps: rest.gaps,
        calls: rest.calls,
        facts: rest.facts ?? {},
      };
      out.append(JSON.stringify(end) + '\n');
      const written = out.close();
      const attachments: Array<{ file: string; sha256: string }> = csvFiles.map((c) => ({ file: c.file, sha256: c.out.close().sha256 }));
      for (const [name, contents] of Object.entries(rest.attachments ?? {})) {
        const arel = attachmentFile(name);
        attachments.push({ file: arel, sha256: outDir.write(arel, contents).sha256 });
      }
      return {
        file,
        sha256: written.sha256,
        collector: collectorId,
        params: header.params,
        collectedAt: header.collectedAt,
        finishedAt: end.finishedAt,
        complete: rest.complete,
        resourceCount: count,
        calls: rest.calls,
        gaps: rest.gaps,
        ...(attachments.length ? { attachments } : {}),
      };
    },
    discard() {
      out.discard();
      for (const c of csvFiles) c.out.discard();
    },
  };
}

export interface EvidenceWriteInput extends EvidenceFileInput {
  evidence: Evidence<Record<string, unknown>>;
  finishedAt: Date;
}

/** Writes evidence that is already whole in memory (a run with --minimize-pii minimises it first). */
export function writeEvidence(input: EvidenceWriteInput): EvidenceRef {
  return openEvidenceFile(input).finish(input.evidence, input.finishedAt);
}

/**
 * The resources of an evidence file, one at a time, read in pieces: the header and the closing
 * line are skipped. Throws when a line is not JSON (the file is damaged).
 */
export function* readEvidenceResources(path: string): Generator<CollectedResource<Record<string, unknown>>> {
  for (const { line, value } of evidenceLines(path)) {
    if (line === 1) continue;
    if ((value as { kind?: unknown }).kind === EVIDENCE_END_KIND) return;
    yield value as CollectedResource<Record<string, unknown>>;
  }
}

/** A whole evidence file: its header, resources and closing line (for tests and small files). */
export function readEvidenceFile(path: string): { header: EvidenceHeader; resources: Array<CollectedResource<Record<string, unknown>>>; end: EvidenceEnd | undefined } {
  let header: EvidenceHeader | undefined;
  let end: EvidenceEnd | undefined;
  const resources: Array<CollectedResource<Record<string, unknown>>> = [];
  for (const { line, value } of evidenceLines(path)) {
    if (line === 1) header = value as EvidenceHeader;
    else if ((value as { kind?: unknown }).kind === EVIDENCE_END_KIND) end = value as EvidenceEnd;
    else resources.push(value as CollectedResource<Record<string, unknown>>);
  }
  if (header?.kind !== EVIDENCE_KIND) throw new Error(`${path}: line 1 is not a soc2 evidence header.`);
  return { header, resources, end };
}

/**
 * Read in pieces small enough that no piece, and no line decoded from one, lands in V8's
 * large-object space: decoding 1 MiB pieces into one string made every piece of every evidence
 * file a large object, which only a full collection frees, and evaluating a 200,000-change
 * population drove the heap of the whole run up with them.
 */
const CHUNK = 1 << 16;
const NEWLINE = 0x0a;

function* evidenceLines(path: string): Generator<{ line: number; value: unknown }> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    // The start of a line the previous pieces did not finish (copied: the read buffer is reused).
    let carry: Buffer[] = [];
    let line = 0;
    const parse = (text: string) => {
      line++;
      try {
        return { line, value: JSON.parse(text) as unknown };
      } catch (e) {
        throw new Error(`${path}:${line}: not a JSON line (${e instanceof Error ? e.message : String(e)}); the evidence file is damaged.`);
      }
    };
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      const piece = buf.subarray(0, n);
      let from = 0;
      // A newline byte is never part of a multi-byte UTF-8 sequence, so lines split on bytes decode whole.
      for (let nl = piece.indexOf(NEWLINE, from); nl !== -1; nl = piece.indexOf(NEWLINE, from)) {
        let text: string;
        if (carry.length) {
          carry.push(piece.subarray(from, nl));
          text = Buffer.concat(carry).toString('utf8');
          carry = [];
        } else text = piece.toString('utf8', from, nl);
        from = nl + 1;
        if (text !== '') yield parse(text);
      }
      if (from < n) carry.push(Buffer.from(piece.subarray(from)));
    }
    const rest = Buffer.concat(carry).toString('utf8');
    if (rest !== '') yield parse(rest);
  } finally {
    closeSync(fd);
  }
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
