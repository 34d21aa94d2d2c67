/**
 * Fakes that cannot drift: the collectors run against the sandbox GitHub in every mode they have
 * (GraphQL, REST fallback, no GraphQL, tokens with and without rights, GitHub's error texts
 * reworded), every exchange is recorded, and each one is checked against GitHub's own published
 * descriptions — REST requests and answers against @octokit/openapi, GraphQL answers against
 * @octokit/graphql-schema. A fake answer GitHub could not give fails here, not in production.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectors, loadCollector, type CollectorId } from '../../../src/collectors/index.js';
import { repositoryInventory } from '../../../src/collectors/github/repos.js';
import { DEMO_TOKENS, demoGitHubEstate, type GitHubEstate } from '../../../src/sandbox/estate/github.js';
import { benchGitHubEstate } from '../../../src/sandbox/estate/github-bench.js';
import { restRoutes } from '../../../src/sandbox/github-rest.js';
import type { FakeGitHubOptions } from '../../../src/sandbox/github-server.js';
import { checkGraphQLAnswer } from '../../fakes/github-graphql-schema.js';
import { loadGitHubOpenApi, type OpenApiChecker } from '../../fakes/github-openapi.js';
import { recordingFetch, type RecordedExchange } from '../../fakes/github-recorder.js';
import { rewritingFetch, type Rewrite } from '../../fakes/github-rewrite.js';
import { startHarness, type Harness } from '../../fakes/github-context.js';
import { testApp } from '../../fakes/github-app.js';

let openapi: OpenApiChecker;
beforeAll(() => {
  openapi = loadGitHubOpenApi();
}, 60_000);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The demo estate plus every shape the fake can serve: bypass actors of each type, allowances, custom roles, alerts past one page, refusals. */
function richEstate(): GitHubEstate {
  const estate = demoGitHubEstate();
  const repo = (name: string) => estate.repos.find((r) => r.name === name)!;
  repo('web-app').dependabotAlertsEnabled = false;
  repo('web-app').rulesets[0]!.bypassActors = [
    { actorId: 11, actorType: 'Team', bypassMode: 'pull_request', name: 'release' },
    { actorId: 22, actorType: 'Integration', bypassMode: 'always', name: 'renovate' },
    { actorId: 5, actorType: 'RepositoryRole', bypassMode: 'always', name: 'maintain' },
    { actorId: null, actorType: 'DeployKey', bypassMode: 'always' },
    { actorId: null, actorType: 'OrganizationAdmin', bypassMode: 'exempt' },
  ];
  const api = repo('api');
  api.protection = { ...api.protection!, allowForcePushes: true, forcePushAllowances: { users: ['alice-nw'], teams: ['sre'], apps: ['deploy-bot'] } };
  api.collaborators.push({ login: 'platform-vendor', permission: 'admin', roleName: 'platform-owner', outside: true });
  repo('sandbox-playground').codeScanning = 'unavailable';
  repo('sandbox-playground').security = { ...repo('sandbox-playground').security, advancedSecurity: 'disabled' };
  const billing = repo('billing-service');
  billing.dependabotAlerts = Array.from({ length: 101 }, (_, i) => ({ number: 500 + i, state: 'open' as const, severity: (['critical', 'high', 'medium', 'low'] as const)[i % 4]!, packageName: `pkg-${i}`, ecosystem: 'npm', ghsaId: `GHSA-0000-0000-${String(i).padStart(4, '0')}`, summary: `Alert ${i}`, createdAt: '2026-03-01T10:00:00Z' }));
  return estate;
}

const reword: Rewrite = (body, x) => {
  if (x.path === '/graphql' || x.status < 400 || typeof body !== 'object' || body === null) return undefined;
  return { ...body, message: 'Reworded by the test.' };
};

interface Scenario {
  name: string;
  estate: () => GitHubEstate;
  opts: FakeGitHubOptions;
  token: string;
  rewrite?: Rewrite;
  /** Only these collectors (default: every GitHub collector). */
  only?: 'inventory';
  /** Authenticate as a GitHub App installation (GITHUB_APP_*) instead of the token. */
  app?: true;
}

const SCENARIOS: Scenario[] = [
  { name: 'GraphQL, owner', estate: richEstate, opts: {}, token: DEMO_TOKENS.owner },
  { name: 'REST fallback (GraphQL lacks Ref.rules), owner', estate: richEstate, opts: { graphqlMissingFields: ['Ref.rules'] }, token: DEMO_TOKENS.owner },
  { name: 'no GraphQL endpoint, owner', estate: richEstate, opts: { graphqlUnavailable: true }, token: DEMO_TOKENS.owner },
  { name: 'REST fallback with GitHub\'s error texts reworded, owner', estate: richEstate, opts: { graphqlMissingFields: ['Ref.rules'] }, token: DEMO_TOKENS.owner, rewrite: reword },
  { name: 'GraphQL, member without admin rights', estate: richEstate, opts: {}, token: DEMO_TOKENS.member },
  { name: 'REST fallback, member without admin rights', estate: richEstate, opts: { graphqlMissingFields: ['Ref.rules'] }, token: DEMO_TOKENS.member },
  { name: 'GraphQL, owner token with repo scope only', estate: richEstate, opts: {}, token: DEMO_TOKENS.narrow },
  { name: '120 repositories (pages of the repository list)', estate: () => benchGitHubEstate(120), opts: {}, token: DEMO_TOKENS.owner, only: 'inventory' },
  { name: 'GraphQL, GitHub App installation', estate: richEstate, opts: {}, token: DEMO_TOKENS.owner, app: true },
];

