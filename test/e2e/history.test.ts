import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, cleanEnv } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { statementDigestOf } from '../../src/evidence/run-bundle.js';

// Three runs through bin/ against the sandbox GitHub (the real Octokit) and the local checkout,
// recorded in one history folder; then `soc2 history` and `soc2 history verify` on it. Every
// assertion on time compares recorded timestamps with each other, never with the clock.

const securityPolicy = `id: SEC-001
title: A security policy tells people how to report vulnerabilities
criteria: [CC2.3]
severity: medium
description: The repository has a security policy with a contact address.
collector: repo.security-policy
assert:
  all:
    - { key: securityPolicyPresent, op: eq, value: true }
remediation: Add SECURITY.md with a contact address for vulnerability reports.
`;
const config = 'github: { org: northwind-analytics }\nperiod: { start: 2020-01-01, end: 2099-12-31 }\ncontrols: { paths: [controls, builtin] }\n';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const NO_STACK = /\n\s+at .+:\d+:\d+/;

interface Results {
  run: { id: string; startedAt: string };
  controls: Array<{ id: string; status: string; frequency: string }>;
  history?: {
    runs: { inPeriod: number };
    thisRun: string | null;
    chain: { records: number };
    controls: Array<{ id: string; runs: number; statuses: Record<string, number>; failures: Array<{ from: string; to: string | null }> }>;
  };
}

