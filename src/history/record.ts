/**
 * One history record: a run's results as history keeps them (run-reader.ts), the digest of the
 * run's report (attestation.ts), and the SHA-256 of the record before it, so that the records form
 * a chain. A record also carries the digest of its own contents: no later record vouches for the
 * newest one, and that digest still catches an accidental edit of it.
 *
 * A record is written once, as `JSON.stringify(record, null, 2)` plus a newline, and never
 * rewritten; its bytes must stay exactly those.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RunAttestation } from './attestation.js';
import { readRunForHistory, type HistoryRun } from './run-reader.js';

export const RECORD_KIND = 'soc2-history-record';
export const RECORD_FORMAT = 1;

/** Records are named by their sequence number, zero-padded so that they list in order: 000001.json. */
export const RECORD_NAME = /^(\d+)\.json$/;

export function recordName(sequence: number): string {
  return `${String(sequence).padStart(6, '0')}.json`;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in hex');

const recordSchema = z.strictObject({
  kind: z.literal(RECORD_KIND),
  format: z.literal(RECORD_FORMAT),
  sequence: z.number().int().positive(),
  recordedAt: z.string(),
  previous: z.strictObject({ sequence: z.number().int().positive(), sha256: sha256Hex }).nullable(),
  attestation: z.strictObject({ kind: z.enum(['statement-sha256', 'manifest-sha256']), file: z.string(), sha256: sha256Hex }),
  resultsSha256: sha256Hex,
  results: z.unknown(),
  contentSha256: sha256Hex,
});

export interface HistoryRecord {
  kind: typeof RECORD_KIND;
  format: typeof RECORD_FORMAT;
  sequence: number;
  recordedAt: string;
  /** The record before this one and the SHA-256 of its bytes; null for the first record. */
  previous: { sequence: number; sha256: string } | null;
  attestation: RunAttestation;
  /** SHA-256 of the run's results.json. */
  resultsSha256: string;
  results: HistoryRun;
  /** SHA-256 of this record serialised without this field. */
  contentSha256: string;
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

const serialise = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export interface RecordInput {
  sequence: number;
  recordedAt: Date;
  previous: { sequence: number; sha256: string } | null;
  attestation: RunAttestation;
  resultsSha256: string;
  results: HistoryRun;
}

/** The bytes of a new record. */
export function recordBytes(input: RecordInput): string {
  const body = {
    kind: RECORD_KIND,
    format: RECORD_FORMAT,
    sequence: input.sequence,
    recordedAt: input.recordedAt.toISOString(),
    previous: input.previous,
    attestation: input.attestation,
    resultsSha256: input.resultsSha256,
    results: input.results,
  };
  return serialise({ ...body, contentSha256: sha256(serialise(body)) });
}

export type ParsedRecord = { ok: true; record: HistoryRecord } | { ok: false; problem: string };

/** Check one record's bytes on their own (its place in the chain is chain.ts's business). */
export function parseRecord(bytes: Buffer): ParsedRecord {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, problem: 'it is not valid JSON: it was cut short or edited' };
  }
  const parsed = recordSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, problem: `it is not a soc2 history record (${issue.path.join('.') || 'top level'}: ${issue.message})` };
  }
  const { contentSha256, ...body } = data as Record<string, unknown>;
  // Field order counts: the digest was taken over the record as written, so a reordered or
  // reformatted record no longer matches, just as an edited value does not.
  if (sha256(serialise(body)) !== contentSha256 || serialise(data) !== bytes.toString('utf8')) {
    return { ok: false, problem: 'its contents do not match the digest written in it: it was edited after it was recorded' };
  }
  const run = readRunForHistory(parsed.data.results);
  if (!run.ok) return { ok: false, problem: `its run results cannot be read (results.${run.problem})` };
  return { ok: true, record: { ...(parsed.data as Omit<HistoryRecord, 'results'>), results: run.run } };
}