async function record(s: Scenario): Promise<RecordedExchange[]> {
  const log: RecordedExchange[] = [];
  const estate = s.estate();
  const app = s.app ? testApp(estate) : undefined;
  h = await startHarness(estate, { ...s.opts, ...(app ? { app: { app: app.app } } : {}) });
  const recorder = recordingFetch(log);
  const env: Record<string, string> = app ? { GITHUB_APP_ID: String(app.app.id), GITHUB_APP_PRIVATE_KEY: app.privateKey } : {};
  const gh = await h.github({ token: s.token, env, fetch: s.rewrite ? rewritingFetch(s.rewrite, recorder) : recorder });
  const ctx = h.ctx(gh);
  if (s.only === 'inventory') {
    await repositoryInventory(ctx);
  } else {
    for (const id of Object.keys(collectors).filter((k) => k.startsWith('github.')) as CollectorId[]) {
      const c = await loadCollector(id);
      await c.collect(ctx, c.params.parse({}));
    }
  }
  await h.close();
  h = undefined;
  return log;
}

describe('sandbox/github against GitHub\'s published descriptions', () => {
  const seen: RecordedExchange[] = [];

  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s: every request and answer is one GitHub documents', async (_name, s) => {
    const log = await record(s);
    seen.push(...log);
    const problems = [
      ...log.filter((x) => x.path !== '/graphql').flatMap((x) => openapi.problems(x)),
      ...log.filter((x) => x.graphql && x.status === 200).flatMap((x) => checkGraphQLAnswer(x.graphql!.query, x.body as never).problems.map((p) => `POST /graphql ${x.graphql!.query.match(/query (\w+)/)?.[1] ?? ''}: ${p}`)),
    ];
    expect([...new Set(problems)]).toEqual([]);
    expect(log.length).toBeGreaterThan(0);
  }, 60_000);

  it('exercised every REST route the collectors and the capability probe name in their source', () => {
    const dir = join(process.cwd(), 'src/collectors/github');
    const named = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/'(?:GET )?(\/(?:rate_limit|orgs|repos)[^' ]*)'/g)) named.add(`GET ${m[1]}`);
    }
    const reached = new Set(seen.filter((x) => x.path !== '/graphql').map((x) => openapi.template(x.method, x.path)));
    expect([...named].filter((r) => !reached.has(r)).sort()).toEqual([]);
    expect(named.size).toBeGreaterThan(15);
  });

  it('documents every route the fake serves', () => {
    const sample = (template: string) => template.replace(/\{[^}]+\}/g, 'x');
    expect(restRoutes().filter((r) => !openapi.template(r.method, sample(r.template))).map((r) => r.template)).toEqual([]);
  });

  it('has teeth: an answer or a request GitHub would not give or accept is reported', () => {
    const collaborator = { login: 'kim', id: 1, node_id: 'U_1', avatar_url: 'https://x/a', gravatar_id: '', url: 'https://x', html_url: 'https://x', followers_url: 'https://x', following_url: 'https://x', gists_url: 'https://x', starred_url: 'https://x', subscriptions_url: 'https://x', organizations_url: 'https://x', repos_url: 'https://x', events_url: 'https://x', received_events_url: 'https://x', type: 'User', site_admin: false, permissions: { pull: true, push: true, admin: false } };
    const ok: RecordedExchange = { method: 'GET', path: '/repos/o/r/collaborators', query: [['affiliation', 'outside']], status: 200, body: [{ ...collaborator, role_name: 'release-manager' }] };
    expect(openapi.problems(ok)).toEqual([]);
    expect(openapi.problems({ ...ok, body: [collaborator] }).join('\n')).toMatch(/role_name/);
    expect(openapi.problems({ ...ok, query: [['affiliation', 'everyone']] }).join('\n')).toMatch(/affiliation=everyone/);
    expect(openapi.problems({ ...ok, query: [['role', 'admin']] }).join('\n')).toMatch(/"role" is not in the description/);
    expect(openapi.problems({ ...ok, path: '/repos/o/r/collaborator-list' }).join('\n')).toMatch(/no such operation/);
    const graph = checkGraphQLAnswer('query { repository(owner: "o", name: "r") { isArchived viewerPermission } }', { data: { repository: { isArchived: null, viewerPermission: 'OWNER' } } });
    expect(graph.problems).toEqual(['repository.isArchived: null in non-null Boolean!', 'repository.viewerPermission: "OWNER" is not a RepositoryPermission (ADMIN, MAINTAIN, WRITE, TRIAGE, READ)']);
  });
});
