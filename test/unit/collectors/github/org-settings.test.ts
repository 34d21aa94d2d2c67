import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/org-settings.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

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
      outsideCollaboratorCount: 3,
    });
    expect(collector.resource.safeParse(org.data).success).toBe(true);
    expect(ev.calls.map((c) => c.operation)).toContain('GET /orgs/{org}');
    expect(ev.calls.every((c) => c.requestId && c.at === '2026-04-01T09:00:00.000Z')).toBe(true);
  });

  it('reports a gap naming the permission, not "2FA off", when the owner-only settings are hidden', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), {});
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([]);
    expect(ev.gaps).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'permission', permission: 'github:org_administration:read', resource: 'northwind-analytics' })]));
  });

  it('reports a gap when the token cannot list members', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.narrow })), {});
    expect(ev.complete).toBe(false);
    expect(ev.gaps.some((g) => g.permission === 'github:org_members:read' && g.message.includes('403'))).toBe(true);
  });
});
