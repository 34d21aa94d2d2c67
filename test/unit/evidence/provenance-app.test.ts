import { describe, expect, it } from 'vitest';
import type { GitHubContext } from '../../../src/collectors/github/client.js';
import { source as awsSource } from '../../../src/collectors/aws/source.js';
import { source as githubSource } from '../../../src/collectors/github/source.js';
import { learnProvenance } from '../../../src/evidence/provenance.js';
import { provenanceLines } from '../../../src/reports/run-context.js';
import { provenanceSchema } from '../../../src/results.js';

const ctx = (identity: object) => Promise.resolve({ capabilities: { apiUrl: 'https://api.github.com' }, identity } as unknown as GitHubContext);
/** AWS out of scope; GitHub with the given context. */
const sources = (github: Promise<GitHubContext>) => [{ source: awsSource, ctx: undefined }, { source: githubSource, ctx: github.then((g) => ({ github: g })) }];
const APP = { id: 4242, slug: 'soc2-audit', installationId: 77 };

describe('evidence/provenance: a run as a GitHub App installation', () => {
  it('records the app id, slug and installation beside the token kind, and the reports name them', async () => {
    const call = { source: 'github-rest', operation: 'GET /app', params: {}, at: '2026-04-01T09:00:00.000Z', status: 200 };
    const p = await learnProvenance({ sources: sources(ctx({ tokenKind: 'app-installation', login: 'soc2-audit[bot]', app: APP, calls: [call] })), env: {} });
    expect(p.github).toEqual({ state: 'known', login: 'soc2-audit[bot]', tokenKind: 'app-installation', apiUrl: 'https://api.github.com', app: APP });
    expect(p.calls).toEqual([call]);
    expect(provenanceSchema.parse(p)).toEqual(p);
    expect(provenanceLines(p)).toContainEqual(['GitHub identity', 'soc2-audit[bot], with a GitHub App installation token of GitHub App soc2-audit (app id 4242, installation 77), at https://api.github.com']);
  });

  it('keeps the app when GitHub did not name its slug, and says why the login is unknown', async () => {
    const app = { ...APP, slug: null };
    const p = await learnProvenance({ sources: sources(ctx({ tokenKind: 'app-installation', login: null, reason: "GitHub did not name the app's slug (GET /app)", app, calls: [] })), env: {} });
    expect(p.github).toEqual({ state: 'unknown', tokenKind: 'app-installation', apiUrl: 'https://api.github.com', reason: "GitHub did not name the app's slug (GET /app)", app });
    expect(provenanceSchema.parse(p)).toEqual(p);
    expect(provenanceLines(p)[1]![1]).toBe("unknown login (GitHub App installation token of GitHub App (slug unknown) (app id 4242, installation 77)) — GitHub did not name the app's slug (GET /app)");
  });

  it('has no app for a token run', async () => {
    const p = await learnProvenance({ sources: sources(ctx({ tokenKind: 'classic', login: 'alice-nw', calls: [] })), env: {} });
    expect(p.github).not.toHaveProperty('app');
  });
});
