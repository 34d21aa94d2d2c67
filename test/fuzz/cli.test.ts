/**
 * A few fuzz cases through the whole path, bin/soc2.js in its own process, to prove that what the
 * in-process properties check is what a user gets: the same mutations of real files at
 * `soc2 controls validate`, `soc2 run` (configuration and exceptions), `soc2 report` and
 * `soc2 verify`. Each ends in its allowed exit codes, exit 2 naming the file at line:col, no
 * stack trace, nothing a terminal would act on — and it ends: a process still running after two
 * minutes is killed and fails its case.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot, builtinControlsDir } from '../../src/paths.js';
import { cleanEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { writeBundle, makeKey } from '../unit/evidence/bundle-fixture.js';
import { FUZZ_FACTOR, FUZZ_SEED, contractProblem, hasLineCol, jsonMutations, mutateJson, mutateYaml, yamlMutations, type Outcome } from './support.js';
import { fixturePath } from './results-fixtures.js';

const KILL_AFTER_MS = 120_000;
const CASES = Math.max(1, Math.round(2 * FUZZ_FACTOR));

function soc2(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'soc2.js'), ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Cases drawn with the fuzz seed, so a failure names a case that can be drawn again. */
function cases<T>(arb: fc.Arbitrary<T>, salt: number): T[] {
  return fc.sample(arb, { seed: FUZZ_SEED + salt, numRuns: CASES });
}

function expectCli(o: Outcome, allowed: number[], file: string): void {
  const problem = contractProblem(o, { allowed, file });
  if (problem) expect.fail(problem);
  if (o.code === 2 && !hasLineCol(o.stderr, file) && !/soc2 reads at most|not a regular file/.test(o.stderr)) expect.fail(`exit 2 without a line and column: ${o.stderr}`);
}

const control = readFileSync(join(builtinControlsDir, 'REPO-002.yaml'), 'utf8');
const exceptions = `exceptions:
  - control: REPO-002
    justification: The policy is being rewritten by legal this quarter.
    approvedBy: ciso@northwind.example
    expires: 2999-12-31
`;

describe('fuzz: through bin/soc2.js', () => {
  it('controls validate: a mutated control file', async () => {
    for (const mutations of cases(yamlMutations, 1)) {
      const dir = tempDir('soc2-fuzz-cli-');
      writeFileSync(join(dir, 'REPO-002.yaml'), mutateYaml(control, mutations));
      expectCli(await soc2(['controls', 'validate', 'REPO-002.yaml'], dir), [0, 2], 'REPO-002.yaml');
    }
  }, KILL_AFTER_MS * CASES + 30_000);

  it('run: a mutated configuration and a mutated exceptions file', async () => {
    const configs = cases(yamlMutations, 2);
    const waivers = cases(yamlMutations, 3);
    for (let i = 0; i < CASES; i++) {
      const dir = tempDir('soc2-fuzz-cli-');
      mkdirSync(join(dir, 'controls'));
      writeFileSync(join(dir, 'controls', 'REPO-002.yaml'), control);
      writeFileSync(join(dir, 'soc2.config.yaml'), mutateYaml('controls: { paths: [controls] }\nexceptions: exceptions.yaml\n', configs[i]!));
      writeFileSync(join(dir, 'exceptions.yaml'), exceptions);
      expectCli(await soc2(['controls', 'validate', '--config', 'soc2.config.yaml'], dir), [0, 2], 'soc2.config.yaml');
      writeFileSync(join(dir, 'soc2.config.yaml'), 'controls: { paths: [controls] }\nexceptions: exceptions.yaml\n');
      writeFileSync(join(dir, 'exceptions.yaml'), mutateYaml(exceptions, waivers[i]!));
      expectCli(await soc2(['run'], dir), [0, 1, 2], 'exceptions.yaml');
    }
  }, 2 * KILL_AFTER_MS * CASES + 30_000);

  it('report: a mutated results.json', async () => {
    const seed = readFileSync(fixturePath('sample'), 'utf8');
    for (const mutations of cases(jsonMutations, 4)) {
      const dir = tempDir('soc2-fuzz-cli-');
      writeFileSync(join(dir, 'results.json'), mutateJson(seed, mutations));
      expectCli(await soc2(['report', 'results.json', '--format', 'markdown,html,junit,sarif,json,oscal,findings-csv', '--out', 'out'], dir), [0, 2], 'results.json');
    }
  }, KILL_AFTER_MS * CASES + 30_000);

  it('verify: a bundle whose attestation and results were mangled', async () => {
    const key = makeKey('owner.pub');
    const pristine = writeBundle({ key });
    for (const mutations of cases(fc.tuple(jsonMutations, jsonMutations), 5)) {
      const dir = tempDir('soc2-fuzz-cli-');
      cpSync(pristine.dir, join(dir, 'bundle'), { recursive: true });
      const attestation = join(dir, 'bundle', 'attestation.intoto.jsonl');
      writeFileSync(attestation, mutateJson(readFileSync(attestation, 'utf8'), mutations[0]));
      writeFileSync(join(dir, 'bundle', 'results.json'), mutateJson(readFileSync(join(dir, 'bundle', 'results.json'), 'utf8'), mutations[1]));
      writeFileSync(join(dir, 'owner.pub'), key.publicKey.export({ type: 'spki', format: 'pem' }) as string);
      expectCli(await soc2(['verify', 'bundle', '--key', 'owner.pub'], dir), [0, 1, 2], 'bundle');
    }
  }, KILL_AFTER_MS * CASES + 30_000);
});
