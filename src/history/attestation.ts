/**
 * What a history record pins a run's report by: the SHA-256 of the run's in-toto statement (the
 * payload of attestation.intoto.jsonl), which names every other file of the report with its own
 * SHA-256 — the same digest the next run's statement links back to. Records written before the
 * statement existed pinned evidence/manifest.json instead (`manifest-sha256`); they still verify.
 */
import { ATTESTATION_FILE } from '../evidence/attestation.js';

export interface RunAttestation {
  /** How `sha256` was taken: the statement's payload now; the legacy manifest's bytes in old records. */
  kind: 'statement-sha256' | 'manifest-sha256';
  /** The file in the report directory that carries what was hashed. */
  file: string;
  sha256: string;
}

/** The attestation a history record vouches for, from the statement the run just sealed. */
export function attestRun(sealed: { statementSha256: string }): RunAttestation {
  return { kind: 'statement-sha256', file: ATTESTATION_FILE, sha256: sealed.statementSha256 };
}
