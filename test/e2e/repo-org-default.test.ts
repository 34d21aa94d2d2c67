/**
 * End to end through bin/: a repository collector that consults GitHub (repo.security-policy, for the
 * organisation's default SECURITY.md) gets the GitHub context from the engine when the configuration
 * has a github section — even when no github.* control runs — and says it could not check otherwise.
 */
import { readEvidenceFile } from '../../src/evidence/write.js';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';

/** A checkout of northwind-analytics/billing with no security policy of its own. */
function checkout(config: string): string {
  const dir = tempTree({ 'soc2.config.yaml': config, 'README.md': '# billing\n', 'src/index.ts': 'export {};\n' });
  const git = (...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: dir, env: { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' } });
  git('init', '-q');
  git('add', '-A');
  git('remote', 'add', 'origin', 'https://github.com/northwind-analytics/billing.git');
  return dir;
}

const repo002 = (dir: string) => JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')).controls.find((c: { id: string }) => c.id === 'REPO-002');

describe('soc2 run: REPO-002 and the organisation default policy', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    const estate = demoGitHubEstate();
    estate.repos.push({ ...estate.repos[0]!, id: 990_003, name: '.github', visibility: 'public', files: { 'SECURITY.md': '# Security\n\nReport vulnerabilities to security@northwind-analytics.example.\n' } });
    gh = await startFakeGitHub(estate);
  });
  afterAll(() => gh.close());

  it('passes on the organisation default when GitHub is in scope, reading it through the real Octokit', async () => {
    const dir = checkout('github: { org: northwind-analytics }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\n');
    const r = await runCli(['run', '--only', 'REPO-002'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: DEMO_TOKENS.owner }) });
    const c = repo002(dir);
    expect(c.status, r.stderr).toBe('pass');
    expect(r.code).toBe(0);
    const { resources } = readEvidenceFile(join(dir, 'soc2-report', c.evidence[0]));
    expect(resources.map((x) => x.data['securityPolicyPath'])).toEqual(['northwind-analytics/.github:SECURITY.md']);
    expect(gh.stats.byRoute['GET /repos/{owner}/{repo}/contents/{path}']).toBeGreaterThanOrEqual(2);
  });

  it('fails and says the default could not be checked when the configuration has no github section', async () => {
    const dir = checkout('period: { start: 2026-01-01, end: 2026-03-31 }\n');
    const r = await runCli(['run', '--only', 'REPO-002'], { cwd: dir, env: cleanEnv() });
    const c = repo002(dir);
    expect(c.status).toBe('fail');
    expect(r.code).toBe(1);
    expect(c.findings[0].message).toContain('is "not checked (GitHub is not in scope)"');
  });
});
