import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executeRun } from '../../src/cli/commands/run.js';
import { configSchema } from '../../src/config/schema.js';
import type { LoadedConfig } from '../../src/config/load.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { writeDemoAttestations } from '../../src/sandbox/estate/attestations.js';
import { readResults, type Results } from '../../src/results.js';
import { shardOf } from '../../src/engine/shard.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { generateSigningKeyPair } from '../../src/evidence/keys.js';

// The sample estate assessed whole, then in 4 shards joined by `soc2 merge` (through bin/): the
// joined run must say what the whole run says. The shard runs are in-process so that every run
// reads the estate at the estate's own clock (sandbox.now), never the machine's.

const NO_STACK = /\n\s+at .+:\d+:\d+/;

const SHARDS = 4;

/** What a run decided, without what differs between any two runs (ids, times, API calls, evidence digests). */
function decided(r: Results) {
  return {
    summary: r.summary,
    criteria: r.criteria,
    controls: r.controls.map((c) => ({
      id: c.id, status: c.status, statusReason: c.statusReason, incomplete: c.incomplete, counts: c.counts, findings: c.findings,
      // The same gaps; a joined file lists them shard by shard, a whole run region by region.
      evidence: c.evidence.map((e) => ({ file: e.file, complete: e.complete, resourceCount: e.resourceCount, gaps: [...e.gaps].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) })),
    })),
  };
}

