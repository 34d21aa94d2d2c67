import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAppCredentials, RENEW_BEFORE_MS } from '../../../../src/collectors/github/app-auth.js';
import { createGitHubContext } from '../../../../src/collectors/github/client.js';
import { githubSettingsSchema } from '../../../../src/config/schema.js';
import { CollectorError, UsageError } from '../../../../src/errors.js';
import { redactString } from '../../../../src/evidence/redact.js';
import { demoGitHubEstate, type GitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from '../../../../src/sandbox/github-server.js';
import { APP_ID, APP_SLUG, INSTALLATION_ID, testApp, type TestApp } from '../../../fakes/github-app.js';

const dirs: string[] = [];
let gh: FakeGitHub | undefined;
afterEach(async () => {
  await gh?.close();
  const unknown = gh?.stats.unknownRoutes ?? [];
  gh = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  expect(unknown).toEqual([]);
});

const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'soc2-app-auth-'));
  dirs.push(d);
  return d;
};

async function start(opts: { estate?: GitHubEstate; installations?: TestApp['app']['installations']; clock?: () => number; server?: FakeGitHubOptions } = {}): Promise<{ estate: GitHubEstate; app: TestApp }> {
  const estate = opts.estate ?? demoGitHubEstate();
  const app = testApp(estate, opts.installations);
  gh = await startFakeGitHub(estate, { ...opts.server, app: { app: app.app, ...(opts.clock ? { clock: opts.clock } : {}) } });
  return { estate, app };
}

