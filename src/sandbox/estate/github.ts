/**
 * The fictional GitHub organisation the fake GitHub server serves: its shape (`GitHubEstate`) and
 * the demo estate of "Northwind Analytics" with seeded problems. Every date is fixed so nothing
 * depends on the wall clock. The 1,000-repository bench generator lives in ./github-bench.ts.
 */

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
export type Status = 'enabled' | 'disabled';

/** A token the fake accepts. Anything else answers 401 Bad credentials. */
export interface FakeToken {
  token: string;
  /** The user (or app bot) the token acts as. */
  login: string;
  /** classic: x-oauth-scopes header; fine-grained and app: permissions, no scopes header. */
  type: 'classic' | 'fine-grained' | 'app';
  scopes?: string[];
  /** Fine-grained / app permissions, GitHub's names (administration, vulnerability_alerts, …). */
  permissions?: Partial<Record<FinePermission, 'read' | 'write'>>;
  /** The user is an organisation owner: admin on every repository, full org details. */
  orgOwner: boolean;
}

export type FinePermission =
  | 'metadata'
  | 'administration'
  | 'contents'
  | 'pull_requests'
  | 'checks'
  | 'statuses'
  | 'vulnerability_alerts'
  | 'security_events'
  | 'secret_scanning_alerts'
  | 'repository_hooks'
  | 'organization_administration'
  | 'members';

export interface ClassicProtection {
  requiredApprovingReviewCount: number | null; // null: pull requests not required
  dismissStaleReviews: boolean;
  requireCodeOwnerReviews: boolean;
  requireLastPushApproval: boolean;
  requiredStatusChecks: string[] | null; // null: status checks not required
  strictStatusChecks: boolean;
  enforceAdmins: boolean;
  requiredSignatures: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  requiredLinearHistory: boolean;
  /** "Allow specified actors to bypass required pull requests": logins, team slugs, app slugs. */
  bypassPullRequestAllowances?: ActorAllowances;
  /** "Allow force pushes → Specify who can force push" (with allowForcePushes true): who may. */
  forcePushAllowances?: ActorAllowances;
}

export interface ActorAllowances {
  users: string[];
  teams: string[];
  apps: string[];
}

export interface RulesetRule {
  type: string;
  parameters?: Record<string, unknown>;
}

export interface BypassActor {
  actorId: number | null;
  actorType: 'RepositoryRole' | 'Team' | 'Integration' | 'OrganizationAdmin' | 'DeployKey';
  bypassMode: 'always' | 'pull_request' | 'exempt';
  /** For display: team slug, app slug or role name. */
  name?: string;
}

export interface Ruleset {
  id: number;
  name: string;
  target: 'branch' | 'tag' | 'push';
  enforcement: 'active' | 'disabled' | 'evaluate';
  /** fnmatch patterns or ~DEFAULT_BRANCH / ~ALL, as GitHub stores them. */
  include: string[];
  exclude: string[];
  /** Organisation rulesets only: repository name patterns ("~ALL" for all). */
  repositoryInclude?: string[];
  bypassActors: BypassActor[];
  rules: RulesetRule[];
  createdAt: string;
  updatedAt: string;
}

export interface DependabotAlertSpec {
  number: number;
  state: 'open' | 'fixed' | 'dismissed' | 'auto_dismissed';
  severity: 'critical' | 'high' | 'medium' | 'low';
  packageName: string;
  ecosystem: string;
  ghsaId: string;
  summary: string;
  createdAt: string;
}

export interface CodeScanningAlertSpec {
  number: number;
  state: 'open' | 'fixed' | 'dismissed';
  /** security_severity_level; null for non-security rules. */
  severity: 'critical' | 'high' | 'medium' | 'low' | null;
  ruleId: string;
  description: string;
  tool: string;
  createdAt: string;
}

export interface CollaboratorSpec {
  login: string;
  /** The base role: decides the permission flags GitHub reports. */
  permission: Permission;
  /** A custom repository role's name (GitHub's `role_name`); its access is that of `permission`. */
  roleName?: string;
  /** True for outside collaborators (not members of the organisation). */
  outside: boolean;
}

export interface DeployKeySpec {
  id: number;
  title: string;
  readOnly: boolean;
  createdAt: string;
  lastUsed: string | null;
}