describe('soc2 run --shard and soc2 merge (sample estate, end to end)', () => {
  let sandbox: Sandbox;
  let work: string;
  let loaded: LoadedConfig;
  const read = (dir: string): Results => readResults(JSON.parse(readFileSync(join(work, dir, 'results.json'), 'utf8')));
  const run = (out: string, shard?: { index: number; count: number }, config: LoadedConfig = loaded) => executeRun({
    loaded: config, cwd: work, outDir: join(work, out), failOn: 'low', extraFormats: [],
    env: { ...cleanEnv(), ...sandbox.env }, sample: true, now: sandbox.now, quiet: true, ciEnv: {},
    ...(shard ? { shard } : {}),
  });
  const parts = Array.from({ length: SHARDS }, (_, i) => `part-${i + 1}`);
  let merged: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    work = tempTree({});
    sandbox = await startSandbox({ dir: work });
    const config = configSchema.parse({
      controls: { paths: ['builtin'] },
      aws: { regions: sandbox.aws.regions },
      github: { org: sandbox.github.org, cacheDir: join(work, 'github-cache') },
      repo: { path: sandbox.repoDir },
      attestations: writeDemoAttestations(work),
    });
    loaded = { config, file: null, sha256: null, baseDir: work, period: sandbox.period };
    await run('whole');
    for (const [i, p] of parts.entries()) await run(p, { index: i + 1, count: SHARDS });
    // Shard 2 again, of another configuration file (its SHA-256 differs).
    await run('part-2-other', { index: 2, count: SHARDS }, { ...loaded, file: join(work, 'soc2.config.yaml'), sha256: 'f'.repeat(64) });
    merged = await runCli(['merge', ...parts, '--out', 'merged', '--allow-unsigned'], { cwd: work, env: cleanEnv() });
  }, 600_000);
  afterAll(() => sandbox?.close());

  it('joins the 4 shards into exactly what the whole run decided', () => {
    expect(merged.stderr).not.toMatch(NO_STACK);
    const whole = read('whole');
    const joined = read('merged');
    // The sample estate has seeded failures: the joined run exits as the whole run would.
    expect(merged.code, merged.stderr).toBe(whole.summary.exitCode);
    expect(whole.summary.fail).toBeGreaterThan(0);
    expect(decided(joined)).toEqual(decided(whole));
    expect(resultsSchemaErrors(JSON.parse(readFileSync(join(work, 'merged', 'results.json'), 'utf8')))).toEqual([]);
    expect(joined.run.shard).toBeUndefined();
    expect(joined.run.merged?.parts.map((p) => p.shard)).toEqual([1, 2, 3, 4]);
  });

  it('splits repositories across the shards, each evaluated in exactly one; AWS stays whole in shard 1', () => {
    const shards = parts.map(read);
    const repoControl = 'GH-002';
    const inShard = shards.map((r) => r.controls.find((c) => c.id === repoControl));
    const whole = read('whole').controls.find((c) => c.id === repoControl)!;
    // results.json lists what needs attention and counts the rest: the shards' counts add up to the whole's.
    expect(inShard.reduce((n, c) => n + (c?.counts.resources ?? 0), 0)).toBe(whole.counts.resources);
    const listed = inShard.map((c) => c?.findings.map((f) => f.resource) ?? []);
    expect(listed.flat().sort()).toEqual(whole.findings.map((f) => f.resource).sort());
    for (const [i, resources] of listed.entries()) for (const r of resources) expect(shardOf(r, SHARDS)).toBe(i + 1);
    // At least two shards read repositories: the work is really spread.
    expect(inShard.filter((c) => (c?.counts.resources ?? 0) > 0).length).toBeGreaterThan(1);
    // Organisation-level, checkout, manual and AWS controls (judged across regions) only in shard 1.
    for (const id of ['GH-001', 'REPO-001', 'MAN-001', 'AWS-001']) {
      expect(shards.map((r) => r.controls.some((c) => c.id === id))).toEqual([true, false, false, false]);
    }
    for (const [i, r] of shards.entries()) expect(r.run.shard).toEqual({ index: i + 1, count: SHARDS, assignment: 'sha256-mod-n' });
  });

  it('records the shard in each part\'s statement and verifies the joined bundle', async () => {
    const envelope = JSON.parse(readFileSync(join(work, 'part-2', 'attestation.intoto.jsonl'), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement.predicate.shard).toEqual({ index: 2, count: SHARDS, assignment: 'sha256-mod-n' });
    const v = await runCli(['verify', 'merged', '--allow-unsigned'], { cwd: work, env: cleanEnv() });
    expect(v.code, v.stderr + v.stdout).toBe(0);
    for (const f of ['report.md', 'report.html', 'junit.xml']) expect(readdirSync(join(work, 'merged'))).toContain(f);
  });

  describe('refuses parts that do not make one run', () => {
    const merge = (args: string[]) => runCli(['merge', ...args, '--allow-unsigned'], { cwd: work, env: cleanEnv() });
    const refused = async (args: string[], code: number, message: RegExp) => {
      const r = await merge(args);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(r.stderr).toMatch(message);
      expect(r.code, r.stderr).toBe(code);
      expect(readdirSync(work)).not.toContain('refused');
    };

    it('a missing shard (exit 2, naming it)', () => refused(['part-1', 'part-2', 'part-4', '--out', 'refused'], 2, /Shard 3\/4 is missing/));

    it('a shard given twice (exit 2, naming both directories)', async () => {
      cpSync(join(work, 'part-3'), join(work, 'part-3-again'), { recursive: true });
      await refused([...parts, 'part-3-again', '--out', 'refused'], 2, /Shard 3\/4 is given twice: part-3 and part-3-again/);
    });

    it('a part of another configuration (exit 2, naming the part and what differs)', () =>
      refused(['part-1', 'part-2-other', 'part-3', 'part-4', '--out', 'refused'], 2, /part-2-other does not belong with part-1: its configuration \(SHA-256\) is "f{64}", not null/));

    it('a run that is not a shard (exit 2)', () => refused(['whole', ...parts.slice(1), '--out', 'refused'], 2, /whole is not a shard: its results.json records no run.shard/));

    it('a part edited after its run (exit 1, as verify)', async () => {
      cpSync(join(work, 'part-4'), join(work, 'part-4-edited'), { recursive: true });
      const file = join(work, 'part-4-edited', 'results.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"fail"', '"pass"'));
      await refused([...parts.slice(0, 3), 'part-4-edited', '--out', 'refused'], 1, /part-4-edited does not verify, so it is not merged: 1 problem\.\n\s+changed\s+results\.json/);
    });

    it('unsigned parts without --allow-unsigned (exit 1, saying how to proceed)', async () => {
      const r = await runCli(['merge', ...parts, '--out', 'refused'], { cwd: work, env: cleanEnv() });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/part-1 does not verify[\s\S]*unsigned[\s\S]*--allow-unsigned/);
    });

    it('--out that is one of the parts (exit 2)', () => refused([...parts, '--out', 'part-2'], 2, /--out part-2 is also one of the parts/));
  });

  it('signs the joined run with --sign, and verify checks it with the public key', async () => {
    const keys = generateSigningKeyPair();
    writeFileSync(join(work, 'merge.key'), keys.privatePem, { mode: 0o600 });
    writeFileSync(join(work, 'merge.pub'), keys.publicPem);
    const r = await runCli(['merge', ...parts, '--allow-unsigned', '--sign', 'merge.key', '--out', 'merged-signed', '--quiet'], { cwd: work, env: cleanEnv() });
    expect(r.code, r.stderr).toBe(read('whole').summary.exitCode);
    const v = await runCli(['verify', 'merged-signed', '--key', 'merge.pub'], { cwd: work, env: cleanEnv() });
    expect(v.code, v.stderr + v.stdout).toBe(0);
    expect(v.stdout).toMatch(/Signature: valid/);
    expect(read('merged-signed').run.merged?.parts.map((p) => p.signature.state)).toEqual(['unsigned', 'unsigned', 'unsigned', 'unsigned']);
  });

  it.each([['5/4'], ['0/4'], ['two/four']])('soc2 run --shard %s is a usage error (exit 2) before anything is read', async (value) => {
    const dir = tempTree({});
    const r = await runCli(['run', '--shard', value], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^soc2: --shard/);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('soc2 run --shard refuses --history (a part is not the whole run)', async () => {
    const r = await runCli(['run', '--shard', '1/2', '--history', 'hist'], { cwd: tempTree({}), env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--history cannot be used with --shard/);
  });
});
