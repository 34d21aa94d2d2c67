import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/org-settings.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/org-settings', () => {
  it('reads the organisation settings, owners and outside collaborators with an owner token', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(1);
    const org = ev.resources[0]!;
    expect(org.id).toBe('northwind-analytics');
    expect(org.data).toMatchObject({
      twoFactorRequirementEnabled: true,
      defaultRepositoryPermission: 'read',
      membersCanCreatePublicRepositories: false,
      ownerCount: 3,
      owners: ['alice-nw', 'erin-nw', 'grace-nw'],
      memberCount: 8,
      membersWithoutTwoFactor: [],
      outsideCollaboratorCount: 4,
    });
    expect(collector.resource.safeParse(org.data).success).toBe(true);
    expect(ev.calls.map((c) => c.operation)).toContain('GET /orgs/{org}');
    expect(ev.calls.every((c) => c.requestId && c.at === '2026-04-01T09:00:00.000Z')).toBe(true);
  });

  it('reports owner-only settings a token cannot see as unknown (null) with the permission that reveals them, not "2FA off"', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    const org = ev.resources[0]!.data;
    expect(org).toMatchObject({ twoFactorRequirementEnabled: null, defaultRepositoryPermission: null, membersCanCreatePublicRepositories: null, membersCanDeleteRepositories: null, membersCanForkPrivateRepositories: null, membersWithoutTwoFactor: null });
    // What the member may read is still there, so GH-012 can be judged.
    expect(org).toMatchObject({ ownerCount: 3, memberCount: 8, outsideCollaboratorCount: 4 });
    expect(collector.resource.safeParse(org).success).toBe(true);
    for (const k of ['twoFactorRequirementEnabled', 'membersCanCreatePublicRepositories', 'membersCanDeleteRepositories', 'membersCanForkPrivateRepositories', 'membersWithoutTwoFactor']) expect(collector.revealedBy?.[k]).toBe('github:org_administration:read');
    expect(ev.complete).toBe(true);
  });

  it('reports members and outside collaborators the token may not list as unknown, naming the members permission', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.narrow })), {});
    expect(ev.resources[0]!.data).toMatchObject({ owners: null, ownerCount: null, memberCount: null, outsideCollaborators: null });
    expect(collector.revealedBy?.['ownerCount']).toBe('github:org_members:read');
  });

  it.each([
    ['absent', (o: Record<string, unknown>, k: string) => delete o[k]],
    ['null', (o: Record<string, unknown>, k: string) => (o[k] = null)],
  ])('reads settings an owner\'s answer leaves %s as unknown (null), never false', async (_how, change) => {
    const optional = ['two_factor_requirement_enabled', 'members_can_create_public_repositories', 'members_can_fork_private_repositories', 'members_can_delete_repositories', 'members_can_create_repositories', 'default_repository_permission'];
    const rewrite: Rewrite = (body, x) => {
      if (x.path !== '/orgs/northwind-analytics' || x.status !== 200) return undefined;
      for (const k of optional) change(body as Record<string, unknown>, k);
      return body;
    };
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(rewrite) })), {});
    expect(ev.resources[0]!.data).toMatchObject({ twoFactorRequirementEnabled: null, membersCanCreatePublicRepositories: null, membersCanForkPrivateRepositories: null, membersCanDeleteRepositories: null, membersCanCreateRepositories: null, defaultRepositoryPermission: null, ownerCount: 3 });
  });

  it('reports a failed list (not a refusal) as a gap', async () => {
    // 410 is not retried, which keeps the test quick; a 5xx takes the same path after the retries.
    h = await startHarness(undefined, { faults: [{ kind: 'server-error', route: 'GET /orgs/{org}/outside_collaborators', times: 10, status: 410 }] });
    const ev = await collector.collect(h.ctx(await h.github()), {});
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'other', resource: 'northwind-analytics', message: expect.stringContaining('410') })]);
    expect(ev.resources[0]!.data).toMatchObject({ outsideCollaborators: null, twoFactorRequirementEnabled: true });
  });
});
