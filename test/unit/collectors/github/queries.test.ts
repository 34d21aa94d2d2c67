import { afterEach, describe, expect, it } from 'vitest';
import { validate } from '@octokit/graphql-schema';
import { collectors, loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import { allQueries, repoFactsQuery } from '../../../../src/collectors/github/queries.js';
import { isNonNullType, parse, TypeInfo, visit, visitWithTypeInfo } from 'graphql';
import { githubSchema } from '../../../fakes/github-graphql-schema.js';
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

  it('reads every nullable field GitHub\'s schema declares knowingly: each has a stated handling, and a schema change shows up here', () => {
    const schema = githubSchema();
    const read = new Set<string>();
    for (const { query } of allQueries()) {
      const info = new TypeInfo(schema);
      visit(parse(query), visitWithTypeInfo(info, {
        Field(node) {
          const type = info.getType();
          if (type && !isNonNullType(type) && node.name.value !== '__typename') read.add(`${info.getParentType()!.name}.${node.name.value}`);
        },
      }));
    }
    expect([...read].sort()).toEqual(Object.keys(NULLABLE_HANDLING).sort());
  });
});

/**
 * Every nullable field the queries read, and what null means to the collectors. "unknown" is
 * null in the resource (the engine reports "could not tell"); "gap" makes the evidence incomplete.
 */
const NULLABLE_HANDLING: Record<string, string> = {
  'BranchProtectionRule.requiredApprovingReviewCount': 'unknown approvals',
  'BranchProtectionRule.requiredStatusCheckContexts': 'unknown required checks',
  'BypassForcePushAllowance.actor': 'an allowance whose actor is not named: still counted',
  'BypassForcePushAllowanceConnection.nodes': 'unknown force-push allowances',
  'BypassPullRequestAllowance.actor': 'an allowance whose actor is not named: still counted',
  'BypassPullRequestAllowanceConnection.nodes': 'unknown bypass allowances',
  'Commit.associatedPullRequests': 'gap: whether the commit came through a pull request is unknown',
  'Commit.author': 'author named "unknown" (a label only)',
  'Commit.statusCheckRollup': 'no checks ran (GitHub\'s meaning); unknown when the token may not read checks',
  'CommitHistoryConnection.nodes': 'a null commit is a gap',
  'DeployKeyConnection.nodes': 'a null key is a gap',
  'GitActor.name': 'label only',
  'GitActor.user': 'label only',
  'PageInfo.endCursor': 'no further page',
  'PullRequest.author': 'ghost (a deleted account), as GitHub shows it',
  'PullRequest.mergeCommit': 'label only',
  'PullRequest.mergedAt': 'label only (search asked for merged pull requests)',
  'PullRequest.mergedBy': 'ghost, as GitHub shows it',
  'PullRequest.reviews': 'gap: the approvals are unknown',
  'PullRequestCommitConnection.nodes': 'final commit unknown: checks unknown',
  'PullRequestConnection.nodes': 'a null pull request is a gap',
  'PullRequestReview.author': 'a review without an author counts for no one',
  'PullRequestReview.commit': 'the reviewed commit no longer exists, so it is not the final one',
  'PullRequestReview.submittedAt': 'sorted first',
  'PullRequestReviewConnection.nodes': 'a null review is a gap',
  'Query.rateLimit': 'cost not recorded',
  'Query.repository': 'gap for the repository (with the error GitHub gives)',
  'Ref.branchProtectionRule': 'no classic protection, trusted only for an admin token (GitHub hides it from others)',
  'Ref.rules': 'gap',
  'Ref.target': 'gap: no history',
  'Repository.collaborators': 'read over REST instead',
  'Repository.defaultBranchRef': 'an empty repository: not-found gap',
  'Repository.viewerPermission': 'not admin: branch rules are a permission gap',
  'Repository.vulnerabilityAlerts': 'gap',
  'RepositoryCollaboratorConnection.edges': 'read over REST instead; a null edge is a gap',
  'RepositoryRule.parameters': 'unknown rule settings',
  'RepositoryRule.repositoryRuleset': 'unknown bypass list',
  'RepositoryRuleConnection.nodes': 'a null rule is a gap',
  'RepositoryRuleset.bypassActors': 'unknown bypass list (GitHub shows it to admins only)',
  'RepositoryRuleset.databaseId': 'label only',
  'RepositoryRulesetBypassActor.actor': 'an actor GitHub did not name: still counted',
  'RepositoryRulesetBypassActor.bypassMode': 'counted for review; force-push bypass unknown',
  'RepositoryRulesetBypassActor.repositoryRoleName': 'not a role entry',
  'RepositoryRulesetBypassActorConnection.nodes': 'unknown bypass list; a null entry is an unnamed actor',
  'RepositoryVulnerabilityAlert.securityAdvisory': 'label only',
  'RepositoryVulnerabilityAlert.securityVulnerability': 'unknown severity',
  'RepositoryVulnerabilityAlertConnection.nodes': 'a null alert is a gap',
  'SearchResultItemConnection.nodes': 'a null item goes uncounted: the search count reconciliation makes it a gap',
};
