/**
 * Fuzzing `soc2 verify`, which reads report directories someone handed over. Starting from a real
 * signed bundle (results.json, report.html, an evidence file and an attachment, attested and
 * signed) and from a directory with only the older evidence/manifest.json, each case mangles the
 * attestation (its bytes, the envelope's JSON, the statement inside, signed again or not), the
 * manifest, or the files (bytes changed, removed, added, replaced by a directory or a symbolic
 * link), and verifies with the right key, another key, no key or --allow-unsigned. Every case must
 * end in exit 0 (verified) or 1 (does not verify) with its words, or exit 2 naming the file with
 * line and column where the file has lines — never exit 4, a stack trace or a hang.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCommand } from '../../src/cli/commands/verify.js';
import { ATTESTATION_FILE } from '../../src/evidence/attestation.js';
import { IN_TOTO_PAYLOAD_TYPE, makeEnvelope } from '../../src/evidence/dsse.js';
import { sha256 } from '../../src/evidence/write.js';
import { tempDir } from '../helpers/tmp.js';
import { makeKey, writeBundle } from '../unit/evidence/bundle-fixture.js';
import { applyByteMutation, applyJsonMutation, byteMutation, contractProblem, fuzzParams, fuzzTimeout, hasLineCol, hostileString, inProcess, jsonMutation, jsonMutations, mutateJson, type ByteMutation, type JsonMutation, type Outcome } from './support.js';

const owner = makeKey('owner.pub');
const stranger = makeKey('stranger.pub');

const root = tempDir('soc2-fuzz-verify-');
const pristine = writeBundle({ key: owner, dir: join(root, 'pristine') });
const keyFiles = { owner: join(root, 'owner.pub'), stranger: join(root, 'stranger.pub') };
writeFileSync(keyFiles.owner, owner.publicKey.export({ type: 'spki', format: 'pem' }) as string);
writeFileSync(keyFiles.stranger, stranger.publicKey.export({ type: 'spki', format: 'pem' }) as string);

/** The same files with only the older manifest beside them, as `soc2 run` wrote before attestations. */
const legacy = join(root, 'legacy');
cpSync(pristine.dir, legacy, { recursive: true });
rmSync(join(legacy, ATTESTATION_FILE));
const MANIFEST = `${JSON.stringify({ kind: 'soc2-manifest', runId: 'r1', algorithm: 'sha256', files: pristine.files.map((p) => {
  const data = readFileSync(join(legacy, p));
  return { path: p, sha256: sha256(data), size: data.length };
}) }, null, 2)}\n`;
mkdirSync(join(legacy, 'evidence'), { recursive: true });
writeFileSync(join(legacy, 'evidence', 'manifest.json'), MANIFEST);

type FileChange =
  | { kind: 'bytes'; file: number; m: ByteMutation }
  | { kind: 'remove'; file: number }
  | { kind: 'add'; name: string; text: string }
  | { kind: 'directory'; file: number }
  | { kind: 'symlink'; file: number; target: string };

const fileChange: fc.Arbitrary<FileChange> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), file: fc.nat(), m: byteMutation }),
  fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), name: fc.oneof(fc.constantFrom('extra.json', 'evidence/extra.csv', '.hidden', 'evidence/github/new.json'), hostileString().map((s) => `x-${s.replace(/[/\u0000]/g, '_').slice(0, 60)}`)), text: fc.string() }),
  fc.record({ kind: fc.constant('directory' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('symlink' as const), file: fc.nat(), target: fc.constantFrom('/etc/hostname', '/dev/zero', '../../outside', 'results.json', 'missing') }),
);

type AttestationChange =
  | { kind: 'bytes'; m: ByteMutation }
  | { kind: 'envelope'; m: JsonMutation }
  | { kind: 'statement'; m: JsonMutation; sign: 'owner' | 'stranger' | 'keep' | 'none' }
  | { kind: 'remove' };

const attestationChange: fc.Arbitrary<AttestationChange> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('bytes' as const), m: byteMutation }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('envelope' as const), m: jsonMutation }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('statement' as const), m: jsonMutation, sign: fc.constantFrom('owner' as const, 'stranger' as const, 'keep' as const, 'none' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const) }) },
);

