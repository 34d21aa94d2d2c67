import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/github/deploy-keys.js';
import { DEMO_TOKENS } from '../../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';
import { rewritingFetch, type Exchange } from '../../../fakes/github-rewrite.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/deploy-keys', () => {
  it('lists each deploy key with whether it can write and when it was added', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github()), collector.params.parse({}));
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')!.data).toEqual({
      deployKeyCount: 1,
      keys: [{ title: 'airflow deploy (write)', readOnly: false, createdAt: '2024-03-01T10:00:00Z', summary: '“airflow deploy (write)” added 2024-03-01' }],
      writeKeys: ['airflow deploy (write)'],
      writeKeyCount: 1,
    });
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/api')!.data).toMatchObject({ deployKeyCount: 1, writeKeyCount: 0, keys: [expect.objectContaining({ readOnly: true, createdAt: '2025-06-01T10:00:00Z' })] });
  });

  it('judges no age: the old maxAgeDays param is refused with where the rotation age goes now', () => {
    const old = collector.params.safeParse({ maxAgeDays: 365 });
    expect(old.success).toBe(false);
    expect(old.error?.issues[0]?.message).toMatch(/^no longer read: the rotation age belongs in the assertion.*older-than/);
  });

  it('is a gap for a token without Administration read', async () => {
    h = await startHarness();
    const ev = await collector.collect(h.ctx(await h.github({ token: DEMO_TOKENS.member })), collector.params.parse({}));
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]).toMatchObject({ kind: 'permission', permission: 'github:administration:read' });
  });

  it.each([
    ['GraphQL', {}, (body: unknown, x: Exchange) => {
      if (x.path !== '/graphql' || !x.request?.query?.includes('RepoFacts')) return undefined;
      for (const repo of Object.values((body as { data: Record<string, { nameWithOwner?: string; deployKeys?: { nodes: unknown[] } } | null> }).data)) if (repo?.nameWithOwner === 'northwind-analytics/data-pipeline') repo.deployKeys!.nodes = [null];
      return body;
    }],
    ['REST', { graphqlUnavailable: true }, (body: unknown, x: Exchange) => {
      if (!x.path.endsWith('/data-pipeline/keys') || x.status !== 200) return undefined;
      for (const k of body as Array<Record<string, unknown>>) delete k['read_only'];
      return body;
    }],
  ] as const)('%s: a key GitHub sends without whether it can write is a gap, not a read-only key', async (_path, opts, rewrite) => {
    h = await startHarness(undefined, opts);
    const ev = await collector.collect(h.ctx(await h.github({ fetch: rewritingFetch(rewrite) })), collector.params.parse({}));
    expect(ev.complete).toBe(false);
    expect(ev.resources.find((r) => r.id === 'northwind-analytics/data-pipeline')).toBeUndefined();
    expect(ev.gaps).toEqual([expect.objectContaining({ resource: 'northwind-analytics/data-pipeline', kind: 'other' })]);
  });
});
