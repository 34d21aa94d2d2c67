import { afterEach, describe, expect, it } from 'vitest';
import { validate } from '@octokit/graphql-schema';
import { collectors, loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import { allQueries, repoFactsQuery } from '../../../../src/collectors/github/queries.js';
import { startHarness, type Harness } from '../../../fakes/github-context.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('collectors/github/queries', () => {
  it.each(allQueries())('$name passes validation against GitHub\'s published GraphQL schema', ({ query }) => {
    expect(validate(query).map((e) => e.message)).toEqual([]);
  });

  it('rejects a query GitHub would reject, proving the check has teeth', () => {
    const broken = repoFactsQuery(1).replace('requiresApprovingReviews', 'requiresApprovingReviewz');
    expect(validate(broken).length).toBeGreaterThan(0);
  });

  it('validates every query the collectors actually send during a run', async () => {
    const sent = new Set<string>();
    const spy: typeof fetch = async (input, init) => {
      if ((init?.method ?? 'GET') === 'POST' && typeof init?.body === 'string') sent.add((JSON.parse(init.body) as { query: string }).query);
      return fetch(input, init);
    };
    h = await startHarness();
    const ctx = h.ctx(await h.github({ fetch: spy }));
    for (const id of Object.keys(collectors).filter((k) => k.startsWith('github.'))) {
      const c = await loadCollector(id as CollectorId);
      await c.collect(ctx, c.params.parse({}));
    }
    expect(sent.size).toBeGreaterThanOrEqual(3); // facts, merged pulls, history
    for (const q of sent) expect(validate(q).map((e) => e.message)).toEqual([]);
  });
});
