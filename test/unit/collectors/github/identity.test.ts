import { afterEach, describe, expect, it } from 'vitest';
import { tokenKindOf } from '../../../../src/collectors/github/capabilities.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

// Built from parts, like the demo's tokens: the source holds nothing token-shaped.
const appToken = (prefix: string) => `${prefix}${'demoNorthwindInstallation'.padEnd(36, '0')}`;

describe('collectors/github/capabilities: who the token acts as', () => {
  it('reads the login of a classic and of a fine-grained token from GET /user, and says which kind each is', async () => {
    h = await startHarness();
    const classic = await h.github();
    expect(classic.identity).toMatchObject({ tokenKind: 'classic', login: 'alice-nw' });
    expect(classic.identity!.calls).toEqual([expect.objectContaining({ source: 'github-rest', operation: 'GET /user', status: 200 })]);
    const fine = await h.github({ token: DEMO_TOKENS.member });
    expect(fine.identity).toMatchObject({ tokenKind: 'fine-grained', login: 'bob-nw' });
  });

  it('does not ask GET /user for an app installation token (ghs_), and records why the login is unknown', async () => {
    const estate = demoGitHubEstate();
    const token = appToken('ghs' + '_');
    estate.tokens.push({ token, login: 'soc2-app[bot]', type: 'app', permissions: { metadata: 'read', members: 'read', contents: 'read' }, orgOwner: false });
    h = await startHarness(estate);
    const ctx = await h.github({ token });
    expect(ctx.identity).toEqual({ tokenKind: 'app-installation', login: null, reason: expect.stringMatching(/acts as the GitHub App, not as a user/), calls: [] });
    expect(h.server.stats.byRoute['GET /user']).toBeUndefined();
  });

  it('learns that a token of unknown shape is an installation token from GitHub\'s 403 to GET /user, and does not fail the run', async () => {
    const estate = demoGitHubEstate();
    const token = appToken('v1.');
    estate.tokens.push({ token, login: 'soc2-app[bot]', type: 'app', permissions: { metadata: 'read', members: 'read' }, orgOwner: false });
    h = await startHarness(estate);
    const ctx = await h.github({ token });
    expect(ctx.identity).toMatchObject({ tokenKind: 'app-installation', login: null, reason: expect.stringContaining('403 "Resource not accessible by integration"') });
    expect(ctx.identity!.calls[0]).toMatchObject({ operation: 'GET /user', status: 403 });
  });

  it('records the token probe\'s own requests, so the data-handling statement can count them', async () => {
    h = await startHarness();
    const ctx = await h.github();
    const ops = ctx.capabilities.calls.map((c) => c.operation);
    expect(ops).toEqual(expect.arrayContaining(['GET /rate_limit', 'GET /orgs/{org}']));
    expect(ctx.capabilities.calls.every((c) => c.host === new URL(h!.server.url).host && c.region === undefined && typeof c.status === 'number')).toBe(true);
  });

  it('tells token kinds apart by GitHub\'s prefixes', () => {
    expect(tokenKindOf('github_pat_x', false)).toBe('fine-grained');
    expect(tokenKindOf('ghs_x', false)).toBe('app-installation');
    expect(tokenKindOf('ghu_x', false)).toBe('app-user');
    expect(tokenKindOf('ghp_x', false)).toBe('classic');
    expect(tokenKindOf('gho_x', false)).toBe('classic');
    expect(tokenKindOf('0123abcd', true)).toBe('classic');
    expect(tokenKindOf('0123abcd', false)).toBe('unknown');
  });
});
