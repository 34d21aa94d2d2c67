/**
 * The fake's GraphQL object graph: GitHub's types (Repository, Ref, BranchProtectionRule,
 * RepositoryRule, PullRequest, Commit, …) built lazily from the estate for one token, with the
 * same permission behaviour as GitHub: fields the token may not read answer a FORBIDDEN error on
 * their path, admin-only branch protection is null for non-admins, search silently omits
 * repositories the token cannot see.
 */
import { atLeast, forbiddenMessage, roleOn, tokenHas } from './github-access.js';
import { GqlFieldError, type GqlObject } from './github-graphql.js';
import { effectiveRules, findRepo, searchPulls } from './github-model.js';
import type { ActorAllowances, CommitSpec, FakeToken, GitHubEstate, PullSpec, RepoSpec, Ruleset, RulesetRule } from './estate/github.js';

export interface ResolverOptions {
  /** 'Type.field' names to leave out, simulating an older GHES schema. */
  missingFields?: string[];
  /** Rate-limit state reported by `rateLimit`. */
  rateLimit: () => { limit: number; remaining: number; used: number; resetAt: string; cost: number; nodeCount: number };
}

const enc = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const dec = (s: string) => Buffer.from(s, 'base64').toString('utf8');

function connection<T>(items: T[], args: Record<string, unknown>, node: (item: T) => unknown, edge?: (item: T) => Record<string, unknown>): GqlObject {
  const first = typeof args['first'] === 'number' ? (args['first'] as number) : undefined;
  const last = typeof args['last'] === 'number' ? (args['last'] as number) : undefined;
  if (first === undefined && last === undefined) throw new GqlFieldError('You must provide a `first` or `last` value to properly paginate the connection.', 'MISSING_PAGINATION_BOUNDARIES');
  if ((first ?? last ?? 0) > 100) throw new GqlFieldError(`Requesting ${first ?? last} records on the connection exceeds the \`first\` limit of 100 records.`, 'EXCESSIVE_PAGINATION');
  const after = typeof args['after'] === 'string' ? Number(dec(args['after'] as string).split(':')[1]) + 1 : 0;
  let start = after;
  let end = first !== undefined ? Math.min(items.length, start + first) : items.length;
  if (first === undefined && last !== undefined) start = Math.max(0, end - last);
  const slice = items.slice(start, end);
  const cursor = (i: number) => enc(`cursor:${i}`);
  return {
    __typename: 'Connection',
    totalCount: items.length,
    pageInfo: { __typename: 'PageInfo', hasNextPage: end < items.length, hasPreviousPage: start > 0, endCursor: slice.length ? cursor(end - 1) : null, startCursor: slice.length ? cursor(start) : null },
    nodes: slice.map(node),
    edges: slice.map((item, i) => ({ __typename: 'Edge', cursor: cursor(start + i), node: node(item), ...(edge ? edge(item) : {}) })),
  };
}

