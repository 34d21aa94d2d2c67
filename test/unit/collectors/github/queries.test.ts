import { describe, expect, it } from 'vitest';
import { validate } from '@octokit/graphql-schema';
import { allQueries, repoFactsQuery } from '../../../../src/collectors/github/queries.js';

describe('collectors/github/queries', () => {
  it.each(allQueries())('$name passes validation against GitHub\'s published GraphQL schema', ({ query }) => {
    expect(validate(query).map((e) => e.message)).toEqual([]);
  });

  it('rejects a query GitHub would reject, proving the check has teeth', () => {
    const broken = repoFactsQuery(1).replace('requiresApprovingReviews', 'requiresApprovingReviewz');
    expect(validate(broken).length).toBeGreaterThan(0);
  });
});
