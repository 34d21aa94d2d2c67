import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../../src/sandbox/github-server.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../../src/sandbox/estate/github.js';
import { benchGitHubEstate } from '../../../src/sandbox/estate/github-bench.js';
import { startHarness } from '../../fakes/github-context.js';

let server: FakeGitHub | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const get = (path: string, token: string = DEMO_TOKENS.owner, headers: Record<string, string> = {}) =>
  fetch(`${server!.url}${path}`, { headers: { authorization: `token ${token}`, accept: 'application/vnd.github+json', ...headers } });

describe('sandbox/github-server', () => {
  it('answers an unknown token with 401 Bad credentials, as GitHub does', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const res = await get('/orgs/northwind-analytics', 'ghp_nope');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
  });

  it('sends rate-limit headers, a request id and x-oauth-scopes for classic tokens only', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const res = await get('/orgs/northwind-analytics');
    expect(res.headers.get('x-ratelimit-limit')).toBe('5000');
    expect(res.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(res.headers.get('x-ratelimit-used')).toBe('1');
    expect(res.headers.get('x-ratelimit-resource')).toBe('core');
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(1_600_000_000);
    expect(res.headers.get('x-github-request-id')).toMatch(/^[0-9A-F]{4}:/);
    expect(res.headers.get('x-oauth-scopes')).toBe('repo, read:org, admin:org, security_events, read:repo_hook');
    const fine = await get('/orgs/northwind-analytics', DEMO_TOKENS.member);
    expect(fine.headers.get('x-oauth-scopes')).toBeNull();
  });

  it('answers If-None-Match with 304 without spending the rate limit', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const first = await get('/repos/northwind-analytics/api/hooks');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const again = await get('/repos/northwind-analytics/api/hooks', DEMO_TOKENS.owner, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(server.stats).toMatchObject({ notModified: 1, rateLimitPointsSpent: 1 });
  });

  it('pages repositories with Link headers and caps per_page at 100', async () => {
    server = await startFakeGitHub(benchGitHubEstate(250));
    const res = await get('/orgs/northwind-analytics/repos?per_page=500');
    expect(((await res.json()) as unknown[]).length).toBe(100);
    const link = res.headers.get('link')!;
    expect(link).toContain('rel="next"');
    expect(link).toMatch(/page=3>; rel="last"/);
    const last = await get('/orgs/northwind-analytics/repos?per_page=100&page=3');
    expect(((await last.json()) as unknown[]).length).toBe(50);
    expect(last.headers.get('link')).toContain('rel="prev"');
  });

  it('shows security_and_analysis to admins only', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const admin = (await (await get('/repos/northwind-analytics/api')).json()) as Record<string, unknown>;
    const member = (await (await get('/repos/northwind-analytics/api', DEMO_TOKENS.member)).json()) as Record<string, unknown>;
    expect(admin['security_and_analysis']).toBeDefined();
    expect(member['security_and_analysis']).toBeUndefined();
  });

  it('tells "Branch not protected" apart from a permission refusal', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    expect(await (await get('/repos/northwind-analytics/web-app/branches/main/protection')).json()).toMatchObject({ message: 'Branch not protected' });
    const denied = await get('/repos/northwind-analytics/web-app/branches/main/protection', DEMO_TOKENS.member);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ message: 'Resource not accessible by personal access token' });
  });

  it('returns the effective rules of a ruleset-only branch', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const rules = (await (await get('/repos/northwind-analytics/web-app/rules/branches/main')).json()) as Array<{ type: string; ruleset_source_type: string }>;
    expect(rules.map((r) => r.type)).toEqual(['deletion', 'non_fast_forward', 'required_signatures', 'pull_request', 'required_status_checks']);
    expect(rules.every((r) => r.ruleset_source_type === 'Repository')).toBe(true);
  });

  it('answers the Dependabot "disabled" 403 and the permission 403 with GitHub\'s own texts', async () => {
    const estate = demoGitHubEstate();
    estate.repos[0]!.dependabotAlertsEnabled = false;
    server = await startFakeGitHub(estate);
    expect(await (await get('/repos/northwind-analytics/api/dependabot/alerts')).json()).toMatchObject({ message: 'Dependabot alerts are disabled for this repository.' });
    expect(await (await get('/repos/northwind-analytics/web-app/dependabot/alerts', DEMO_TOKENS.member)).json()).toMatchObject({ message: 'Resource not accessible by personal access token' });
  });

  it('refuses with a secondary rate limit and retry-after when the fault is set', async () => {
    server = await startFakeGitHub(demoGitHubEstate(), { faults: [{ kind: 'secondary-rate-limit', route: 'GET /repos/{owner}/{repo}', times: 1, retryAfter: 7 }] });
    const res = await get('/repos/northwind-analytics/api');
    expect(res.status).toBe(403);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await get('/repos/northwind-analytics/api')).status).toBe(200);
  });

  it('answers an exhausted GraphQL budget with HTTP 200 and a RATE_LIMITED error', async () => {
    server = await startFakeGitHub(demoGitHubEstate(), { faults: [{ kind: 'graphql-rate-limited', times: 1, resetInSeconds: 1 }] });
    const post = () => fetch(`${server!.url}/graphql`, { method: 'POST', headers: { authorization: `bearer ${DEMO_TOKENS.owner}` }, body: JSON.stringify({ query: '{ viewer { login } }' }) });
    const limited = await post();
    expect(limited.status).toBe(200);
    expect(((await limited.json()) as { errors: Array<{ type: string }> }).errors[0]!.type).toBe('RATE_LIMITED');
    expect(await (await post()).json()).toEqual({ data: { viewer: { login: 'alice-nw' } } });
  });

  it('charges GraphQL by GitHub\'s cost model and reports it in rateLimit', async () => {
    server = await startFakeGitHub(demoGitHubEstate());
    const query = 'query { rateLimit { cost } repository(owner: "northwind-analytics", name: "api") { vulnerabilityAlerts(first: 100) { nodes { number } } deployKeys(first: 100) { nodes { title } } } }';
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { authorization: `bearer ${DEMO_TOKENS.owner}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data: { rateLimit: { cost: number } } };
    expect(body.data.rateLimit.cost).toBe(1);
    expect(res.headers.get('x-ratelimit-resource')).toBe('graphql');
    expect(server.stats.rateLimitPointsSpent).toBe(1);
  });

  it('lists requests for routes and GraphQL fields it does not model, so a test cannot mistake them for permission gaps', async () => {
    server = await startFakeGitHub(demoGitHubEstate(), { graphqlMissingFields: ['Ref.rules'] });
    expect((await get('/repos/northwind-analytics/api/teams')).status).toBe(404);
    const post = (query: string) => fetch(`${server!.url}/graphql`, { method: 'POST', headers: { authorization: `bearer ${DEMO_TOKENS.owner}` }, body: JSON.stringify({ query }) });
    await post('{ repository(owner: "northwind-analytics", name: "api") { stargazerCount } }');
    // A field the test removed on purpose (an older GHES) is a simulated fault, not an unknown route.
    await post('{ repository(owner: "northwind-analytics", name: "api") { defaultBranchRef { rules(first: 1) { totalCount } } } }');
    expect((await get('/repos/northwind-analytics/api')).status).toBe(200);
    expect(server.stats.unknownRoutes).toEqual(['GET /repos/northwind-analytics/api/teams', 'POST /graphql Repository.stargazerCount']);
  });

  it('makes the test harness fail a test that reached an unknown route, unless the test opts out', async () => {
    const strict = await startHarness();
    await fetch(`${strict.server.url}/repos/northwind-analytics/api/teams`, { headers: { authorization: `token ${DEMO_TOKENS.owner}` } });
    await expect(strict.close()).rejects.toThrow(/does not model: GET \/repos\/northwind-analytics\/api\/teams/);
    const lenient = await startHarness(demoGitHubEstate(), { allowUnknownRoutes: true });
    await fetch(`${lenient.server.url}/repos/northwind-analytics/api/teams`, { headers: { authorization: `token ${DEMO_TOKENS.owner}` } });
    await expect(lenient.close()).resolves.toBeUndefined();
  });
});
