import { afterEach, describe, expect, it } from 'vitest';
import { collector, mergeBranchRules } from '../../../../src/collectors/github/branch-rules.js';
import { DEMO_TOKENS, demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

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
    expect(infra.bypassActors[0]).toContain('OrganizationAdmin');
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
    h = await startHarness(demoGitHubEstate(), { faults: { graphqlMissingFields: ['Ref.rules'] } });
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
      classic: { requiredApprovals: 1, dismissStale: false, codeOwners: false, lastPushApproval: false, statusChecks: null, strict: false, signatures: false, linearHistory: false, allowForcePushes: true, allowDeletions: true, enforceAdmins: true },
      rules: [{ type: 'pull_request', requiredApprovals: 2, dismissStale: true, rulesetId: 1, rulesetName: 'rs', sourceType: 'Repository', source: 'o/r', bypass: [] }, { type: 'non_fast_forward', rulesetId: 1, rulesetName: 'rs', sourceType: 'Repository', source: 'o/r', bypass: [] }],
    });
    expect(merged).toMatchObject({ requiredApprovals: 2, dismissStaleReviews: true, forcePushesBlocked: true, deletionBlocked: false, adminsCanBypass: false });
  });
});
