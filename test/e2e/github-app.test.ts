/**
 * `soc2 run` as a GitHub App installation, end to end through bin/: GITHUB_APP_ID and a key file,
 * the real Octokit with @octokit/auth-app against the fake GitHub's app flow.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../src/sandbox/estate/github.js';
import { APP_ID, APP_SLUG, INSTALLATION_ID, testApp, type TestApp } from '../fakes/github-app.js';

const NO_STACK = /\n\s+at .+:\d+:\d+/;
const CONFIG = 'github: { org: northwind-analytics }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\n';
const ONLY = Array.from({ length: 30 }, (_, i) => `GH-${String(i + 1).padStart(3, '0')}`).join(',');
const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

let gh: FakeGitHub;
let app: TestApp;
beforeAll(async () => {
  const estate = demoGitHubEstate();
  app = testApp(estate);
  gh = await startFakeGitHub(estate, { app: { app: app.app } });
});
afterAll(() => gh.close());

function appDir(key = app.privateKey): string {
  const dir = tempTree({ 'soc2.config.yaml': CONFIG });
  writeFileSync(join(dir, 'app.pem'), key);
  return dir;
}

const appEnv = (extra: Record<string, string> = {}) => cleanEnv({ GITHUB_API_URL: gh.url, GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY_FILE: 'app.pem', ...extra });

describe('soc2 run as a GitHub App installation', () => {
  it('evaluates the GitHub controls as an owner token does, records the app installation, and writes neither the key nor a token', async () => {
    const dir = appDir();
    const r = await runCli(['run', '--only', ONLY], { cwd: dir, env: appEnv() });
    expect(r.stderr).not.toMatch(NO_STACK);
    const results = read(dir);
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.run.provenance.github).toEqual({
      state: 'known',
      login: `${APP_SLUG}[bot]`,
      tokenKind: 'app-installation',
      apiUrl: gh.url,
      app: { id: APP_ID, slug: APP_SLUG, installationId: INSTALLATION_ID },
    });
    const operations = results.dataHandling.endpoints.flatMap((e: { operations: Array<{ operation: string }> }) => e.operations.map((o) => o.operation));
    expect(operations).toEqual(expect.arrayContaining(['GET /app', 'GET /orgs/{org}/installation', 'POST /app/installations/{installation_id}/access_tokens']));
    expect(readFileSync(join(dir, 'soc2-report', 'report.md'), 'utf8')).toContain(`with a GitHub App installation token of GitHub App ${APP_SLUG} (app id ${APP_ID}, installation ${INSTALLATION_ID})`);

    // The same controls with an organisation owner's classic token end the same way.
    const tokenDir = tempTree({ 'soc2.config.yaml': CONFIG });
    const t = await runCli(['run', '--only', ONLY], { cwd: tokenDir, env: cleanEnv({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: DEMO_TOKENS.owner }) });
    const statuses = (x: { controls: Array<{ id: string; status: string }> }) => x.controls.map((c) => `${c.id} ${c.status}`);
    expect(statuses(results)).toEqual(statuses(read(tokenDir)));
    expect(results.controls.filter((c: { status: string }) => c.status === 'error')).toEqual([]);
    expect(r.code).toBe(t.code);

    // Secrets: no line of the key's body and no minted token in any file written, nor on the terminal.
    const keyLines = app.privateKey.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
    expect(keyLines.length).toBeGreaterThan(5);
    expect(gh.mintedTokens.length).toBeGreaterThan(0);
    const secrets = [...keyLines, ...gh.mintedTokens.map((m) => m.token)];
    for (const file of filesUnder(join(dir, 'soc2-report'))) {
      const text = readFileSync(file, 'latin1');
      for (const s of secrets) expect(text.includes(s), `${s.slice(0, 8)}… in ${file}`).toBe(false);
    }
    for (const s of secrets) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it.each([
    ['a wrong app id', () => ({ env: appEnv({ GITHUB_APP_ID: String(APP_ID + 1) }) }), /GitHub rejected the GitHub App's credentials \(401 Integration not found\).*GITHUB_APP_ID \(4243\)/],
    ['a malformed key', () => ({ env: appEnv(), key: app.privateKey.slice(0, 600) }), /The GitHub App private key in GITHUB_APP_PRIVATE_KEY_FILE \(app\.pem\) is malformed/],
    ['an installation id of no installation', () => ({ env: appEnv({ GITHUB_APP_INSTALLATION_ID: '31337' }) }), /GITHUB_APP_INSTALLATION_ID \(31337\) is not an installation of GitHub App "soc2-audit"/],
  ])('exits 2 with a message naming the variable, no stack trace and nothing collected, for %s', async (_name, setup, message) => {
    const { env, key } = setup() as { env: NodeJS.ProcessEnv; key?: string };
    const dir = appDir(key);
    const r = await runCli(['run', '--only', 'GH-001'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stderr).not.toContain(app.privateKey.split('\n')[2]!);
    expect(readdirSync(dir)).not.toContain('soc2-report');
  });
});

describe('soc2 permissions for a GitHub App', () => {
  it('prints the app permissions the controls need, as lines to paste under default_permissions', async () => {
    const dir = tempTree({});
    const json = await runCli(['permissions', '--json'], { cwd: dir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).github.app.permissions).toEqual({
      repository: { metadata: 'read', administration: 'read', contents: 'read', pull_requests: 'read', checks: 'read', statuses: 'read', vulnerability_alerts: 'read', security_events: 'read', repository_hooks: 'read' },
      organization: { organization_administration: 'read', members: 'read' },
    });
    const text = await runCli(['permissions'], { cwd: dir });
    expect(text.stdout).toContain([
      'default_permissions:',
      '  # repository permissions',
      '  metadata: read',
      '  administration: read',
      '  contents: read',
      '  pull_requests: read',
      '  checks: read',
      '  statuses: read',
      '  vulnerability_alerts: read',
      '  security_events: read',
      '  repository_hooks: read',
      '  # organization permissions',
      '  organization_administration: read',
      '  members: read',
    ].join('\n'));
  });
});
