/**
 * The GraphQL documents the collectors send, in one place so a test can validate every one of
 * them against GitHub's published schema (@octokit/graphql-schema). Repository facts are read
 * for many repositories per query (aliases r0…rN), which is what keeps a 1,000-repository
 * organisation within a few requests per repository.
 */

/** Fields read per repository in the batched facts query. Connection sizes bound the cost. */
export const REPO_FACTS_FRAGMENT = `
fragment RepoFacts on Repository {
  nameWithOwner
  isArchived
  viewerPermission
  defaultBranchRef {
    name
    branchProtectionRule {
      pattern
      requiresApprovingReviews
      requiredApprovingReviewCount
      dismissesStaleReviews
      requiresCodeOwnerReviews
      requireLastPushApproval
      requiresStatusChecks
      requiresStrictStatusChecks
      requiredStatusCheckContexts
      requiresCommitSignatures
      requiresLinearHistory
      allowsForcePushes
      allowsDeletions
      isAdminEnforced
      bypassPullRequestAllowances(first: 25) {
        totalCount
        nodes { actor { ...AllowanceActor } }
      }
      bypassForcePushAllowances(first: 25) {
        totalCount
        nodes { actor { ...AllowanceActor } }
      }
    }
    rules(first: 50) {
      totalCount
      nodes {
        type
        parameters {
          __typename
          ... on PullRequestParameters {
            requiredApprovingReviewCount
            dismissStaleReviewsOnPush
            requireCodeOwnerReview
            requireLastPushApproval
          }
          ... on RequiredStatusChecksParameters {
            strictRequiredStatusChecksPolicy
            requiredStatusChecks { context }
          }
        }
        repositoryRuleset {
          databaseId
          name
          enforcement
          source {
            __typename
            ... on Repository { nameWithOwner }
            ... on Organization { login }
          }
          bypassActors(first: 25) {
            totalCount
            nodes {
              bypassMode
              organizationAdmin
              repositoryRoleName
              deployKey
              actor {
                __typename
                ... on App { slug }
                ... on Team { slug }
              }
            }
          }
        }
      }
    }
  }
  hasVulnerabilityAlertsEnabled
  vulnerabilityAlerts(states: [OPEN], first: 100) {
    totalCount
    nodes {
      number
      createdAt
      securityVulnerability {
        severity
        package { name ecosystem }
      }
      securityAdvisory { ghsaId summary }
    }
  }
  deployKeys(first: 100) {
    totalCount
    nodes { title readOnly createdAt }
  }
  outsideCollaborators: collaborators(affiliation: OUTSIDE, first: 100) {
    totalCount
    edges {
      permission
      node { login }
    }
  }
}

fragment AllowanceActor on BranchActorAllowanceActor {
  __typename
  ... on User { login }
  ... on Team { slug }
  ... on App { slug }
}`;

/** The batched query for `count` repositories of one owner: variables $owner, $n0 … $n{count-1}. */
export function repoFactsQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$n${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `  r${i}: repository(owner: $owner, name: $n${i}) { ...RepoFacts }`).join('\n');
  return `query RepoFacts($owner: String!, ${vars}) {\n  rateLimit { cost remaining resetAt }\n${fields}\n}\n${REPO_FACTS_FRAGMENT}`;
}

/** Merged pull requests found by search, with what CC8.1 needs per change. */
export const MERGED_PULLS_QUERY = `query MergedPulls($q: String!, $after: String) {
  rateLimit { cost remaining resetAt }
  search(query: $q, type: ISSUE, first: 50, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on PullRequest {
        number
        title
        url
        createdAt
        mergedAt
        baseRefName
        headRefOid
        repository { nameWithOwner }
        author { __typename login }
        mergedBy { __typename login }
        mergeCommit { oid }
        reviews(first: 100) {
          totalCount
          nodes {
            author { __typename login }
            state
            submittedAt
            commit { oid }
          }
        }
        commits(last: 1) {
          nodes {
            commit {
              oid
              statusCheckRollup { state }
            }
          }
        }
      }
    }
  }
}`;

/** Default-branch history in the period for `count` repositories: which commits came without a pull request. */
export function historyQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$n${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `  r${i}: repository(owner: $owner, name: $n${i}) { ...History }`).join('\n');
  return `query DefaultBranchHistory($owner: String!, $since: GitTimestamp!, $until: GitTimestamp!, ${vars}) {\n  rateLimit { cost remaining resetAt }\n${fields}\n}\n${HISTORY_FRAGMENT}`;
}

/** One page of default-branch commits with their pull requests, shared by the two history queries. */
const HISTORY_PAGE_FRAGMENT = `fragment HistoryPage on CommitHistoryConnection {
  totalCount
  pageInfo { hasNextPage endCursor }
  nodes {
    oid
    committedDate
    messageHeadline
    author { name user { login } }
    statusCheckRollup { state }
    associatedPullRequests(first: 5) {
      nodes { number mergedAt baseRefName }
    }
  }
}`;

/** One repository's history page, for repositories with more than one page of commits in the period. */
export const HISTORY_PAGE_QUERY = `query DefaultBranchHistoryPage($owner: String!, $name: String!, $since: GitTimestamp!, $until: GitTimestamp!, $after: String) {
  rateLimit { cost remaining resetAt }
  repository(owner: $owner, name: $name) {
    nameWithOwner
    defaultBranchRef {
      name
      target {
        ... on Commit {
          history(first: 100, since: $since, until: $until, after: $after) { ...HistoryPage }
        }
      }
    }
  }
}
${HISTORY_PAGE_FRAGMENT}`;

const HISTORY_FRAGMENT = `fragment History on Repository {
  nameWithOwner
  defaultBranchRef {
    name
    target {
      ... on Commit {
        history(first: 100, since: $since, until: $until) { ...HistoryPage }
      }
    }
  }
}
${HISTORY_PAGE_FRAGMENT}`;

/** Every query a collector may send, with sample variables: the schema test validates each. */
export function allQueries(): Array<{ name: string; query: string }> {
  return [
    { name: 'RepoFacts(1)', query: repoFactsQuery(1) },
    { name: 'RepoFacts(3)', query: repoFactsQuery(3) },
    { name: 'MergedPulls', query: MERGED_PULLS_QUERY },
    { name: 'DefaultBranchHistory(2)', query: historyQuery(2) },
    { name: 'DefaultBranchHistoryPage', query: HISTORY_PAGE_QUERY },
  ];
}