function context(estate: GitHubEstate, env: Record<string, string>, opts: { clock?: () => Date; progress?: string[]; settings?: Record<string, unknown> } = {}) {
  return createGitHubContext(githubSettingsSchema.parse({ org: estate.org, ...opts.settings }), {
    env: { GITHUB_API_URL: gh!.url, ...env },
    userAgent: 'soc2-test/0.0.0',
    cacheDir: tmp(),
    waitUnitMs: 1,
    ...(opts.progress ? { progress: (m: string) => opts.progress!.push(m) } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
}

const appEnv = (app: TestApp, extra: Record<string, string> = {}) => ({ GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: app.privateKey, ...extra });
const MINT = 'POST /app/installations/{installation_id}/access_tokens';

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('collectors/github/app-auth: credentials from the environment', () => {
  const pem = () => testApp(demoGitHubEstate()).privateKey;

  it('is not asked for when no GITHUB_APP_* variable is set', () => {
    expect(readAppCredentials({ GITHUB_TOKEN: 'x' })).toBeUndefined();
  });

  it('reads the key from the variable (also with its line breaks written as \\n) or from a key file, as PKCS#8', () => {
    const key = pem();
    const fromVar = readAppCredentials({ GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: key, GITHUB_APP_INSTALLATION_ID: '7' });
    expect(fromVar).toMatchObject({ appId: 42, installationId: 7, keyFrom: 'GITHUB_APP_PRIVATE_KEY' });
    expect(fromVar!.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const oneLine = readAppCredentials({ GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: key.trim().replace(/\n/g, '\\n') });
    expect(oneLine!.privateKey).toBe(fromVar!.privateKey);
    const dir = tmp();
    writeFileSync(join(dir, 'app.pem'), key);
    const fromFile = readAppCredentials({ GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY_FILE: 'app.pem' }, dir);
    expect(fromFile).toMatchObject({ appId: 42, keyFrom: 'GITHUB_APP_PRIVATE_KEY_FILE (app.pem)' });
    expect(fromFile!.installationId).toBeUndefined();
  });

  it.each([
    ['an app id without a key', { GITHUB_APP_ID: '42' }, /GITHUB_APP_ID is set, but neither GITHUB_APP_PRIVATE_KEY nor GITHUB_APP_PRIVATE_KEY_FILE is/],
    ['a key without an app id', { GITHUB_APP_PRIVATE_KEY: 'KEY' }, /GITHUB_APP_PRIVATE_KEY are set, but GITHUB_APP_ID is not/],
    ['an app id that is not a number', { GITHUB_APP_ID: 'soc2-audit', GITHUB_APP_PRIVATE_KEY: 'KEY' }, /GITHUB_APP_ID is "soc2-audit", which is not a GitHub App ID/],
    ['an installation id that is not a number', { GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: 'KEY', GITHUB_APP_INSTALLATION_ID: 'acme' }, /GITHUB_APP_INSTALLATION_ID is "acme"/],
    ['two keys', { GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: 'KEY', GITHUB_APP_PRIVATE_KEY_FILE: 'k.pem' }, /Both GITHUB_APP_PRIVATE_KEY and GITHUB_APP_PRIVATE_KEY_FILE are set/],
    ['a key file that does not exist', { GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY_FILE: 'missing.pem' }, /from GITHUB_APP_PRIVATE_KEY_FILE \(missing\.pem\): no such file/],
  ])('refuses %s with a usage error naming the variable', (_name, env, message) => {
    const key = pem();
    const withKey = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === 'KEY' ? key : v]));
    let error: unknown;
    try {
      readAppCredentials(withKey, tmp());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).remediation).not.toBe('');
  });

  it('refuses a malformed or non-RSA key without ever echoing it', () => {
    const key = pem();
    const body = key.split('\n')[3]!;
    const cut = key.slice(0, key.length / 2);
    for (const [bad, why] of [
      [cut, /GITHUB_APP_PRIVATE_KEY is malformed: its PEM text does not parse/],
      ['not a key at all', /GITHUB_APP_PRIVATE_KEY is malformed: it is not a PEM private key/],
      [generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /is a ed25519 key; GitHub Apps sign with RSA/],
    ] as const) {
      let error: unknown;
      try {
        readAppCredentials({ GITHUB_APP_ID: '42', GITHUB_APP_PRIVATE_KEY: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).message).toMatch(why);
      expect(`${(error as UsageError).message} ${(error as UsageError).remediation}`).not.toContain(body.slice(0, 20));
    }
  });
});

describe('collectors/github/app-auth: against the fake GitHub', () => {
  it('finds the installation on the organisation, mints a ghs_ token and says the run acts as the app installation', async () => {
    const { estate, app } = await start();
    const progress: string[] = [];
    const ctx = await context(estate, appEnv(app), { progress });
    expect(ctx.identity).toMatchObject({ tokenKind: 'app-installation', login: `${APP_SLUG}[bot]`, app: { id: APP_ID, slug: APP_SLUG, installationId: INSTALLATION_ID } });
    expect(ctx.identity!.calls.map((c) => [c.operation, c.status])).toEqual([['GET /app', 200], ['GET /orgs/{org}/installation', 200], [MINT, 201]]);
    expect(ctx.capabilities.tokenType).toBe('app');
    // Every permission the app was granted is seen by the probe.
    expect(ctx.capabilities.missing).toEqual([]);
    expect(ctx.capabilities.untested).toEqual([]);
    expect(gh!.stats.byRoute).toMatchObject({ 'GET /app': 1, 'GET /orgs/{org}/installation': 1, [MINT]: 1 });
    expect(gh!.stats.byRoute['GET /user']).toBeUndefined();
    const repos = await ctx.octokit.request('GET /orgs/{org}/repos', { org: estate.org });
    expect(repos.status).toBe(200);
    // No secret reaches the progress lines: neither the key nor the token.
    const minted = gh!.mintedTokens[0]!.token;
    expect(minted).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(progress.join('\n')).not.toContain(minted);
    expect(progress.join('\n')).not.toContain('PRIVATE KEY');
    expect(progress.join('\n')).toMatch(/GitHub App "soc2-audit" \(id 4242\): installation 77 token minted/);
    // The one redactor knows installation tokens.
    expect(redactString(`token ${minted}`)).toBe('token ghs_[REDACTED]');
  });

  it('sees what the app was not granted: those permissions are missing, so their controls end in error', async () => {
    const estate = demoGitHubEstate();
    const app = testApp(estate);
    const { organization_administration: _o, members: _m, ...rest } = app.app.permissions;
    gh = await startFakeGitHub(estate, { app: { app: { ...app.app, permissions: rest } } });
    const ctx = await context(estate, appEnv(app));
    expect([...ctx.capabilities.missing].sort()).toEqual(['github:org_administration:read', 'github:org_members:read']);
    expect(ctx.capabilities.granted).toContain('github:administration:read');
  });

  it('uses GITHUB_APP_INSTALLATION_ID when given, after checking that installation is on the organisation', async () => {
    const { estate, app } = await start({ installations: [{ id: 5, account: 'someone-else' }, { id: 9, account: 'northwind-analytics' }] });
    const ctx = await context(estate, appEnv(app, { GITHUB_APP_INSTALLATION_ID: '9' }));
    expect(ctx.identity!.app).toEqual({ id: APP_ID, slug: APP_SLUG, installationId: 9 });
    expect(gh!.stats.byRoute['GET /orgs/{org}/installation']).toBeUndefined();
    const other = await rejects(context(estate, appEnv(app, { GITHUB_APP_INSTALLATION_ID: '5' })));
    expect(other).toBeInstanceOf(UsageError);
    expect(other.message).toMatch(/GITHUB_APP_INSTALLATION_ID \(5\) is GitHub App "soc2-audit" \(id 4242\)'s installation on someone-else, not on the organisation northwind-analytics/);
  });

  it('renews the installation token before it expires, by its expires_at and the injected clock; the fake rejects the old one', async () => {
    // The fake and the client share one clock; JWTs are still signed and checked on the real one.
    let t = Date.parse('2026-01-05T09:00:00Z');
    const { estate, app } = await start({ clock: () => t });
    const progress: string[] = [];
    const ctx = await context(estate, appEnv(app), { clock: () => new Date(t), progress });
    expect(gh!.mintedTokens).toHaveLength(1);
    const first = gh!.mintedTokens[0]!;
    expect(first.expiresAt).toBe('2026-01-05T10:00:00Z');
    await ctx.octokit.request('GET /orgs/{org}', { org: estate.org });
    expect(gh!.mintedTokens).toHaveLength(1);
    // 50 minutes on: more than RENEW_BEFORE_MS left, the token is kept.
    t += 50 * 60_000;
    await ctx.octokit.request('GET /orgs/{org}', { org: estate.org });
    expect(gh!.mintedTokens).toHaveLength(1);
    // Inside the renewal window: a new token is minted before the request.
    t += 60 * 60_000 - 50 * 60_000 - RENEW_BEFORE_MS + 1000;
    const res = await ctx.octokit.request('GET /orgs/{org}', { org: estate.org });
    expect(res.status).toBe(200);
    expect(gh!.mintedTokens).toHaveLength(2);
    expect(progress.join('\n')).toMatch(/installation token renewed \(expires 2026-01-05T10:55:01Z\)/);
    // Past the first token's hour, GitHub (the fake) refuses it, and the run goes on with the new one.
    t += RENEW_BEFORE_MS;
    const stale = await fetch(`${gh!.url}/orgs/${estate.org}`, { headers: { authorization: `token ${first.token}` } });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { message: string }).message).toBe('Bad credentials');
    const later = await ctx.octokit.request('GET /orgs/{org}/repos', { org: estate.org });
    expect(later.status).toBe(200);
    expect(gh!.mintedTokens).toHaveLength(2);
  });

  it('mints a new token and retries once when GitHub answers 401 to a token the client still thought valid (clock skew)', async () => {
    let serverTime = Date.parse('2026-01-05T09:00:00Z');
    const clientTime = Date.parse('2026-01-05T09:00:00Z');
    const { estate, app } = await start({ clock: () => serverTime });
    const progress: string[] = [];
    const ctx = await context(estate, appEnv(app), { clock: () => new Date(clientTime), progress });
    serverTime += 61 * 60_000;
    const res = await ctx.octokit.request('GET /orgs/{org}/repos', { org: estate.org });
    expect(res.status).toBe(200);
    expect(gh!.mintedTokens).toHaveLength(2);
    expect(progress.join('\n')).toMatch(/GitHub answered 401 to the installation token on GET \/orgs\/\{org\}\/repos; minting a new token and retrying once/);
  });

  it('is a usage error naming GITHUB_APP_ID when GitHub rejects the JWT (wrong app id, or a key of another app)', async () => {
    const { estate, app } = await start();
    const wrongId = await rejects(context(estate, appEnv(app, { GITHUB_APP_ID: '4243' })));
    expect(wrongId).toBeInstanceOf(UsageError);
    expect(wrongId.message).toMatch(/^GitHub rejected the GitHub App's credentials \(401 Integration not found\) while asking GitHub which app it is \(GET \/app\) at http:\/\/127\.0\.0\.1:\d+: GITHUB_APP_ID \(4243\) is not the app the key in GITHUB_APP_PRIVATE_KEY belongs to/);
    const otherKey = await rejects(context(estate, { GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: app.otherKey }));
    expect(otherKey).toBeInstanceOf(UsageError);
    expect(otherKey.message).toMatch(/401 A JSON web token could not be decoded/);
    expect(gh!.stats.byRoute[MINT]).toBeUndefined();
  });

  it('is a usage error saying to install the app when it has no installation on the organisation (404)', async () => {
    const { estate, app } = await start({ installations: [{ id: 5, account: 'someone-else' }] });
    const e = await rejects(context(estate, appEnv(app)));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe('GitHub App "soc2-audit" (id 4242) is not installed on the organisation northwind-analytics (GitHub answered GET /orgs/northwind-analytics/installation with 404).');
    expect((e as UsageError).remediation).toMatch(/Install the app on northwind-analytics .*or set GITHUB_APP_INSTALLATION_ID/);
    const unknownId = await rejects(context(estate, appEnv(app, { GITHUB_APP_INSTALLATION_ID: '404404' })));
    expect(unknownId.message).toMatch(/^GITHUB_APP_INSTALLATION_ID \(404404\) is not an installation of GitHub App "soc2-audit"/);
  });

  it('is a usage error when the installation is suspended', async () => {
    const { estate, app } = await start({ installations: [{ id: INSTALLATION_ID, account: 'northwind-analytics', suspended: true }] });
    const e = await rejects(context(estate, appEnv(app)));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/installation 77 on northwind-analytics is suspended/);
  });

  it('puts GitHub in error (a CollectorError, not a usage error) when GitHub fails while the app authenticates', async () => {
    const { estate, app } = await start({ server: { faults: [{ kind: 'server-error', status: 502, route: MINT }] } });
    const e = await rejects(context(estate, appEnv(app)));
    expect(e).toBeInstanceOf(CollectorError);
    expect((e as CollectorError).kind).toBe('unavailable');
    expect(e.message).toMatch(/while minting an installation token for installation 77: 502/);
  });

  it('obeys the endpoint rules: a configuration file alone never sends the app\'s JWT to another host', async () => {
    const { estate, app } = await start();
    const e = await rejects(context(estate, { ...appEnv(app), GITHUB_API_URL: '' }, { settings: { apiUrl: gh!.url } }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/a configuration file alone may not send the GitHub token to another host/);
    expect(gh!.stats.requests).toBe(0);
  });
});
