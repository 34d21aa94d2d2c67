import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/outside-collaborators.js';
import { demoGitHubEstate } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

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
    h = await startHarness(demoGitHubEstate(), { faults: { graphqlUnavailable: true } });
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({ allowed: ['design-agency'] }));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data.outsideAdmins).toEqual(['freelance-oscar']);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/web-app')!.data.outsideWithWriteCount).toBe(0);
    expect(h.server.stats.byRoute['GET /repos/{owner}/{repo}/collaborators']).toBeGreaterThan(0);
  });
});
