import { afterEach, describe, expect, it } from 'vitest';
import { repositoryGraph } from '../../../../src/collectors/github/repo-facts.js';
import { repositoryInventory } from '../../../../src/collectors/github/repos.js';
import { benchGitHubEstate } from '../../../../src/sandbox/estate/github-bench.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/repos', () => {
  it('pages through every repository of a large organisation and records the pages', async () => {
    h = await startHarness(benchGitHubEstate(250));
    const ctx = h.ctx(await h.github());
    const inv = await repositoryInventory(ctx);
    expect(inv.repos.length + inv.excluded.length).toBe(250);
    expect(inv.excluded.map((e) => e.fullName)).toEqual(['northwind-analytics/svc-0001', 'northwind-analytics/svc-0101', 'northwind-analytics/svc-0201']);
    expect(inv.calls[0]).toMatchObject({ operation: 'GET /orgs/{org}/repos', pages: 3, items: 250 });
  });

  it('shares one read of the list between callers through ctx.memo', async () => {
    h = await startHarness(benchGitHubEstate(120));
    const ctx = h.ctx(await h.github());
    const before = h.server.stats.byRoute['GET /orgs/{org}/repos'] ?? 0;
    await Promise.all([repositoryInventory(ctx), repositoryInventory(ctx), repositoryGraph(ctx)]);
    expect((h.server.stats.byRoute['GET /orgs/{org}/repos'] ?? 0) - before).toBe(2); // two pages, read once
  });

  it('reads repository facts for many repositories per GraphQL query', async () => {
    h = await startHarness(benchGitHubEstate(250));
    const ctx = h.ctx(await h.github());
    const graph = await repositoryGraph(ctx);
    expect(graph.mode).toBe('graphql');
    // 250 - 3 forks - 5 archived = 242 active repositories, 50 per query
    expect(h.server.stats.byRoute['POST /graphql']).toBe(5);
  });

  it('waits out a GraphQL RATE_LIMITED answered with HTTP 200, then reads the facts', async () => {
    h = await startHarness(benchGitHubEstate(10), { faults: [{ kind: 'graphql-rate-limited', times: 1, resetInSeconds: 1 }] });
    const ctx = h.ctx(await h.github());
    const graph = await repositoryGraph(ctx);
    expect(graph.mode).toBe('graphql');
    if (graph.mode === 'graphql') expect([...graph.byRepo.values()].every((e) => !e.failure)).toBe(true);
    expect(h.server.stats.byRoute['POST /graphql']).toBe(2);
    expect(h.progress.some((m) => /primary rate limit/.test(m))).toBe(true);
  });
});
