import { afterEach, describe, expect, it } from 'vitest';
import { collector, mergeBranchRules } from '../../../../src/collectors/github/branch-rules.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import type { ClassicProtection, RuleFact } from '../../../../src/collectors/github/repo-facts.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const byId = <T>(rs: Array<{ id: string; data: T; notApplicable?: string }>, id: string) => rs.find((r) => r.id === id);

describe('collectors/github/branch-rules', () => {
  it('counts a ruleset-only repository as protected with the ruleset\'s settings (classic endpoint 404s)', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    const web = byId(ev.resources, 'northwind-analytics/web-app')!.data;
    expect(web).toMatchObject({
      protected: true,
      pullRequestRequired: true,
      requiredApprovals: 1,
      dismissStaleReviews: true,
      requireCodeOwnerReview: true,
      forcePushesBlocked: true,
      deletionBlocked: true,
      signedCommitsRequired: true,
      statusChecksRequired: true,
      requiredStatusChecks: ['build'],
      adminsCanBypass: false,
    });
    expect(web.protectionSources).toEqual(['ruleset "main protection" (repository)']);
  });

  it('reports a repository with neither classic protection nor rules as unprotected', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const dp = byId(ev.resources, 'northwind-analytics/data-pipeline')!.data;
    expect(dp).toMatchObject({ protected: false, pullRequestRequired: false, requiredApprovals: 0, forcePushesBlocked: false, adminsCanBypass: true });
  });

  it('merges an organisation ruleset and records who may bypass it', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const infra = byId(ev.resources, 'northwind-analytics/infra-terraform')!.data;
    expect(infra.requiredApprovals).toBe(2);
    expect(infra.requiredStatusChecks).toEqual(['terraform/plan']);
    expect(infra.adminsCanBypass).toBe(true);
    expect(infra.bypassActors?.[0]).toContain('OrganizationAdmin');
    // "pull_request" bypass mode only merges pull requests, which never force-push.
    expect(infra).toMatchObject({ forcePushesBlocked: true, forcePushBypassActors: [] });
    const api = byId(ev.resources, 'northwind-analytics/api')!.data;
    expect(api).toMatchObject({ protected: true, requiredApprovals: 1, adminsCanBypass: false, protectionSources: ['classic branch protection'] });
  });

  it('marks the archived repository not applicable and leaves the fork out of scope', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(byId(ev.resources, 'northwind-analytics/legacy-reports')?.notApplicable).toMatch(/archived/);
    expect(byId(ev.resources, 'northwind-analytics/forked-sdk')).toBeUndefined();
    expect(ev.facts?.['excluded']).toEqual([{ fullName: 'northwind-analytics/forked-sdk', reason: expect.stringContaining('fork') }]);
  });

  it('honours include/exclude globs from the config', async () => {
    h = await startHarness();
    const gh = await h.github({ settings: { repos: { include: ['*'], exclude: ['sandbox-*', 'legacy-*'] } } });
    const ev = await collector.collect(h.ctx(gh), {});
    expect(ev.resources.map((r) => r.id).sort()).toEqual(['northwind-analytics/api', 'northwind-analytics/billing-service', 'northwind-analytics/data-pipeline', 'northwind-analytics/infra-terraform', 'northwind-analytics/web-app']);
  });

  it('uses one GraphQL query for all repositories (batched), not a request per repository', async () => {
    h = await startHarness();
    const gh = await h.github();
    const before = { ...h.server.stats.byRoute };
    await collector.collect(h.ctx(gh), {});
    expect((h.server.stats.byRoute['POST /graphql'] ?? 0) - (before['POST /graphql'] ?? 0)).toBe(1);
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/branches/{branch}/protection'] ?? 0).toBe(0);
  });

  it('falls back to REST when GraphQL lacks Ref.rules (older GHES) and reads "Branch not protected" as no classic protection', async () => {
    h = await startHarness(demoGitHubEstate(), { graphqlMissingFields: ['Ref.rules'] });
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    expect(byId(ev.resources, 'northwind-analytics/web-app')!.data).toMatchObject({ protected: true, requiredApprovals: 1, adminsCanBypass: false });
    expect(byId(ev.resources, 'northwind-analytics/data-pipeline')!.data.protected).toBe(false);
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/rules/branches/{branch}']).toBeGreaterThan(0);
    expect(ev.calls.some((c) => c.operation === 'GET /repos/{owner}/{repo}/branches/{branch}/protection' && c.status === 404)).toBe(true);
  });

  it('reports a permission gap, never "unprotected", when the token cannot read classic protection', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    expect(ev.complete).toBe(false);
    expect(ev.resources.filter((r) => !r.notApplicable)).toEqual([]);
    expect(ev.gaps.find((g) => g.resource === 'northwind-analytics/data-pipeline')).toMatchObject({ kind: 'permission', permission: 'github:administration:read' });
  });

  it('takes the strictest of classic protection and rulesets', () => {
    const merged = mergeBranchRules({
      branch: 'main',
      classic: { ...classic, pullRequest: { ...classic.pullRequest!, dismissStale: false }, allowForcePushes: true, allowDeletions: true },
      rules: [rule({ type: 'pull_request', requiredApprovals: 2, dismissStale: true, codeOwners: false, lastPushApproval: false }), rule({ type: 'non_fast_forward' })],
    });
    expect(merged).toMatchObject({ requiredApprovals: 2, dismissStaleReviews: true, forcePushesBlocked: true, forcePushBypassActors: [], deletionBlocked: false, adminsCanBypass: false, bypassActors: [] });
  });

  it('GraphQL: classic protection that holds admins but lets named actors skip the review does not count as "no bypass"', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const sandbox = byId(ev.resources, 'northwind-analytics/sandbox-playground')!.data;
    expect(sandbox.adminsCanBypass).toBe(true);
    expect(sandbox.bypassActors).toEqual([
      'User:bob-nw (classic protection: allowed to bypass required pull requests)',
      'Team:release-managers (classic protection: allowed to bypass required pull requests)',
      'App:renovate (classic protection: allowed to bypass required pull requests)',
    ]);
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/branches/{branch}/protection'] ?? 0).toBe(0);
  });

  it('REST: reads required_pull_request_reviews.bypass_pull_request_allowances the same way', async () => {
    h = await startHarness(demoGitHubEstate(), { graphqlMissingFields: ['Ref.rules'] });
    const ev = await collector.collect(h.ctx(await h.github()), {});
    const sandbox = byId(ev.resources, 'northwind-analytics/sandbox-playground')!.data;
    expect(sandbox.adminsCanBypass).toBe(true);
    expect(sandbox.bypassActors).toEqual(['User:bob-nw', 'Team:release-managers', 'App:renovate'].map((a) => `${a} (classic protection: allowed to bypass required pull requests)`));
    expect(byId(ev.resources, 'northwind-analytics/api')!.data).toMatchObject({ adminsCanBypass: false, bypassActors: [] });
  });

  it('names repository admins as able to force-push when classic protection lets admins bypass it', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(byId(ev.resources, 'northwind-analytics/billing-service')!.data).toMatchObject({ forcePushesBlocked: true, forcePushBypassActors: [expect.stringContaining('repository admins')] });
    expect(byId(ev.resources, 'northwind-analytics/api')!.data).toMatchObject({ forcePushesBlocked: true, forcePushBypassActors: [] });
  });

  it('GraphQL: force pushes allowed only for named actors are a block those actors pass (bypassForcePushAllowances)', async () => {
    const estate = demoGitHubEstate();
    const api = estate.repos.find((r) => r.name === 'api')!;
    api.protection = { ...api.protection!, allowForcePushes: true, forcePushAllowances: { users: ['alice-nw'], teams: [], apps: ['deploy-bot'] } };
    h = await startHarness(estate);
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(byId(ev.resources, 'northwind-analytics/api')!.data).toMatchObject({
      forcePushesBlocked: true,
      forcePushBypassActors: ['User:alice-nw (classic protection: allowed to force-push)', 'App:deploy-bot (classic protection: allowed to force-push)'],
    });
  });

  it('REST: settings GitHub left out of the protection answer are unknown (null), never off', async () => {
    const dropOptional: Rewrite = (body, x) => {
      if (x.status !== 200 || !x.path.endsWith('/branches/main/protection')) return undefined;
      const b = body as Record<string, Record<string, unknown> | undefined>;
      delete b['enforce_admins'];
      delete b['allow_deletions'];
      delete b['required_pull_request_reviews']!['bypass_pull_request_allowances'];
      delete b['required_pull_request_reviews']!['required_approving_review_count'];
      return b;
    };
    h = await startHarness(demoGitHubEstate(), { graphqlMissingFields: ['Ref.rules'] });
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(dropOptional) })), {});
    expect(ev.complete).toBe(true);
    const api = byId(ev.resources, 'northwind-analytics/api')!.data;
    expect(api).toMatchObject({ protected: true, pullRequestRequired: true, requiredApprovals: null, adminsCanBypass: null, bypassActors: null, deletionBlocked: null, forcePushesBlocked: true, forcePushBypassActors: null });
    expect(collector.resource.safeParse(api).success).toBe(true);
    expect(Object.keys(collector.revealedBy!)).toEqual(expect.arrayContaining(['requiredApprovals', 'adminsCanBypass', 'deletionBlocked', 'forcePushBypassActors']));
    // A ruleset layer that is known decides what classic protection left unknown.
    const web = byId(ev.resources, 'northwind-analytics/web-app')!.data;
    expect(web).toMatchObject({ adminsCanBypass: false, deletionBlocked: true });
  });

  it('GraphQL: a null approval count or check list is unknown, not zero', async () => {
    const nullCounts: Rewrite = (body, x) => {
      if (x.path !== '/graphql' || !x.request?.query?.includes('RepoFacts')) return undefined;
      const data = (body as { data: Record<string, { nameWithOwner?: string; defaultBranchRef?: { branchProtectionRule?: Record<string, unknown> | null } } | null> }).data;
      for (const repo of Object.values(data)) {
        const rule = repo?.defaultBranchRef?.branchProtectionRule;
        if (repo?.nameWithOwner === 'northwind-analytics/api' && rule) {
          rule['requiredApprovingReviewCount'] = null;
          rule['requiredStatusCheckContexts'] = null;
        }
      }
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(nullCounts) })), {});
    expect(byId(ev.resources, 'northwind-analytics/api')!.data).toMatchObject({ requiredApprovals: null, requiredStatusChecks: null, statusChecksRequired: null, adminsCanBypass: false });
  });

  it('leaves who may bypass unknown when a ruleset\'s bypass list is hidden, without hiding the other settings', () => {
    const merged = mergeBranchRules({ branch: 'main', classic: null, rules: [rule({ type: 'pull_request', requiredApprovals: 1, dismissStale: true, codeOwners: true, lastPushApproval: false, bypass: null }), rule({ type: 'non_fast_forward', bypass: null })] });
    expect(merged).toMatchObject({ requiredApprovals: 1, dismissStaleReviews: true, adminsCanBypass: null, bypassActors: null, forcePushesBlocked: true, forcePushBypassActors: null });
    // …but a second layer that holds everyone decides it.
    const held = mergeBranchRules({ branch: 'main', classic, rules: [rule({ type: 'pull_request', requiredApprovals: 1, bypass: null })] });
    expect(held).toMatchObject({ adminsCanBypass: false, bypassActors: [] });
  });

  it('counts a ruleset bypass in any mode as able to skip the review, but only "always"/"exempt" as able to force-push', () => {
    const bypass = [{ actor: 'Team:release', mode: 'pull_request' }, { actor: 'OrganizationAdmin', mode: 'always' }];
    const merged = mergeBranchRules({ branch: 'main', classic: null, rules: [rule({ type: 'pull_request', requiredApprovals: 1, bypass }), rule({ type: 'non_fast_forward', bypass })] });
    expect(merged.adminsCanBypass).toBe(true);
    expect(merged.bypassActors).toHaveLength(2);
    expect(merged.forcePushBypassActors).toEqual(['OrganizationAdmin (always) via ruleset "rs" (repository)']);
  });
});

const classic: ClassicProtection = {
  pullRequest: { requiredApprovals: 1, dismissStale: true, codeOwners: false, lastPushApproval: false, bypassAllowances: [] },
  statusChecks: null,
  signatures: false,
  linearHistory: false,
  allowForcePushes: false,
  allowDeletions: false,
  enforceAdmins: true,
  forcePushAllowances: [],
};

function rule(over: Partial<RuleFact> & { type: string }): RuleFact {
  return { rulesetId: 1, rulesetName: 'rs', sourceType: 'Repository', source: 'o/r', bypass: [], ...over };
}