export interface HookSpec {
  id: number;
  active: boolean;
  events: string[];
  url: string;
  insecureSsl: '0' | '1' | 0 | 1;
  hasSecret: boolean;
  createdAt: string;
}

export interface ActionsSettings {
  enabled: boolean;
  allowedActions: 'all' | 'local_only' | 'selected';
  defaultWorkflowPermissions: 'read' | 'write';
  canApprovePullRequestReviews: boolean;
}

export interface ReviewSpec {
  id: number;
  user: string;
  userType?: 'User' | 'Bot';
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  submittedAt: string;
  /** The commit the review was submitted on. */
  commitId: string;
}

export interface PullSpec {
  number: number;
  title: string;
  author: string;
  createdAt: string;
  state: 'open' | 'closed';
  mergedAt: string | null;
  mergedBy: string | null;
  baseRef: string;
  headRef: string;
  headSha: string;
  mergeCommitSha: string | null;
  reviews: ReviewSpec[];
  /** Combined check state of the head commit (statusCheckRollup), null when nothing ran. */
  checks: 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ERROR' | null;
}

export interface CommitSpec {
  sha: string;
  message: string;
  author: string;
  committedDate: string;
  /** Pull request the commit belongs to (merge commit or a commit of the PR), if any. */
  pr: number | null;
  checks?: 'SUCCESS' | 'FAILURE' | 'PENDING' | 'ERROR' | null;
}

export interface RepoSpec {
  id: number;
  name: string;
  visibility: 'public' | 'private' | 'internal';
  archived: boolean;
  fork: boolean;
  defaultBranch: string;
  createdAt: string;
  pushedAt: string;
  security: {
    secretScanning: Status;
    pushProtection: Status;
    dependabotSecurityUpdates: Status;
    advancedSecurity?: Status;
  };
  dependabotAlertsEnabled: boolean;
  /** 'configured': analyses exist; 'none': never analysed (404 no analysis found); 'unavailable': 403. */
  codeScanning: 'configured' | 'none' | 'unavailable';
  dependabotAlerts: DependabotAlertSpec[];
  codeScanningAlerts: CodeScanningAlertSpec[];
  /** Classic branch protection on the default branch, or null (404 Branch not protected). */
  protection: ClassicProtection | null;
  rulesets: Ruleset[];
  collaborators: CollaboratorSpec[];
  deployKeys: DeployKeySpec[];
  hooks: HookSpec[];
  /** Repository-level Actions settings; defaults to the organisation's. */
  actions?: ActionsSettings;
  pulls: PullSpec[];
  /** Default-branch history (any order). */
  commits: CommitSpec[];
  /** Files on the default branch, path → text, served by the contents API (an organisation's .github repository). */
  files?: Record<string, string>;
}

export interface MemberSpec {
  login: string;
  role: 'admin' | 'member';
  twoFactor: boolean;
}

export interface GitHubEstate {
  /** Organisation login. */
  org: string;
  /** Review period the estate's history is written for (YYYY-MM-DD, inclusive). */
  period: { start: string; end: string };
  /** The estate's clock (ISO): alert ages and the like are relative to it. */
  now: string;
  /** A token the fake accepts that can read everything the collectors need. */
  demoToken: string;
  organization: {
    id: number;
    name: string;
    twoFactorRequirementEnabled: boolean;
    defaultRepositoryPermission: 'read' | 'write' | 'admin' | 'none';
    membersCanCreateRepositories: boolean;
    membersCanCreatePublicRepositories: boolean;
    membersCanCreatePrivateRepositories: boolean;
    membersCanForkPrivateRepositories: boolean;
    membersCanDeleteRepositories: boolean;
    webCommitSignoffRequired: boolean;
    plan: string;
    createdAt: string;
  };
  members: MemberSpec[];
  outsideCollaborators: Array<{ login: string; twoFactor: boolean }>;
  orgRulesets: Ruleset[];
  actions: ActionsSettings & { enabledRepositories: 'all' | 'none' | 'selected' };
  repos: RepoSpec[];
  tokens: FakeToken[];
}

// ---------------------------------------------------------------------------------------------
// The demo estate: Northwind Analytics.

