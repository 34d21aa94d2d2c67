import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/actions-settings.js';
import { demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/actions-settings', () => {
  it('reads each repository when the organisation leaves the settings open', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/billing-service')!.data).toMatchObject({ defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: true, allowedActions: 'all' });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false, allowedActions: 'selected', decidedBy: [] });
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/actions/permissions/workflow']).toBe(6);
  });

  it('takes what a restrictive organisation policy decides without asking each repository', async () => {
    const estate = demoGitHubEstate();
    estate.actions = { enabledRepositories: 'all', enabled: true, allowedActions: 'selected', defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false };
    h = await startHarness(estate);
    const gh = await h.github();
    const before = h.server.stats.requests;
    const ev = await collector.collect(h.ctx(gh), {});
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/billing-service')!.data).toMatchObject({ defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false, allowedActions: 'selected' });
    expect(ev.resources[0]!.data.decidedBy).toHaveLength(3);
    // the repository list and the two organisation endpoints: nothing per repository
    expect(h.server.stats.requests - before).toBe(3);
  });

  it('reads a repository answer without allowed_actions as unknown (null), not "all"', async () => {
    const drop: Rewrite = (body, x) => {
      if (!x.path.endsWith('/api/actions/permissions') || x.status !== 200) return undefined;
      delete (body as Record<string, unknown>)['allowed_actions'];
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(drop) })), {});
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ actionsEnabled: true, allowedActions: null });
    expect(collector.revealedBy?.['allowedActions']).toBe('github:administration:read');
  });
});
