/**
 * A report bundle built directly with the evidence modules (no pipeline): results.json and
 * report.html rendered from the sample results fixture, an evidence JSON file and a population CSV
 * attachment, attested with writeAttestation.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readResults, type Results } from '../../../src/results.js';
import { renderers } from '../../../src/reports/index.js';
import { hashBundleFiles, predicateFromResults, writeAttestation, type WrittenAttestation } from '../../../src/evidence/attestation.js';
import { keyIdOf, type SigningKey, type VerifyKey } from '../../../src/evidence/keys.js';
import { tempDir } from '../../helpers/tmp.js';

export const EVIDENCE_JSON = 'evidence/github/github.branch-rules-5e1d9c2b7a.json';
export const ATTACHMENT_CSV = 'evidence/github/github.change-population-1a2b3c4d5e-changes.csv';

export function sampleResults(): Results {
  const path = fileURLToPath(new URL('../../fixtures/results/sample.json', import.meta.url));
  return readResults(JSON.parse(readFileSync(path, 'utf8')));
}

export function bundleFiles(results = sampleResults()): Record<string, string> {
  return {
    'results.json': renderers.json.render(results),
    'report.html': renderers.html.render(results),
    [EVIDENCE_JSON]: `${JSON.stringify({ kind: 'soc2-evidence', collector: 'github.branch-rules', resources: [{ id: 'acme/api', data: { protected: false } }] }, null, 2)}\n`,
    [ATTACHMENT_CSV]: 'id,kind,title\r\nacme/api#12,pull_request,Fix login\r\nacme/api#13,pull_request,"Quote ""this"""\r\n',
  };
}

export function makeKey(origin = 'test.key'): SigningKey & VerifyKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyid: keyIdOf(publicKey), origin };
}

export interface Bundle {
  dir: string;
  attestation: WrittenAttestation;
  files: string[];
}

/** Writes the files, then the attestation over exactly them (signed when a key is given). */
export function writeBundle(opts: { key?: SigningKey; files?: Record<string, string>; dir?: string } = {}): Bundle {
  const dir = opts.dir ?? tempDir('soc2-bundle-');
  mkdirSync(dir, { recursive: true });
  const files = opts.files ?? bundleFiles();
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const paths = Object.keys(files).sort();
  const attestation = writeAttestation({ dir, files: hashBundleFiles(dir, paths), predicate: predicateFromResults(sampleResults(), null), key: opts.key });
  return { dir, attestation, files: paths };
}
