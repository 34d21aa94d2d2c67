/**
 * What a history record pins a run's report by. Until signed statements exist, that is the
 * SHA-256 of evidence/manifest.json, which hashes every other file of the report; when signing
 * lands, `attestRun` picks the signed statement instead and records keep the same shape.
 */
import type { WrittenFile } from '../evidence/out-dir.js';
import { MANIFEST_PATH } from '../evidence/write.js';

export interface RunAttestation {
  /** How `sha256` was taken: the bytes of the manifest now; of the signed statement later. */
  kind: 'manifest-sha256';
  /** The file in the report directory whose bytes were hashed. */
  file: string;
  sha256: string;
}

/** Chooses, among the files a run wrote, the one a history record vouches for. */
export type AttestRun = (written: readonly WrittenFile[]) => RunAttestation;

export const attestRun: AttestRun = (written) => {
  const manifest = written.find((f) => f.path === MANIFEST_PATH);
  if (!manifest) throw new Error(`soc2 bug: the run is being recorded in history before ${MANIFEST_PATH} was written.`);
  return { kind: 'manifest-sha256', file: manifest.path, sha256: manifest.sha256 };
};