/**
 * Tokens of the demo estate. Fake strings: they open nothing but the fake server. Built from parts
 * at run time so the source holds nothing token-shaped (our own secret scanner and GitHub's push
 * protection would rightly flag a literal).
 */
const fakeToken = (prefix: string, label: string, length: number) => prefix + label + '0'.repeat(Math.max(0, length - label.length));
export const DEMO_TOKENS = {
  /** Classic PAT of an organisation owner with every read scope the tool needs. */
  owner: fakeToken('ghp' + '_', 'demoNorthwindOwner', 36),
  /** Fine-grained PAT of a plain member: no Administration, no Dependabot alerts. */
  member: fakeToken('github' + '_pat_', 'demoNorthwindMember_', 34),
  /** Classic PAT of an owner with `repo` only: no organisation scopes. */
  narrow: fakeToken('ghp' + '_', 'demoNorthwindNarrow', 36),
} as const;

const ORG = 'northwind-analytics';

export const DEMO_PERIOD = { start: '2026-01-01', end: '2026-03-31' } as const;
/** The demo's clock: the day after the period ends. */
export const DEMO_NOW = '2026-04-01T09:00:00Z';

function fullProtection(overrides: Partial<ClassicProtection> = {}): ClassicProtection {
  return {
    requiredApprovingReviewCount: 1,
    dismissStaleReviews: true,
    requireCodeOwnerReviews: true,
    requireLastPushApproval: false,
    requiredStatusChecks: ['ci/build', 'ci/test'],
    strictStatusChecks: true,
    enforceAdmins: true,
    requiredSignatures: false,
    allowForcePushes: false,
    allowDeletions: false,
    requiredLinearHistory: false,
    ...overrides,
  };
}

function secure(overrides: Partial<RepoSpec['security']> = {}): RepoSpec['security'] {
  return { secretScanning: 'enabled', pushProtection: 'enabled', dependabotSecurityUpdates: 'enabled', advancedSecurity: 'enabled', ...overrides };
}

/** A short, deterministic hex "sha" derived from a label. */
export function fakeSha(label: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < label.length; i++) {
    h1 = Math.imul(h1 ^ label.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ label.charCodeAt(i), 2246822519) >>> 0;
  }
  const part = (n: number) => n.toString(16).padStart(8, '0');
  return (part(h1) + part(h2) + part(h1 ^ h2) + part(Math.imul(h1, 31) >>> 0) + part(Math.imul(h2, 17) >>> 0)).slice(0, 40);
}

interface PullInput {
  number: number;
  title: string;
  author: string;
  mergedAt: string;
  mergedBy: string;
  reviews?: Array<{ user: string; state: ReviewSpec['state']; at: string; onFinal?: boolean; userType?: 'User' | 'Bot' }>;
  checks?: PullSpec['checks'];
  baseRef?: string;
  laterCommits?: boolean;
}

/** Builds a merged pull request and the commits it brought to the default branch. */
function mergedPull(repo: string, input: PullInput): { pull: PullSpec; commits: CommitSpec[] } {
  const firstHead = fakeSha(`${repo}#${input.number}:head1`);
  const finalHead = input.laterCommits ? fakeSha(`${repo}#${input.number}:head2`) : firstHead;
  const mergeSha = fakeSha(`${repo}#${input.number}:merge`);
  const reviews: ReviewSpec[] = (input.reviews ?? []).map((r, i) => ({
    id: input.number * 100 + i,
    user: r.user,
    userType: r.userType ?? 'User',
    state: r.state,
    submittedAt: r.at,
    commitId: r.onFinal === false ? firstHead : finalHead,
  }));
  const pull: PullSpec = {
    number: input.number,
    title: input.title,
    author: input.author,
    createdAt: shiftDays(input.mergedAt, -2),
    state: 'closed',
    mergedAt: input.mergedAt,
    mergedBy: input.mergedBy,
    baseRef: input.baseRef ?? 'main',
    headRef: `feature/${input.number}`,
    headSha: finalHead,
    mergeCommitSha: mergeSha,
    reviews,
    checks: input.checks === undefined ? 'SUCCESS' : input.checks,
  };
  const commits: CommitSpec[] = [
    { sha: mergeSha, message: `Merge pull request #${input.number}`, author: input.mergedBy, committedDate: input.mergedAt, pr: input.number, checks: pull.checks },
  ];
  return { pull, commits };
}

