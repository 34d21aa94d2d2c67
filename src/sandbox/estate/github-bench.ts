/**
 * A large, deterministic GitHub estate for the bench and the pagination tests: `count`
 * repositories of a well-run organisation (an organisation ruleset on every default branch, a
 * restrictive Actions policy), with a sprinkling of archived repositories, forks, alerts, outside
 * collaborators and merged pull requests. Same input, same estate: no randomness, no clock.
 */
import { DEMO_NOW, DEMO_PERIOD, DEMO_TOKENS, demoGitHubEstate, fakeSha, shiftDays, type GitHubEstate, type PullSpec, type RepoSpec } from './github.js';

/** A well-run change: opened a day before it merged, approved by alice-nw on its final commit half a day before, checks green. */
export function approvedMergedPull(p: { number: number; title: string; mergedAt: string; baseRef: string; headRef: string; headSha: string; mergeCommitSha: string; reviewId: number }): PullSpec {
  return {
    number: p.number,
    title: p.title,
    author: 'bob-nw',
    createdAt: shiftDays(p.mergedAt, -1),
    state: 'closed',
    mergedAt: p.mergedAt,
    mergedBy: 'bob-nw',
    baseRef: p.baseRef,
    headRef: p.headRef,
    headSha: p.headSha,
    mergeCommitSha: p.mergeCommitSha,
    reviews: [{ id: p.reviewId, user: 'alice-nw', state: 'APPROVED', submittedAt: shiftDays(p.mergedAt, -0.5), commitId: p.headSha }],
    checks: 'SUCCESS',
  };
}

export function benchGitHubEstate(count = 1000): GitHubEstate {
  const base = demoGitHubEstate();
  const repos: RepoSpec[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    const mergedAt = shiftDays('2026-01-05T12:00:00Z', i % 80);
    const head = fakeSha(`${name}:head`);
    const withPull = i % 4 !== 0;
    const pulls: RepoSpec['pulls'] = withPull
      ? [approvedMergedPull({ number: 1, title: `Change ${i}`, mergedAt, baseRef: 'main', headRef: 'feature/1', headSha: head, mergeCommitSha: fakeSha(`${name}:merge`), reviewId: i })]
      : [];
    repos.push({
      id: 100_000 + i,
      name,
      visibility: i % 10 === 0 ? 'public' : 'private',
      archived: i % 50 === 0,
      fork: i % 100 === 1,
      defaultBranch: 'main',
      createdAt: '2024-01-01T00:00:00Z',
      pushedAt: DEMO_NOW,
      security: { secretScanning: 'enabled', pushProtection: 'enabled', dependabotSecurityUpdates: 'enabled', advancedSecurity: 'enabled' },
      dependabotAlertsEnabled: true,
      codeScanning: 'configured',
      dependabotAlerts:
        i % 7 === 0
          ? [{ number: 1, state: 'open', severity: i % 14 === 0 ? 'critical' : 'medium', packageName: 'left-pad', ecosystem: 'npm', ghsaId: `GHSA-bench-${i}`, summary: 'Bench advisory', createdAt: '2026-03-28T00:00:00Z' }]
          : [],
      codeScanningAlerts: [],
      protection:
        i % 3 === 0
          ? { requiredApprovingReviewCount: 1, dismissStaleReviews: true, requireCodeOwnerReviews: false, requireLastPushApproval: false, requiredStatusChecks: ['ci'], strictStatusChecks: true, enforceAdmins: true, requiredSignatures: false, allowForcePushes: false, allowDeletions: false, requiredLinearHistory: false }
          : null,
      rulesets: [],
      collaborators: [
        { login: 'alice-nw', permission: 'admin', outside: false },
        { login: 'bob-nw', permission: 'write', outside: false },
        ...(i % 25 === 0 ? [{ login: 'contractor-kim', permission: 'write' as const, outside: true }] : []),
      ],
      deployKeys: i % 20 === 0 ? [{ id: i, title: 'ci', readOnly: true, createdAt: '2025-06-01T00:00:00Z', lastUsed: null }] : [],
      hooks: [{ id: i, active: true, events: ['push'], url: 'https://ci.northwind.example/hook', insecureSsl: '0', hasSecret: true, createdAt: '2024-01-01T00:00:00Z' }],
      pulls,
      commits: withPull ? [{ sha: fakeSha(`${name}:merge`), message: 'Merge pull request #1', author: 'bob-nw', committedDate: mergedAt, pr: 1, checks: 'SUCCESS' }] : [],
    });
  }
  return {
    ...base,
    period: { ...DEMO_PERIOD },
    orgRulesets: [
      {
        id: 9100,
        name: 'Baseline for every default branch',
        target: 'branch',
        enforcement: 'active',
        include: ['~DEFAULT_BRANCH'],
        exclude: [],
        repositoryInclude: ['~ALL'],
        bypassActors: [],
        rules: [
          { type: 'deletion' },
          { type: 'non_fast_forward' },
          { type: 'pull_request', parameters: { required_approving_review_count: 1, dismiss_stale_reviews_on_push: true, require_code_owner_review: false, require_last_push_approval: false, required_review_thread_resolution: false } },
        ],
        createdAt: '2024-01-01T00:00:00Z',
        updatedAt: '2025-01-01T00:00:00Z',
      },
    ],
    actions: { enabledRepositories: 'all', enabled: true, allowedActions: 'selected', defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false },
    repos,
    demoToken: DEMO_TOKENS.owner,
  };
}
