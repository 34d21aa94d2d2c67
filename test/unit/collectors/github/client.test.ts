import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubContext } from '../../../../src/collectors/github/client.js';
import { restList } from '../../../../src/collectors/github/http.js';
import { readAnswerBody } from '../../../../src/collectors/github/plain-json.js';
import type { ApiCall } from '../../../../src/collectors/types.js';
import { githubSettingsSchema } from '../../../../src/config/schema.js';
import { CollectorError, UsageError } from '../../../../src/errors.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Exchange, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/client', () => {
  it('throws a usage error (exit 2) naming the variable when GitHub answers 401 Bad credentials', async () => {
    h = await startHarness();
    const err = await h.github({ token: 'ghp' + '_notARealToken' + '0'.repeat(27) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toContain('GITHUB_TOKEN');
    expect((err as UsageError).message).toContain('401 Bad credentials');
    expect((err as UsageError).message).not.toContain('ghp_notARealToken');
  });

  it('throws a credentials CollectorError naming the variables it looked at when no token is set', async () => {
    const err = await createGitHubContext(githubSettingsSchema.parse({ org: 'northwind-analytics' }), { env: {}, userAgent: 'soc2-test', cacheDir: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectorError);
    expect((err as CollectorError).kind).toBe('credentials');
    expect((err as CollectorError).message).toContain('GITHUB_TOKEN and GH_TOKEN');
  });

  it('reads the token from the variable the config names', async () => {
    h = await startHarness();
    const ctx = await createGitHubContext(githubSettingsSchema.parse({ org: h.estate.org, tokenEnv: 'SOC2_NORTHWIND_GH' }), {
      env: { SOC2_NORTHWIND_GH: DEMO_TOKENS.owner, GITHUB_TOKEN: 'ghp_wrong', GITHUB_API_URL: h.server.url },
      userAgent: 'soc2-test',
      cacheDir: h.cacheDir,
    });
    expect(ctx.capabilities.tokenType).toBe('classic');
  });

  it('learns classic scopes from x-oauth-scopes and lists what a narrow token lacks', async () => {
    h = await startHarness();
    const ctx = await h.github({ token: DEMO_TOKENS.narrow });
    expect(ctx.capabilities.scopes).toEqual(['repo']);
    expect(ctx.capabilities.missing).toEqual(expect.arrayContaining(['github:org_administration:read', 'github:org_members:read']));
    expect(ctx.capabilities.missing).not.toContain('github:administration:read');
    expect(ctx.capabilities.rateLimit.core?.limit).toBe(5000);
  });

  it('probes a fine-grained token and reports the permissions it lacks', async () => {
    h = await startHarness();
    const ctx = await h.github({ token: DEMO_TOKENS.member });
    expect(ctx.capabilities.tokenType).toBe('fine-grained');
    expect(ctx.capabilities.missing).toEqual(expect.arrayContaining(['github:administration:read', 'github:dependabot_alerts:read', 'github:code_scanning_alerts:read', 'github:org_administration:read']));
    expect(ctx.capabilities.granted).toEqual(expect.arrayContaining(['github:contents:read', 'github:pull_requests:read', 'github:org_members:read']));
  });

  it.each([
    ['GitHub\'s own wording', undefined],
    ['reworded errors', ((body: unknown, x: Exchange) => (x.status >= 400 && x.path !== '/graphql' ? { ...(body as object), message: 'Reworded by the test.' } : undefined)) as Rewrite],
  ])('probes an owner\'s fine-grained token on a repository with Dependabot alerts off and no code scanning as granted, with %s', async (_how, rewrite) => {
    const estate = demoGitHubEstate();
    const api = estate.repos.find((r) => r.name === 'api')!;
    api.dependabotAlertsEnabled = false;
    api.codeScanning = 'none';
    const token = 'github' + '_pat_' + 'ownerFineGrained'.padEnd(30, '0');
    estate.tokens.push({ token, login: 'alice-nw', type: 'fine-grained', permissions: { metadata: 'read', administration: 'read', vulnerability_alerts: 'read', security_events: 'read', contents: 'read', pull_requests: 'read', checks: 'read', statuses: 'read', repository_hooks: 'read', organization_administration: 'read', members: 'read' }, orgOwner: true });
    h = await startHarness(estate);
    const ctx = await h.github({ token, ...(rewrite ? { fetch: rewritingFetch(rewrite) } : {}) });
    expect(ctx.capabilities.missing).toEqual([]);
    expect(ctx.capabilities.granted).toEqual(expect.arrayContaining(['github:dependabot_alerts:read', 'github:code_scanning_alerts:read']));
  });

  it('a second run revalidates with ETags: GitHub answers 304 and no rate limit is spent', async () => {
    h = await startHarness();
    const calls: ApiCall[] = [];
    const first = await h.github();
    const a = await restList(h.ctx(first), calls, '/orgs/{org}/repos', { org: h.estate.org });
    const spent = h.server.stats.rateLimitPointsSpent;
    const second = await h.github();
    const b = await restList(h.ctx(second), calls, '/orgs/{org}/repos', { org: h.estate.org });
    expect(b).toEqual(a);
    expect(h.server.stats.notModified).toBe(3); // GET /orgs/{org}, GET /user (who the token is) and the repository page; /rate_limit is free anyway
    expect(h.server.stats.rateLimitPointsSpent).toBe(spent);
    expect(calls.at(-1)?.status).toBe(304);
  });

  it('waits out a secondary rate limit as retry-after says, then succeeds', async () => {
    h = await startHarness(demoGitHubEstate(), { faults: [{ kind: 'secondary-rate-limit', route: 'GET /orgs/{org}/repos', times: 1, retryAfter: 1 }] });
    const started = performance.now();
    const ctx = await h.github();
    const repos = await restList<{ name: string }>(h.ctx(ctx), [], '/orgs/{org}/repos', { org: h.estate.org });
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(repos.map((r) => r.name)).toContain('web-app');
    expect(h.server.stats.byRoute['GET /orgs/{org}/repos']).toBe(2); // refused once, retried once
    expect(h.progress.some((m) => /secondary rate limit/.test(m))).toBe(true);
  });

  it('sends a user agent naming soc2', async () => {
    const seen: string[] = [];
    h = await startHarness();
    const url = h.server.url;
    await createGitHubContext(githubSettingsSchema.parse({ org: h.estate.org }), {
      env: { GITHUB_TOKEN: DEMO_TOKENS.owner, GITHUB_API_URL: url },
      userAgent: 'soc2/9.9.9',
      cacheDir: h.cacheDir,
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers).get('user-agent') ?? '');
        return fetch(input, init);
      },
    });
    expect(seen[0]).toMatch(/^soc2\/9\.9\.9/);
  });

  it('reads answers with the platform JSON parser, as Octokit would otherwise (same values, text for text, bytes for bytes), REST pages and GraphQL alike', async () => {
    h = await startHarness();
    // json-with-bigint, Octokit's own reader, turns an integer past 2^53 into a BigInt: a number here shows the answer took the plain path.
    const ctx = await h.github({
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const path = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).pathname;
        if (path !== '/orgs/northwind-analytics/repos' && path !== '/graphql') return res;
        const text = (await res.text()).replace(/"(id|cost)":\s*\d+/g, '"$1":12345678901234567890');
        return new Response(text, { status: res.status, headers: res.headers });
      },
    });
    const repos = await ctx.octokit.paginate('GET /orgs/{org}/repos', { org: 'northwind-analytics', per_page: 2 });
    expect(repos.length).toBe(h.estate.repos.length);
    expect(repos.map((r) => typeof (r as { id: unknown }).id)).toEqual(repos.map(() => 'number'));
    const viewer = await ctx.octokit.graphql<{ viewer: { login: string }; rateLimit: { cost: unknown } }>('query { viewer { login } rateLimit { cost } }');
    expect(viewer.viewer.login).toBe(h.estate.tokens.find((t) => t.token === DEMO_TOKENS.owner)!.login);
    expect(typeof viewer.rateLimit.cost).toBe('number');
  });

  it('reads a success body the way Octokit does for each content type', async () => {
    const stream = (text: string) => new Response(text).body!;
    await expect(readAnswerBody('application/json; charset=utf-8', stream('{"a":[1,2]}'))).resolves.toEqual({ a: [1, 2] });
    await expect(readAnswerBody('application/json', stream('not json'))).resolves.toBe('not json');
    await expect(readAnswerBody('text/plain; charset=utf-8', stream('# README'))).resolves.toBe('# README');
    await expect(readAnswerBody(undefined, stream('plain'))).resolves.toBe('plain');
    const bytes = await readAnswerBody('application/octet-stream', stream('\u0001\u0002'));
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([1, 2]);
  });
});