export function shiftDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * 86_400_000).toISOString().replace('.000Z', 'Z');
}

function repo(partial: Partial<RepoSpec> & { id: number; name: string }): RepoSpec {
  return {
    visibility: 'private',
    archived: false,
    fork: false,
    defaultBranch: 'main',
    createdAt: '2023-02-01T10:00:00Z',
    pushedAt: '2026-03-30T16:00:00Z',
    security: secure(),
    dependabotAlertsEnabled: true,
    codeScanning: 'configured',
    dependabotAlerts: [],
    codeScanningAlerts: [],
    protection: fullProtection(),
    rulesets: [],
    collaborators: [],
    deployKeys: [],
    hooks: [],
    actions: { enabled: true, allowedActions: 'selected', defaultWorkflowPermissions: 'read', canApprovePullRequestReviews: false },
    pulls: [],
    commits: [],
    ...partial,
  };
}

function withChanges(base: RepoSpec, pulls: PullInput[], direct: Array<{ label: string; author: string; at: string; message: string }> = []): RepoSpec {
  const built = pulls.map((p) => mergedPull(base.name, p));
  return {
    ...base,
    pulls: [...base.pulls, ...built.map((b) => b.pull)],
    commits: [
      ...base.commits,
      ...built.flatMap((b) => b.commits),
      ...direct.map((d) => ({ sha: fakeSha(`${base.name}:${d.label}`), message: d.message, author: d.author, committedDate: d.at, pr: null, checks: null })),
    ],
  };
}

/**
 * Northwind Analytics: a realistic organisation with seeded problems.
 *
 * - `api`: well run (classic protection, reviewed changes) — passes almost everything.
 * - `web-app`: protected only by a repository ruleset (classic endpoint 404s) — must pass.
 * - `data-pipeline`: no protection at all; a PR merged with no review; a direct push; old critical
 *   Dependabot alerts; an outside collaborator with admin; a write deploy key; an http webhook.
 * - `billing-service`: a PR approved only before later commits; a PR whose title carries HTML and
 *   unicode; workflow token defaults to write and may approve pull requests.
 * - `infra-terraform`: protected by the organisation ruleset only; an outside collaborator with a
 *   custom role ("release-manager", based on write).
 * - `legacy-reports`: archived. `forked-sdk`: a fork (excluded by default).
 * - `sandbox-playground`: classic protection that admins cannot bypass, but a user, a team and an
 *   app are allowed to bypass the required pull request.
 */