export function buildRoot(estate: GitHubEstate, token: FakeToken, opts: ResolverOptions): GqlObject {
  const missing = new Set(opts.missingFields ?? []);
  const strip = <T extends GqlObject>(obj: T): T => {
    for (const name of missing) {
      const [type, field] = name.split('.');
      if (type === obj.__typename && field) delete obj[field];
    }
    return obj;
  };
  const forbid = () => new GqlFieldError(forbiddenMessage(token), 'FORBIDDEN');
  const org = estate.org;
  const actor = (login: string | null, type: 'User' | 'Bot' = 'User'): GqlObject | null =>
    login ? { __typename: login.endsWith('[bot]') ? 'Bot' : type, __implements: ['Actor'], login } : null;

  const isAdmin = (repo: RepoSpec) => atLeast(roleOn(estate, token, repo), 'admin');
  const canSee = (repo: RepoSpec) => roleOn(estate, token, repo) !== 'none';

  const rulesetObject = (rs: Ruleset, sourceType: 'Repository' | 'Organization', repo: RepoSpec): GqlObject =>
    strip({
      __typename: 'RepositoryRuleset',
      databaseId: rs.id,
      name: rs.name,
      enforcement: rs.enforcement.toUpperCase(),
      target: rs.target.toUpperCase(),
      source: sourceType === 'Organization' ? { __typename: 'Organization', login: org } : { __typename: 'Repository', nameWithOwner: `${org}/${repo.name}` },
      bypassActors: (args: Record<string, unknown>) => {
        // GitHub shows bypass actors only to those who can administer the ruleset.
        if (!isAdmin(repo) || !tokenHas(token, 'administration')) throw forbid();
        return connection(rs.bypassActors, args, (b) => ({
          __typename: 'RepositoryRulesetBypassActor',
          // The published schema has no EXEMPT mode: GitHub can only leave it out (the field is nullable).
          bypassMode: b.bypassMode === 'exempt' ? null : b.bypassMode.toUpperCase(),
          organizationAdmin: b.actorType === 'OrganizationAdmin',
          repositoryRoleName: b.actorType === 'RepositoryRole' ? (b.name ?? null) : null,
          deployKey: b.actorType === 'DeployKey',
          actor: b.actorType === 'Team' ? { __typename: 'Team', slug: b.name ?? 'team' } : b.actorType === 'Integration' ? { __typename: 'App', slug: b.name ?? 'app' } : null,
        }));
      },
    });

  const ruleParameters = (rule: RulesetRule): GqlObject | null => {
    const p = rule.parameters ?? {};
    if (rule.type === 'pull_request')
      return {
        __typename: 'PullRequestParameters',
        requiredApprovingReviewCount: p['required_approving_review_count'] ?? 0,
        dismissStaleReviewsOnPush: p['dismiss_stale_reviews_on_push'] ?? false,
        requireCodeOwnerReview: p['require_code_owner_review'] ?? false,
        requireLastPushApproval: p['require_last_push_approval'] ?? false,
        requiredReviewThreadResolution: p['required_review_thread_resolution'] ?? false,
      };
    if (rule.type === 'required_status_checks')
      return {
        __typename: 'RequiredStatusChecksParameters',
        strictRequiredStatusChecksPolicy: p['strict_required_status_checks_policy'] ?? false,
        doNotEnforceOnCreate: false,
        requiredStatusChecks: ((p['required_status_checks'] as Array<{ context: string; integration_id?: number }>) ?? []).map((c) => ({
          __typename: 'StatusCheckConfiguration',
          context: c.context,
          integrationId: c.integration_id ?? null,
        })),
      };
    return null;
  };

  const pullObject = (repo: RepoSpec, pull: PullSpec): GqlObject =>
    strip({
      __typename: 'PullRequest',
      __implements: ['Node', 'SearchResultItem'],
      number: pull.number,
      title: pull.title,
      url: `https://github.com/${org}/${repo.name}/pull/${pull.number}`,
      createdAt: pull.createdAt,
      mergedAt: pull.mergedAt,
      merged: pull.mergedAt !== null,
      baseRefName: pull.baseRef,
      headRefOid: pull.headSha,
      repository: { __typename: 'Repository', nameWithOwner: `${org}/${repo.name}` },
      author: actor(pull.author),
      mergedBy: actor(pull.mergedBy),
      mergeCommit: pull.mergeCommitSha ? { __typename: 'Commit', oid: pull.mergeCommitSha } : null,
      reviews: (args: Record<string, unknown>) =>
        connection(pull.reviews, args, (r) => ({
          __typename: 'PullRequestReview',
          author: actor(r.user, r.userType ?? 'User'),
          state: r.state,
          submittedAt: r.submittedAt,
          commit: { __typename: 'Commit', oid: r.commitId },
        })),
      commits: (args: Record<string, unknown>) =>
        connection([pull.headSha], args, (sha) => ({
          __typename: 'PullRequestCommit',
          commit: {
            __typename: 'Commit',
            oid: sha,
            statusCheckRollup: () => {
              if (!tokenHas(token, 'checks') && !tokenHas(token, 'statuses')) throw forbid();
              return pull.checks ? { __typename: 'StatusCheckRollup', state: pull.checks } : null;
            },
          },
        })),
    });

  const commitObject = (repo: RepoSpec, c: CommitSpec): GqlObject =>
    strip({
      __typename: 'Commit',
      oid: c.sha,
      committedDate: c.committedDate,
      messageHeadline: c.message.split('\n')[0] ?? '',
      author: { __typename: 'GitActor', name: c.author, user: { __typename: 'User', login: c.author } },
      statusCheckRollup: () => {
        if (!tokenHas(token, 'checks') && !tokenHas(token, 'statuses')) throw forbid();
        return c.checks ? { __typename: 'StatusCheckRollup', state: c.checks } : null;
      },
      associatedPullRequests: (args: Record<string, unknown>) => {
        const pr = c.pr === null ? undefined : repo.pulls.find((p) => p.number === c.pr);
        return connection(pr ? [pr] : [], args, (p) => pullObject(repo, p));
      },
    });

  const historyOf = (repo: RepoSpec) => (args: Record<string, unknown>) => {
    if (!tokenHas(token, 'contents')) throw forbid();
    const since = typeof args['since'] === 'string' ? Date.parse(args['since'] as string) : Number.NEGATIVE_INFINITY;
    const until = typeof args['until'] === 'string' ? Date.parse(args['until'] as string) : Number.POSITIVE_INFINITY;
    const commits = [...repo.commits]
      .filter((c) => Date.parse(c.committedDate) >= since && Date.parse(c.committedDate) <= until)
      .sort((a, b) => Date.parse(b.committedDate) - Date.parse(a.committedDate) || a.sha.localeCompare(b.sha));
    return connection(commits, args, (c) => commitObject(repo, c));
  };

  const allowanceActors = (a: ActorAllowances | undefined): GqlObject[] => [
    ...(a?.users ?? []).map((login) => ({ __typename: 'User', __implements: ['BranchActorAllowanceActor'], login })),
    ...(a?.teams ?? []).map((slug) => ({ __typename: 'Team', __implements: ['BranchActorAllowanceActor'], slug })),
    ...(a?.apps ?? []).map((slug) => ({ __typename: 'App', __implements: ['BranchActorAllowanceActor'], slug })),
  ];

  const refObject = (repo: RepoSpec): GqlObject => {
    const branch = repo.defaultBranch;
    const p = repo.protection;
    return strip({
      __typename: 'Ref',
      name: branch,
      prefix: 'refs/heads/',
      // Classic protection is admin-only: GitHub answers null to others, which is why the
      // collector never reads null as "not protected" unless the token is known to be admin.
      branchProtectionRule: () =>
        p && isAdmin(repo) && tokenHas(token, 'administration')
          ? {
              __typename: 'BranchProtectionRule',
              pattern: branch,
              requiresApprovingReviews: p.requiredApprovingReviewCount !== null,
              requiredApprovingReviewCount: p.requiredApprovingReviewCount,
              dismissesStaleReviews: p.dismissStaleReviews,
              requiresCodeOwnerReviews: p.requireCodeOwnerReviews,
              requireLastPushApproval: p.requireLastPushApproval,
              requiresStatusChecks: p.requiredStatusChecks !== null,
              // GitHub reports strict=true even when checks are off (community discussion 59471).
              requiresStrictStatusChecks: p.strictStatusChecks || p.requiredStatusChecks === null,
              requiredStatusCheckContexts: p.requiredStatusChecks ?? [],
              requiresCommitSignatures: p.requiredSignatures,
              allowsForcePushes: p.allowForcePushes,
              allowsDeletions: p.allowDeletions,
              isAdminEnforced: p.enforceAdmins,
              requiresLinearHistory: p.requiredLinearHistory,
              bypassPullRequestAllowances: (args: Record<string, unknown>) => connection(allowanceActors(p.bypassPullRequestAllowances), args, (a) => ({ __typename: 'BypassPullRequestAllowance', actor: a })),
              bypassForcePushAllowances: (args: Record<string, unknown>) => connection(allowanceActors(p.forcePushAllowances), args, (a) => ({ __typename: 'BypassForcePushAllowance', actor: a })),
            }
          : null,
      rules: (args: Record<string, unknown>) =>
        connection(effectiveRules(estate, repo, branch), args, (e) => ({
          __typename: 'RepositoryRule',
          type: e.rule.type.toUpperCase(),
          parameters: ruleParameters(e.rule),
          repositoryRuleset: rulesetObject(e.ruleset, e.sourceType, repo),
        })),
      target: () => {
        const head = [...repo.commits].sort((a, b) => Date.parse(b.committedDate) - Date.parse(a.committedDate))[0];
        return { __typename: 'Commit', oid: head?.sha ?? '0'.repeat(40), history: historyOf(repo) };
      },
    });
  };

  const repositoryObject = (repo: RepoSpec): GqlObject =>
    strip({
      __typename: 'Repository',
      __implements: ['Node', 'RepositoryInfo'],
      name: repo.name,
      nameWithOwner: `${org}/${repo.name}`,
      isArchived: repo.archived,
      isFork: repo.fork,
      isPrivate: repo.visibility !== 'public',
      viewerPermission: (() => {
        const role = roleOn(estate, token, repo);
        return role === 'none' ? null : role.toUpperCase();
      })(),
      defaultBranchRef: () => refObject(repo),
      hasVulnerabilityAlertsEnabled: () => {
        if (!isAdmin(repo) || !(tokenHas(token, 'administration') || tokenHas(token, 'vulnerability_alerts'))) throw forbid();
        return repo.dependabotAlertsEnabled;
      },
      vulnerabilityAlerts: (args: Record<string, unknown>) => {
        if (!tokenHas(token, 'vulnerability_alerts')) throw forbid();
        const states = Array.isArray(args['states']) ? (args['states'] as string[]) : undefined;
        const alerts = repo.dependabotAlertsEnabled ? repo.dependabotAlerts.filter((a) => !states || states.includes(a.state.toUpperCase())) : [];
        return connection(alerts, args, (a) => ({
          __typename: 'RepositoryVulnerabilityAlert',
          number: a.number,
          state: a.state.toUpperCase(),
          createdAt: a.createdAt,
          securityVulnerability: { __typename: 'SecurityVulnerability', severity: a.severity === 'medium' ? 'MODERATE' : a.severity.toUpperCase(), package: { __typename: 'SecurityAdvisoryPackage', name: a.packageName, ecosystem: a.ecosystem.toUpperCase() } },
          securityAdvisory: { __typename: 'SecurityAdvisory', ghsaId: a.ghsaId, summary: a.summary },
        }));
      },
      deployKeys: (args: Record<string, unknown>) => {
        if (!isAdmin(repo) || !tokenHas(token, 'administration')) throw forbid();
        return connection(repo.deployKeys, args, (k) => ({ __typename: 'DeployKey', id: `DK_${k.id}`, title: k.title, readOnly: k.readOnly, createdAt: k.createdAt, enabled: true, verified: true }));
      },
      collaborators: (args: Record<string, unknown>) => {
        if (!atLeast(roleOn(estate, token, repo), 'write')) throw new GqlFieldError('Must have push access to view repository collaborators.', 'FORBIDDEN');
        const affiliation = (args['affiliation'] as string | undefined) ?? 'ALL';
        const list = repo.collaborators.filter((c) => affiliation === 'ALL' || (affiliation === 'OUTSIDE' ? c.outside : !c.outside));
        return connection(list, args, (c) => ({ __typename: 'User', login: c.login }), (c) => ({ permission: c.permission.toUpperCase() }));
      },
    });

  return {
    __typename: 'Query',
    rateLimit: () => ({ __typename: 'RateLimit', ...opts.rateLimit() }),
    viewer: { __typename: 'User', login: token.login },
    repository: (args: Record<string, unknown>) => {
      const repo = findRepo(estate, String(args['owner']), String(args['name']));
      if (!repo || !canSee(repo)) throw new GqlFieldError(`Could not resolve to a Repository with the name '${String(args['owner'])}/${String(args['name'])}'.`, 'NOT_FOUND');
      return repositoryObject(repo);
    },
    search: (args: Record<string, unknown>) => {
      // Search hides what the token cannot read instead of failing: private repositories need
      // pull-request read. Completeness therefore rests on the capability check, not on errors.
      const hits = searchPulls(estate, String(args['query'] ?? ''), (repo) => canSee(repo) && (repo.visibility === 'public' || tokenHas(token, 'pull_requests')));
      // The search API never returns more than 1,000 results, whatever the count says.
      const reachable = hits.slice(0, 1000);
      const conn = connection(reachable, args, (h) => pullObject(h.repo, h.pull));
      return { ...conn, __typename: 'SearchResultItemConnection', issueCount: hits.length };
    },
  };
}
