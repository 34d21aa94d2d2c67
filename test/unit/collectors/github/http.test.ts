import { afterEach, describe, expect, it } from 'vitest';
import { gapFromError, gapFromGraphQLError, graphql, graphqlUrl, restGet, restList } from '../../../../src/collectors/github/http.js';
import type { ApiCall } from '../../../../src/collectors/types.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const httpError = (status: number, message: string, headers: Record<string, string> = {}) => Object.assign(new Error(`${message} - https://docs.github.com`), { status, response: { data: { message }, headers } });
const where = { resource: 'o/r', permission: 'github:webhooks:read', what: 'webhooks', operation: 'GET /repos/{owner}/{repo}/hooks' };

describe('collectors/github/http', () => {
  it('sends GraphQL to /api/graphql on GitHub Enterprise Server and /graphql elsewhere', () => {
    expect(graphqlUrl('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com/api/graphql');
    expect(graphqlUrl('https://api.github.com')).toBe('https://api.github.com/graphql');
  });

  it('turns a 403 into a permission gap naming the permission and GitHub\'s words, never "disabled"', () => {
    const gap = gapFromError(httpError(403, 'Resource not accessible by integration'), where);
    expect(gap).toMatchObject({ kind: 'permission', permission: 'github:webhooks:read', resource: 'o/r' });
    expect(gap.message).toBe('o/r: token lacks github:webhooks:read: GitHub answered 403 "Resource not accessible by integration" to GET /repos/{owner}/{repo}/hooks, so webhooks could not be read (not treated as disabled).');
  });

  it('tells a rate-limit 403 from a permission 403', () => {
    expect(gapFromError(httpError(403, 'You have exceeded a secondary rate limit.'), where).kind).toBe('rate-limit');
    expect(gapFromError(httpError(403, 'API rate limit exceeded', { 'x-ratelimit-remaining': '0' }), where).kind).toBe('rate-limit');
  });

  it('tells a rate-limit 403 by GitHub\'s documented headers whatever the message says', () => {
    expect(gapFromError(httpError(403, 'Slow down, please.', { 'retry-after': '60' }), where).kind).toBe('rate-limit');
    expect(gapFromError(httpError(403, 'Slow down, please.', { 'x-ratelimit-remaining': '0' }), where).kind).toBe('rate-limit');
    expect(gapFromError(httpError(429, 'Slow down, please.'), where).kind).toBe('rate-limit');
    expect(gapFromError(httpError(403, 'Slow down, please.'), where).kind).toBe('permission');
  });

  it('reads a GraphQL field error by its type, not its message', () => {
    expect(gapFromGraphQLError({ type: 'FORBIDDEN', message: 'Nope.', path: ['x'] }, { resource: 'o/r', permission: 'p', what: 'x' }).kind).toBe('permission');
    expect(gapFromGraphQLError({ type: 'RATE_LIMITED', message: 'Nope.' }, { resource: 'o/r', what: 'x' }).kind).toBe('rate-limit');
    expect(gapFromGraphQLError({ extensions: { code: 'NOT_FOUND' }, message: 'Nope.' }, { resource: 'o/r', what: 'x' }).kind).toBe('permission');
  });

  it('reports 5xx as unavailable', () => {
    expect(gapFromError(httpError(502, 'Server Error'), where).kind).toBe('unavailable');
  });

  it('records a GraphQL query\'s cost as its cost, never as items, and the host as the host, never as a region', async () => {
    h = await startHarness();
    const ctx = h.ctx(await h.github());
    const calls: ApiCall[] = [];
    const res = await graphql<{ rateLimit: { cost: number } }>(ctx, calls, 'Cost', 'query Cost { rateLimit { cost } viewer { login } }', {});
    await restList(ctx, calls, '/orgs/{org}/repos', { org: h.estate.org });
    await restGet(ctx, calls, '/orgs/{org}', { org: h.estate.org });
    const host = new URL(h.server.url).host;
    expect(calls[0]).toMatchObject({ source: 'github-graphql', operation: 'POST /graphql Cost', cost: res.data!.rateLimit.cost, host });
    expect(calls[0]).not.toHaveProperty('items');
    expect(calls[1]).toMatchObject({ source: 'github-rest', pages: 1, items: expect.any(Number), host });
    expect(calls[1]).not.toHaveProperty('cost');
    for (const c of calls) expect(c).not.toHaveProperty('region');
  });

  it('reads a GraphQL FORBIDDEN field error as a permission gap', () => {
    expect(gapFromGraphQLError({ type: 'FORBIDDEN', message: 'Resource not accessible by integration', path: ['vulnerabilityAlerts'] }, { resource: 'o/r', permission: 'github:dependabot_alerts:read', what: 'alerts' })).toMatchObject({ kind: 'permission', permission: 'github:dependabot_alerts:read' });
  });
});
