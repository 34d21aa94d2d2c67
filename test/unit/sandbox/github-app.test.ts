/**
 * The fake GitHub's app flow: JWTs are verified as GitHub does (RS256 by the app's key, iss = the
 * app id, exp at most 10 minutes after iat), and its answers match GitHub's published description.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubContext } from '../../../src/collectors/github/client.js';
import { githubSettingsSchema } from '../../../src/config/schema.js';
import { demoGitHubEstate } from '../../../src/sandbox/estate/github.js';
import { startFakeGitHub, type FakeGitHub } from '../../../src/sandbox/github-server.js';
import { loadGitHubOpenApi, type OpenApiChecker } from '../../fakes/github-openapi.js';
import { recordingFetch, type RecordedExchange } from '../../fakes/github-recorder.js';
import { APP_ID, testApp, type TestApp } from '../../fakes/github-app.js';

let gh: FakeGitHub;
let app: TestApp;
let openapi: OpenApiChecker;
const estate = demoGitHubEstate();
beforeAll(async () => {
  openapi = loadGitHubOpenApi();
  app = testApp(estate);
  gh = await startFakeGitHub(estate, { app: { app: app.app } });
}, 60_000);
afterAll(() => gh.close());

function jwt(claims: Record<string, unknown>, key = app.privateKey, alg = 'RS256'): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const data = `${part({ alg, typ: 'JWT' })}.${part(claims)}`;
  return `${data}.${sign('RSA-SHA256', Buffer.from(data), createPrivateKey(key)).toString('base64url')}`;
}

async function getApp(token: string): Promise<{ status: number; message?: string }> {
  const res = await fetch(`${gh.url}/app`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, message: ((await res.json()) as { message?: string }).message };
}

describe('sandbox/github-app: JWTs', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a JWT signed by the app\'s key with iss = the app id and a lifetime of 10 minutes', async () => {
    expect((await getApp(jwt({ iss: APP_ID, iat: now() - 30, exp: now() + 570 }))).status).toBe(200);
  });

  it.each([
    ['a lifetime over 10 minutes', () => jwt({ iss: APP_ID, iat: now() - 30, exp: now() + 571 }), "'Expiration time' claim ('exp') is too far in the future"],
    ['an expired JWT', () => jwt({ iss: APP_ID, iat: now() - 700, exp: now() - 100 }), "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires"],
    ['an iat in the future', () => jwt({ iss: APP_ID, iat: now() + 300, exp: now() + 600 }), "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"],
    ['another app\'s id', () => jwt({ iss: APP_ID + 1, iat: now() - 30, exp: now() + 500 }), 'Integration not found'],
    ['another key\'s signature', () => jwt({ iss: APP_ID, iat: now() - 30, exp: now() + 500 }, app.otherKey), 'A JSON web token could not be decoded'],
    ['alg none', () => jwt({ iss: APP_ID, iat: now() - 30, exp: now() + 500 }, app.privateKey, 'none'), 'A JSON web token could not be decoded'],
    ['an installation-style token', () => 'ghs_notajwt', 'A JSON web token could not be decoded'],
  ])('refuses %s with 401', async (_name, token, message) => {
    expect(await getApp(token())).toEqual({ status: 401, message });
  });
});

describe('sandbox/github-app: answers GitHub could give', () => {
  it('serves GET /app, GET /orgs/{org}/installation, GET /app/installations/{id} and POST …/access_tokens in the documented shapes', async () => {
    const log: RecordedExchange[] = [];
    const cacheDir = mkdtempSync(join(tmpdir(), 'soc2-app-openapi-'));
    try {
      await createGitHubContext(githubSettingsSchema.parse({ org: estate.org }), {
        env: { GITHUB_API_URL: gh.url, GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: app.privateKey },
        userAgent: 'soc2-test/0.0.0',
        cacheDir,
        fetch: recordingFetch(log),
      });
      await createGitHubContext(githubSettingsSchema.parse({ org: estate.org }), {
        env: { GITHUB_API_URL: gh.url, GITHUB_APP_ID: String(APP_ID), GITHUB_APP_PRIVATE_KEY: app.privateKey, GITHUB_APP_INSTALLATION_ID: '77' },
        userAgent: 'soc2-test/0.0.0',
        cacheDir,
        fetch: recordingFetch(log),
      });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
    const appFlow = log.filter((x) => /^\/app|\/installation$/.test(x.path));
    expect(appFlow.map((x) => `${x.method} ${x.path} ${x.status}`)).toEqual([
      'GET /app 200',
      'GET /orgs/northwind-analytics/installation 200',
      'POST /app/installations/77/access_tokens 201',
      'GET /app 200',
      'GET /app/installations/77 200',
      'POST /app/installations/77/access_tokens 201',
    ]);
    expect(log.flatMap((x) => openapi.problems(x))).toEqual([]);
    const minted = appFlow[2]!.body as { token: string; expires_at: string; permissions: Record<string, string>; repository_selection: string };
    expect(minted.repository_selection).toBe('all');
    expect(minted.permissions).toMatchObject({ metadata: 'read', administration: 'read', organization_administration: 'read' });
  }, 60_000);
});