function changeFile(dir: string, files: readonly string[], c: FileChange): void {
  if (c.kind === 'add') {
    mkdirSync(join(dir, c.name, '..'), { recursive: true });
    writeFileSync(join(dir, c.name), c.text);
    return;
  }
  const rel = files[c.file % files.length]!;
  const path = join(dir, rel);
  if (!existsSync(path)) return;
  if (c.kind === 'bytes') {
    if (lstatSync(path).isFile()) writeFileSync(path, applyByteMutation(readFileSync(path), c.m));
  }
  else {
    rmSync(path, { recursive: true, force: true });
    if (c.kind === 'directory') mkdirSync(path);
    else if (c.kind === 'symlink') symlinkSync(c.target, path);
  }
}

function changeAttestation(dir: string, c: AttestationChange): void {
  const path = join(dir, ATTESTATION_FILE);
  if (!existsSync(path)) return;
  const text = readFileSync(path, 'utf8');
  switch (c.kind) {
    case 'bytes':
      writeFileSync(path, applyByteMutation(Buffer.from(text), c.m));
      return;
    case 'envelope':
      writeFileSync(path, `${applyJsonMutation(text, c.m).replace(/\n/g, '')}\n`);
      return;
    case 'remove':
      rmSync(path);
      return;
    case 'statement': {
      let env: { payload: string; signatures: Array<{ keyid: string; sig: string }> };
      try {
        env = JSON.parse(text) as typeof env;
      } catch {
        return; // an earlier change left no envelope to open
      }
      if (typeof env?.payload !== 'string') return;
      const payload = Buffer.from(applyJsonMutation(Buffer.from(env.payload, 'base64').toString('utf8'), c.m), 'utf8');
      const signers = c.sign === 'owner' ? [owner] : c.sign === 'stranger' ? [stranger] : [];
      const next = makeEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, signers);
      writeFileSync(path, `${JSON.stringify(c.sign === 'keep' ? { ...next, signatures: env.signatures } : next)}\n`);
    }
  }
}

const verifyOptions = fc.record({ key: fc.constantFrom(undefined, 'owner' as const, 'stranger' as const), allowUnsigned: fc.boolean() });

/** The verify contract: 0 with "verified", 1 with what does not verify, or 2 naming the file (at line:col for the manifest). */
function expectVerifyContract(o: Outcome, dir: string): void {
  const problem = contractProblem(o, { allowed: [0, 1, 2], file: dir });
  if (problem) expect.fail(problem);
  if (o.code === 0) expect(o.stdout).toMatch(/: verified\.|matches its SHA-256/);
  if (o.code === 1) expect(o.stderr).toMatch(/does not verify|do not match the manifest|has no signed attestation/);
  if (o.code === 2 && o.stderr.includes('manifest.json') && !/has neither/.test(o.stderr)) {
    if (!hasLineCol(o.stderr, `${dir}/evidence/manifest.json`)) expect.fail(`exit 2 about the manifest without a line and column: ${o.stderr}`);
  }
}

let n = 0;
function copyOf(source: string): string {
  const dir = join(root, `case-${n++}`);
  cpSync(source, dir, { recursive: true });
  return dir;
}

describe('fuzz: soc2 verify', () => {
  it('a mangled signed bundle verifies (0), does not (1), or is exit 2 naming it — never 4', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(attestationChange, { maxLength: 2 }), fc.array(fileChange, { maxLength: 3 }), verifyOptions, async (attestation, files, opts) => {
        const dir = copyOf(pristine.dir);
        try {
          for (const c of attestation) changeAttestation(dir, c);
          for (const c of files) changeFile(dir, pristine.files, c);
          const o = await inProcess(() => verifyCommand(dir, { key: opts.key && keyFiles[opts.key], allowUnsigned: opts.allowUnsigned }));
          expectVerifyContract(o, dir);
          if (!attestation.length && !files.length && opts.key === 'owner') expect(o.code).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParams(150),
    );
  }, fuzzTimeout(120_000));

  it('a directory with a mangled legacy manifest verifies, does not, or is exit 2 at manifest:line:col', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutations, fc.array(fileChange, { maxLength: 2 }), async (mutations, files) => {
        const dir = copyOf(legacy);
        try {
          writeFileSync(join(dir, 'evidence', 'manifest.json'), mutateJson(MANIFEST, mutations));
          for (const c of files) changeFile(dir, pristine.files, c);
          const o = await inProcess(() => verifyCommand(dir, {}));
          expectVerifyContract(o, dir);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      fuzzParams(150),
    );
  }, fuzzTimeout(120_000));
});
