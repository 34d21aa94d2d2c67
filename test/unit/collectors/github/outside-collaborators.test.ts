import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/outside-collaborators.js';
import { demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Rewrite } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/outside-collaborators', () => {
  it('finds the outside collaborator with admin and the one with write', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.complete).toBe(true);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data).toMatchObject({ outsideAdmins: ['freelance-oscar'], outsideAdminCount: 1, outsideWithWriteCount: 1 });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/web-app')!.data).toMatchObject({ outsideWithWrite: ['design-agency (write)'], outsideAdminCount: 0 });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ outsideCollaborators: ['contractor-kim (read)'], outsideWithWriteCount: 0 });
  });

  it('reads the same over REST when GraphQL is unavailable', async () => {
    h = await startHarness(demoGitHubEstate(), { graphqlUnavailable: true });
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data.outsideAdmins).toEqual(['freelance-oscar']);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/web-app')!.data).toMatchObject({ outsideWithWrite: ['design-agency (write)'], outsideWithWriteCount: 1 });
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/collaborators']).toBeGreaterThan(0);
  });

  it('has no allow-list: an approved outside writer is an exception, and the old allowed param says so', () => {
    const old = collector.params.safeParse({ allowed: ['design-agency'] });
    expect(old.success).toBe(false);
    expect(old.error?.issues[0]?.message).toMatch(/^no longer read: record an approved outside collaborator as an exception/);
  });

  it('GraphQL: counts an outside collaborator with a custom role by the access it grants (write), not its name', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/infra-terraform')!.data).toMatchObject({ outsideWithWrite: ['vendor-release (write)'], outsideWithWriteCount: 1, outsideAdminCount: 0 });
  });

  it('REST: reads write and admin from the permission flags; role_name ("release-manager") is only a label', async () => {
    const estate = demoGitHubEstate();
    estate.repos.find((r) => r.name === 'api')!.collaborators.push({ login: 'platform-vendor', permission: 'admin', roleName: 'platform-owner', outside: true });
    h = await startHarness(estate, { graphqlUnavailable: true });
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.complete).toBe(true);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/infra-terraform')!.data).toMatchObject({ outsideWithWrite: ['vendor-release (release-manager: write)'], outsideWithWriteCount: 1, outsideAdminCount: 0 });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ outsideAdmins: ['platform-vendor'], outsideAdminCount: 1, outsideWithWriteCount: 1 });
  });

  it('REST: a role_name that says less than the flags does not hide write access', async () => {
    const understate: Rewrite = (body, x) => {
      if (!x.path.endsWith('/collaborators') || x.status !== 200) return undefined;
      for (const c of body as Array<{ role_name: string }>) c.role_name = 'read';
      return body;
    };
    h = await startHarness(demoGitHubEstate(), { graphqlUnavailable: true });
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(understate) })), collector.params.parse({}));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data).toMatchObject({ outsideAdmins: ['freelance-oscar'], outsideAdminCount: 1 });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/web-app')!.data.outsideWithWriteCount).toBe(1);
  });

  it('REST: a collaborator listed without permission flags is a gap, not "read"', async () => {
    const dropFlags: Rewrite = (body, x) => {
      if (!x.path.endsWith('/web-app/collaborators') || x.status !== 200) return undefined;
      for (const c of body as Array<Record<string, unknown>>) delete c['permissions'];
      return body;
    };
    h = await startHarness(demoGitHubEstate(), { graphqlUnavailable: true });
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(dropFlags) })), collector.params.parse({}));
    expect(ev.complete).toBe(false);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/web-app')).toBeUndefined();
    expect(ev.gaps).toEqual([expect.objectContaining({ resource: 'northwind-analytics/web-app', message: expect.stringContaining('design-agency') })]);
  });
});