export function demoGitHubEstate(): GitHubEstate {
  const orgRuleset: Ruleset = {
    id: 9001,
    name: 'Default branch baseline',
    target: 'branch',
    enforcement: 'active',
    include: ['~DEFAULT_BRANCH'],
    exclude: [],
    repositoryInclude: ['infra-*'],
    bypassActors: [{ actorId: null, actorType: 'OrganizationAdmin', bypassMode: 'pull_request', name: 'Organization admin' }],
    rules: [
      { type: 'deletion' },
      { type: 'non_fast_forward' },
      {
        type: 'pull_request',
        parameters: {
          required_approving_review_count: 2,
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: true,
          require_last_push_approval: true,
          required_review_thread_resolution: false,
        },
      },
      {
        type: 'required_status_checks',
        parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: 'terraform/plan', integration_id: 15368 }] },
      },
    ],
    createdAt: '2024-05-01T10:00:00Z',
    updatedAt: '2025-11-02T10:00:00Z',
  };

  const api = withChanges(
    repo({
      id: 1001,
      name: 'api',
      collaborators: [
        { login: 'alice-nw', permission: 'admin', outside: false },
        { login: 'bob-nw', permission: 'write', outside: false },
        { login: 'contractor-kim', permission: 'read', outside: true },
      ],
      deployKeys: [{ id: 501, title: 'ci read-only', readOnly: true, createdAt: '2025-06-01T10:00:00Z', lastUsed: '2026-03-29T10:00:00Z' }],
      hooks: [{ id: 701, active: true, events: ['push', 'pull_request'], url: 'https://ci.northwind.example/hooks/github', insecureSsl: '0', hasSecret: true, createdAt: '2024-01-10T10:00:00Z' }],
      dependabotAlerts: [
        { number: 12, state: 'open', severity: 'medium', packageName: 'express', ecosystem: 'npm', ghsaId: 'GHSA-aaaa-bbbb-cccc', summary: 'Open redirect in express', createdAt: '2026-03-20T10:00:00Z' },
        { number: 10, state: 'fixed', severity: 'critical', packageName: 'lodash', ecosystem: 'npm', ghsaId: 'GHSA-dddd-eeee-ffff', summary: 'Prototype pollution in lodash', createdAt: '2025-12-01T10:00:00Z' },
      ],
    }),
    [
      { number: 101, title: 'Add rate limiting to /v2/query', author: 'bob-nw', mergedAt: '2026-01-14T15:00:00Z', mergedBy: 'bob-nw', reviews: [{ user: 'alice-nw', state: 'APPROVED', at: '2026-01-14T12:00:00Z' }] },
      { number: 102, title: 'Fix pagination off-by-one', author: 'alice-nw', mergedAt: '2026-02-03T10:00:00Z', mergedBy: 'alice-nw', reviews: [{ user: 'bob-nw', state: 'COMMENTED', at: '2026-02-02T10:00:00Z' }, { user: 'bob-nw', state: 'APPROVED', at: '2026-02-02T16:00:00Z' }] },
      { number: 99, title: 'Old change before the period', author: 'alice-nw', mergedAt: '2025-12-20T10:00:00Z', mergedBy: 'alice-nw', reviews: [{ user: 'bob-nw', state: 'APPROVED', at: '2025-12-19T10:00:00Z' }] },
    ],
  );

  const webApp = withChanges(
    repo({
      id: 1002,
      name: 'web-app',
      visibility: 'public',
      protection: null,
      rulesets: [
        {
          id: 3101,
          name: 'main protection',
          target: 'branch',
          enforcement: 'active',
          include: ['~DEFAULT_BRANCH'],
          exclude: [],
          bypassActors: [],
          rules: [
            { type: 'deletion' },
            { type: 'non_fast_forward' },
            { type: 'required_signatures' },
            {
              type: 'pull_request',
              parameters: {
                required_approving_review_count: 1,
                dismiss_stale_reviews_on_push: true,
                require_code_owner_review: true,
                require_last_push_approval: false,
                required_review_thread_resolution: true,
              },
            },
            { type: 'required_status_checks', parameters: { strict_required_status_checks_policy: true, required_status_checks: [{ context: 'build', integration_id: 15368 }] } },
          ],
          createdAt: '2025-01-05T10:00:00Z',
          updatedAt: '2025-09-05T10:00:00Z',
        },
        {
          id: 3102,
          name: 'release tags (disabled draft)',
          target: 'branch',
          enforcement: 'disabled',
          include: ['~DEFAULT_BRANCH'],
          exclude: [],
          bypassActors: [],
          rules: [{ type: 'update' }],
          createdAt: '2025-01-05T10:00:00Z',
          updatedAt: '2025-01-05T10:00:00Z',
        },
      ],
      collaborators: [
        { login: 'carol-nw', permission: 'maintain', outside: false },
        { login: 'design-agency', permission: 'write', outside: true },
      ],
    }),
    [
      { number: 57, title: 'Dark mode for the dashboard', author: 'carol-nw', mergedAt: '2026-02-10T09:00:00Z', mergedBy: 'carol-nw', reviews: [{ user: 'dave-nw', state: 'APPROVED', at: '2026-02-09T17:00:00Z' }] },
      { number: 58, title: 'Bump vite from 5.1 to 5.2', author: 'dependabot[bot]', mergedAt: '2026-03-02T09:00:00Z', mergedBy: 'carol-nw', reviews: [{ user: 'carol-nw', state: 'APPROVED', at: '2026-03-02T08:00:00Z' }] },
    ],
  );

  const dataPipeline = withChanges(
    repo({
      id: 1003,
      name: 'data-pipeline',
      protection: null,
      security: secure({ secretScanning: 'disabled', pushProtection: 'disabled', dependabotSecurityUpdates: 'disabled' }),
      codeScanning: 'none',
      collaborators: [
        { login: 'erin-nw', permission: 'admin', outside: false },
        { login: 'freelance-oscar', permission: 'admin', outside: true },
      ],
      deployKeys: [
        { id: 502, title: 'airflow deploy (write)', readOnly: false, createdAt: '2024-03-01T10:00:00Z', lastUsed: '2026-03-28T10:00:00Z' },
      ],
      hooks: [
        { id: 702, active: true, events: ['push'], url: 'http://etl-monitor.northwind.example/github', insecureSsl: '0', hasSecret: false, createdAt: '2023-05-01T10:00:00Z' },
        { id: 703, active: true, events: ['push'], url: 'https://metrics.northwind.example/hook', insecureSsl: 1, hasSecret: true, createdAt: '2024-05-01T10:00:00Z' },
      ],
      dependabotAlerts: [
        { number: 3, state: 'open', severity: 'critical', packageName: 'apache-airflow', ecosystem: 'pip', ghsaId: 'GHSA-1111-2222-3333', summary: 'Remote code execution in apache-airflow', createdAt: '2026-01-05T10:00:00Z' },
        { number: 4, state: 'open', severity: 'high', packageName: 'pyyaml', ecosystem: 'pip', ghsaId: 'GHSA-4444-5555-6666', summary: 'Arbitrary code execution in PyYAML', createdAt: '2026-03-25T10:00:00Z' },
        { number: 5, state: 'open', severity: 'critical', packageName: 'requests', ecosystem: 'pip', ghsaId: 'GHSA-7777-8888-9999', summary: 'Credential leak in requests', createdAt: '2026-02-01T10:00:00Z' },
      ],
    }),
    [
      { number: 210, title: 'Nightly export to the warehouse', author: 'erin-nw', mergedAt: '2026-01-22T18:30:00Z', mergedBy: 'erin-nw', reviews: [], checks: 'FAILURE' },
      { number: 211, title: 'Retry S3 uploads', author: 'erin-nw', mergedAt: '2026-02-15T11:00:00Z', mergedBy: 'erin-nw', reviews: [{ user: 'erin-nw', state: 'COMMENTED', at: '2026-02-15T10:00:00Z' }] },
    ],
    [{ label: 'hotfix', author: 'erin-nw', at: '2026-03-03T23:10:00Z', message: 'hotfix: disable broken job' }],
  );

  const billing = withChanges(
    repo({
      id: 1004,
      name: 'billing-service',
      protection: fullProtection({ dismissStaleReviews: false, enforceAdmins: false, requiredApprovingReviewCount: 1 }),
      actions: { enabled: true, allowedActions: 'all', defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: true },
      codeScanningAlerts: [
        { number: 7, state: 'open', severity: 'high', ruleId: 'js/sql-injection', description: 'Database query built from user-controlled sources', tool: 'CodeQL', createdAt: '2026-01-10T10:00:00Z' },
        { number: 8, state: 'open', severity: null, ruleId: 'js/unused-local-variable', description: 'Unused variable', tool: 'CodeQL', createdAt: '2026-01-10T10:00:00Z' },
      ],
      collaborators: [{ login: 'grace-nw', permission: 'admin', outside: false }, { login: 'heidi-nw', permission: 'write', outside: false }],
    }),
    [
      { number: 330, title: 'Invoice rounding fix', author: 'heidi-nw', mergedAt: '2026-02-20T14:00:00Z', mergedBy: 'heidi-nw', laterCommits: true, reviews: [{ user: 'grace-nw', state: 'APPROVED', at: '2026-02-19T10:00:00Z', onFinal: false }] },
      // Seeded: a title with HTML and unicode that every report must show as text; approved before a later push.
      { number: 331, title: '<script>alert(1)</script> Füße 🚀', author: 'grace-nw', mergedAt: '2026-03-11T08:45:00Z', mergedBy: 'grace-nw', laterCommits: true, reviews: [{ user: 'heidi-nw', state: 'APPROVED', at: '2026-03-11T08:00:00Z', onFinal: false }] },
      { number: 332, title: 'Self-approved by a bot', author: 'heidi-nw', mergedAt: '2026-03-20T08:45:00Z', mergedBy: 'heidi-nw', reviews: [{ user: 'github-actions[bot]', userType: 'Bot', state: 'APPROVED', at: '2026-03-20T08:40:00Z' }] },
    ],
  );

  const infra = withChanges(
    repo({
      id: 1005,
      name: 'infra-terraform',
      protection: null,
      // Seeded: an outside collaborator whose custom role ("release-manager", based on write) can push.
      collaborators: [{ login: 'ivan-nw', permission: 'admin', outside: false }, { login: 'vendor-release', permission: 'write', roleName: 'release-manager', outside: true }],
    }),
    [
      {
        number: 14,
        title: 'Rotate KMS keys yearly',
        author: 'ivan-nw',
        mergedAt: '2026-01-30T10:00:00Z',
        mergedBy: 'ivan-nw',
        reviews: [{ user: 'alice-nw', state: 'APPROVED', at: '2026-01-29T10:00:00Z' }, { user: 'erin-nw', state: 'APPROVED', at: '2026-01-29T11:00:00Z' }],
      },
    ],
  );

  const legacy = repo({ id: 1006, name: 'legacy-reports', archived: true, protection: null, pushedAt: '2022-06-01T10:00:00Z', security: secure({ secretScanning: 'disabled', pushProtection: 'disabled' }) });
  const fork = repo({ id: 1007, name: 'forked-sdk', fork: true, visibility: 'public', protection: null, codeScanning: 'none' });
  // Seeded: "Do not allow bypassing" is on, yet named actors may merge without review.
  const sandbox = repo({
    id: 1008,
    name: 'sandbox-playground',
    protection: fullProtection({ bypassPullRequestAllowances: { users: ['bob-nw'], teams: ['release-managers'], apps: ['renovate'] } }),
  });

  return {
    org: ORG,
    period: { ...DEMO_PERIOD },
    now: DEMO_NOW,
    demoToken: DEMO_TOKENS.owner,
    organization: {
      id: 90210,
      name: 'Northwind Analytics',
      twoFactorRequirementEnabled: true,
      defaultRepositoryPermission: 'read',
      membersCanCreateRepositories: true,
      membersCanCreatePublicRepositories: false,
      membersCanCreatePrivateRepositories: true,
      membersCanForkPrivateRepositories: false,
      membersCanDeleteRepositories: false,
      webCommitSignoffRequired: false,
      plan: 'team',
      createdAt: '2021-03-01T10:00:00Z',
    },
    members: [
      { login: 'alice-nw', role: 'admin', twoFactor: true },
      { login: 'bob-nw', role: 'member', twoFactor: true },
      { login: 'carol-nw', role: 'member', twoFactor: true },
      { login: 'dave-nw', role: 'member', twoFactor: true },
      { login: 'erin-nw', role: 'admin', twoFactor: true },
      { login: 'grace-nw', role: 'admin', twoFactor: true },
      { login: 'heidi-nw', role: 'member', twoFactor: true },
      { login: 'ivan-nw', role: 'member', twoFactor: true },
    ],
    outsideCollaborators: [
      { login: 'contractor-kim', twoFactor: true },
      { login: 'design-agency', twoFactor: true },
      { login: 'freelance-oscar', twoFactor: true },
      { login: 'vendor-release', twoFactor: true },
    ],
    orgRulesets: [orgRuleset],
    // A lenient organisation default: each repository's own setting decides, so each is read.
    actions: { enabledRepositories: 'all', enabled: true, allowedActions: 'all', defaultWorkflowPermissions: 'write', canApprovePullRequestReviews: true },
    repos: [api, webApp, dataPipeline, billing, infra, legacy, fork, sandbox],
    tokens: [
      { token: DEMO_TOKENS.owner, login: 'alice-nw', type: 'classic', scopes: ['repo', 'read:org', 'admin:org', 'security_events', 'read:repo_hook'], orgOwner: true },
      {
        token: DEMO_TOKENS.member,
        login: 'bob-nw',
        type: 'fine-grained',
        permissions: { metadata: 'read', contents: 'read', pull_requests: 'read', members: 'read', checks: 'read', statuses: 'read' },
        orgOwner: false,
      },
      { token: DEMO_TOKENS.narrow, login: 'alice-nw', type: 'classic', scopes: ['repo'], orgOwner: true },
    ],
  };
}