describe('soc2 run --history, soc2 history, soc2 history verify (end to end, through bin/)', () => {
  let gh: FakeGitHub;
  let dir: string;
  const runs: Results[] = [];
  const outputs: string[] = [];
  const env = () => cleanEnv({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: DEMO_TOKENS.owner });
  const read = (): Results => JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));

  beforeAll(async () => {
    gh = await startFakeGitHub(demoGitHubEstate());
    dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': securityPolicy });
    for (let i = 0; i < 3; i++) {
      // The third run finds the policy fixed.
      if (i === 2) writeFileSync(join(dir, 'SECURITY.md'), '# Security\nReport issues to security@example.com.\n');
      const r = await runCli(['run', '--only', 'GH-001,SEC-001,MAN-001', '--history', 'hist'], { cwd: dir, env: env() });
      expect(r.stderr).not.toMatch(NO_STACK);
      // SEC-001 fails until the policy is there; GH-001 passes on the sample organisation; MAN-001 is manual.
      expect(r.code, r.stderr).toBe(i === 2 ? 0 : 1);
      outputs.push(r.stdout);
      runs.push(read());
    }
  });
  afterAll(() => gh.close());

  it('records each run after the one before, and says where', () => {
    outputs.forEach((out, i) => expect(out).toMatch(new RegExp(`History: recorded as hist/00000${i + 1}\\.json \\(sha256 [0-9a-f]{64}\\)\\.`)));
    const record = JSON.parse(readFileSync(join(dir, 'hist', '000003.json'), 'utf8'));
    expect(record.previous).toEqual({ sequence: 2, sha256: sha256(readFileSync(join(dir, 'hist', '000002.json'))) });
    // The record pins the report it came from: the statement and results.json of the third run.
    expect(record.attestation).toEqual({ kind: 'statement-sha256', file: 'attestation.intoto.jsonl', sha256: statementDigestOf(join(dir, 'soc2-report'))!.sha256 });
    expect(record.resultsSha256).toBe(sha256(readFileSync(join(dir, 'soc2-report', 'results.json'))));
    expect(record.results.run.id).toBe(runs[2]!.run.id);
    const sec = record.results.controls.find((c: { id: string }) => c.id === 'SEC-001');
    expect(sec).toMatchObject({ status: 'pass', frequency: 'daily' });
    const failing = JSON.parse(readFileSync(join(dir, 'hist', '000001.json'), 'utf8')).results.controls.find((c: { id: string }) => c.id === 'SEC-001');
    expect(failing.findings).toEqual([expect.objectContaining({ status: 'fail', message: expect.stringMatching(/security policy present is false/) })]);
  });

  it('puts the history, this run included, into results.json and the reports', () => {
    const last = runs[2]!;
    expect(resultsSchemaErrors(last)).toEqual([]);
    expect(last.controls.map((c) => [c.id, c.frequency])).toEqual([['GH-001', 'daily'], ['MAN-001', 'quarterly'], ['SEC-001', 'daily']]);
    expect(last.history).toMatchObject({ runs: { inPeriod: 3 }, thisRun: last.run.id, chain: { records: 2 } });
    const sec = last.history!.controls.find((c) => c.id === 'SEC-001')!;
    expect(sec).toMatchObject({ runs: 3, statuses: { fail: 2, pass: 1 } });
    expect(sec.failures).toEqual([expect.objectContaining({ from: runs[0]!.run.startedAt, to: runs[2]!.run.startedAt })]);
    expect(runs[0]!.history).toMatchObject({ runs: { inPeriod: 1 }, chain: { records: 0 } });
    const md = readFileSync(join(dir, 'soc2-report', 'report.md'), 'utf8');
    expect(md).toContain('## History over the review period');
    expect(md).toContain('3 runs started in the period 2020-01-01 to 2099-12-31');
    expect(readFileSync(join(dir, 'soc2-report', 'report.html'), 'utf8')).toContain('<section id="history">');
  });

  it('soc2 history summarises the folder over the newest run\'s period, as JSON and as Markdown', async () => {
    const j = await runCli(['history', 'hist', '--format', 'json'], { cwd: dir, env: env() });
    expect(j.stderr).toBe('');
    expect(j.code).toBe(0);
    const h = JSON.parse(j.stdout);
    expect(h).toMatchObject({ dir: 'hist', period: { start: '2020-01-01', end: '2099-12-31' }, thisRun: null, runs: { inPeriod: 3, first: runs[0]!.run.startedAt, last: runs[2]!.run.startedAt }, chain: { records: 3 } });
    expect(h.controls.map((c: { id: string; runs: number }) => [c.id, c.runs])).toEqual([['GH-001', 3], ['MAN-001', 3], ['SEC-001', 3]]);
    expect(h.controls.find((c: { id: string }) => c.id === 'MAN-001').gaps).toBeNull();
    const m = await runCli(['history', 'hist', '--period', `${runs[0]!.run.startedAt.slice(0, 10)}..${runs[2]!.run.startedAt.slice(0, 10)}`], { cwd: dir, env: env() });
    expect(m.code).toBe(0);
    expect(m.stdout).toMatch(/^# History over the review period\n/);
    expect(m.stdout).toMatch(/\| SEC-001 — A security policy tells people how to report vulnerabilities \| daily \| 3 \| 1 of 3 \(33%\) \|/);
  });

  it('soc2 history verify: exit 0 intact; exit 1 naming the edited record; and a run refuses the broken folder (exit 2, nothing collected)', async () => {
    const ok = await runCli(['history', 'verify', 'hist'], { cwd: dir, env: env() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('hist: 3 records, chain intact (000001.json to 000003.json).');
    const path = join(dir, 'hist', '000002.json');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace('"status": "fail"', '"status": "pass"'));
    try {
      const bad = await runCli(['history', 'verify', 'hist'], { cwd: dir, env: env() });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('soc2: The history in hist is broken at 000002.json: its contents do not match the digest written in it: it was edited after it was recorded; 000001.json before it is intact.');
      expect(bad.stderr).not.toMatch(NO_STACK);
      const before = readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8');
      const run = await runCli(['run', '--only', 'SEC-001', '--history', 'hist'], { cwd: dir, env: env() });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/broken at 000002\.json.*Nothing was collected/);
      expect(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')).toBe(before);
    } finally {
      writeFileSync(path, original);
    }
    expect((await runCli(['history', 'verify', 'hist'], { cwd: dir, env: env() })).code).toBe(0);
  });

  it('does not write history through a symbolic link (exit 2)', async () => {
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'linked'));
    const r = await runCli(['run', '--only', 'SEC-001', '--history', 'linked'], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--history linked is a symbolic link');
  });
});

describe('soc2 run --history from concurrent runs', () => {
  it('appends every run to one chain, never two records with one number', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'controls: { paths: [controls] }\n', 'controls/SEC-001.yaml': securityPolicy });
    const n = 4;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => runCli(['run', '--history', 'shared', '--out', `out-${i}`], { cwd: dir })));
    expect(results.map((r) => r.code)).toEqual(Array(n).fill(1));
    const verify = await runCli(['history', 'verify', 'shared'], { cwd: dir });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain(`shared: ${n} records, chain intact`);
    const recorded = Array.from({ length: n }, (_, i) => JSON.parse(readFileSync(join(dir, 'shared', `00000${i + 1}.json`), 'utf8')).results.run.id).sort();
    const ran = Array.from({ length: n }, (_, i) => JSON.parse(readFileSync(join(dir, `out-${i}`, 'results.json'), 'utf8')).run.id).sort();
    expect(recorded).toEqual(ran);
  });
});
