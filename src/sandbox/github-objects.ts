/**
 * GitHub's REST objects as the fake sends them — users, organisations, repositories, teams,
 * apps, commits, pull requests, alerts — with every field GitHub's published description marks
 * required, so a collector never meets a shape the real API would not send. A test checks every
 * answer against that description (test/unit/sandbox/github-openapi.test.ts).
 */
import type { ActorAllowances, CodeScanningAlertSpec, CommitSpec, DependabotAlertSpec, GitHubEstate, PullSpec, RepoSpec } from './estate/github.js';

/** What every object needs to build its URLs. */
export interface Site {
  /** The fake's base URL, standing in for https://api.github.com. */
  base: string;
  estate: GitHubEstate;
}

const WEB = 'https://github.com';

export function userObject(site: Site, login: string, id = 0) {
  const url = `${site.base}/users/${login}`;
  return {
    login,
    id: id || login.length * 1000 + login.charCodeAt(0),
    node_id: `U_${login}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id || login.length}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${WEB}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

/**
 * GET /user for a token's own user: GitHub's "private-user" (the authenticated user sees their own
 * account details). Values are the fake's; the shape is the description's, nulls where a profile
 * leaves a field empty.
 */
export function privateUserObject(site: Site, login: string) {
  return {
    ...userObject(site, login),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2020-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  };
}

/** The organisation as a repository's owner (a simple-user of type Organization). */
export function ownerObject(site: Site) {
  return { ...userObject(site, site.estate.org, site.estate.organization.id), type: 'Organization' };
}

/** GET /orgs/{org} as anyone sees it; owner-only settings are added by the route. */
export function orgObject(site: Site) {
  const o = site.estate.organization;
  const login = site.estate.org;
  const url = `${site.base}/orgs/${login}`;
  return {
    login,
    id: o.id,
    node_id: `O_${o.id}`,
    url,
    repos_url: `${url}/repos`,
    events_url: `${url}/events`,
    hooks_url: `${url}/hooks`,
    issues_url: `${url}/issues`,
    members_url: `${url}/members{/member}`,
    public_members_url: `${url}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${o.id}?v=4`,
    description: null,
    name: o.name,
    html_url: `${WEB}/${login}`,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: site.estate.repos.filter((r) => r.visibility === 'public').length,
    public_gists: 0,
    followers: 0,
    following: 0,
    type: 'Organization',
    is_verified: false,
    created_at: o.createdAt,
    updated_at: o.createdAt,
    archived_at: null,
  };
}

const REPO_URLS = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
} as const;

/** A full repository object (a superset of the minimal one lists carry). `extra` holds what depends on the viewer. */
export function repositoryObject(site: Site, repo: RepoSpec, extra: Record<string, unknown> = {}) {
  const full = `${site.estate.org}/${repo.name}`;
  const url = `${site.base}/repos/${full}`;
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    private: repo.visibility !== 'public',
    owner: ownerObject(site),
    html_url: `${WEB}/${full}`,
    description: null,
    fork: repo.fork,
    url,
    ...Object.fromEntries(Object.entries(REPO_URLS).map(([k, suffix]) => [k, `${url}${suffix}`])),
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${WEB}/${full}.git`,
    svn_url: `${WEB}/${full}`,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1024,
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    default_branch: repo.defaultBranch,
    created_at: repo.createdAt,
    updated_at: repo.pushedAt,
    pushed_at: repo.pushedAt,
    archived: repo.archived,
    disabled: false,
    visibility: repo.visibility,
    ...extra,
  };
}

export function teamObject(site: Site, slug: string, id: number) {
  const org = site.estate.org;
  const url = `${site.base}/organizations/${site.estate.organization.id}/team/${id}`;
  return {
    id,
    node_id: `T_${id}`,
    url,
    html_url: `${WEB}/orgs/${org}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${url}/members{/member}`,
    repositories_url: `${url}/repos`,
    type: 'organization',
    organization_id: site.estate.organization.id,
    parent: null,
  };
}

export function appObject(site: Site, slug: string, id: number) {
  return {
    id,
    slug,
    node_id: `A_${id}`,
    owner: ownerObject(site),
    name: slug,
    description: null,
    external_url: `https://${slug}.example`,
    html_url: `${WEB}/apps/${slug}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    permissions: { contents: 'write', pull_requests: 'write' },
    events: ['push'],
  };
}

/** Users, teams and apps as GitHub lists them in bypass allowances. */
export function allowanceObjects(site: Site, a: ActorAllowances | undefined) {
  return {
    users: (a?.users ?? []).map((login) => userObject(site, login)),
    teams: (a?.teams ?? []).map((slug, i) => teamObject(site, slug, 3000 + i)),
    apps: (a?.apps ?? []).map((slug, i) => appObject(site, slug, 4000 + i)),
  };
}

/** A commit as lists and GET /repos/{owner}/{repo}/branches/{branch} carry it. */
export function commitObject(site: Site, repo: RepoSpec, c: Pick<CommitSpec, 'sha' | 'author' | 'committedDate' | 'message'>) {
  const full = `${site.estate.org}/${repo.name}`;
  const person = { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.committedDate };
  const tree = '0'.repeat(40);
  return {
    url: `${site.base}/repos/${full}/commits/${c.sha}`,
    sha: c.sha,
    node_id: `C_${c.sha}`,
    html_url: `${WEB}/${full}/commit/${c.sha}`,
    comments_url: `${site.base}/repos/${full}/commits/${c.sha}/comments`,
    commit: {
      url: `${site.base}/repos/${full}/git/commits/${c.sha}`,
      author: person,
      committer: person,
      message: c.message,
      comment_count: 0,
      tree: { sha: tree, url: `${site.base}/repos/${full}/git/trees/${tree}` },
      verification: { verified: false, reason: 'unsigned', payload: null, signature: null, verified_at: null },
    },
    author: userObject(site, c.author),
    committer: userObject(site, c.author),
    parents: [],
  };
}

/** A pull request as GET /repos/{owner}/{repo}/pulls lists it. */
export function pullObject(site: Site, repo: RepoSpec, p: PullSpec) {
  const full = `${site.estate.org}/${repo.name}`;
  const url = `${site.base}/repos/${full}/pulls/${p.number}`;
  const issue = `${site.base}/repos/${full}/issues/${p.number}`;
  const side = (ref: string, sha: string) => ({ label: `${site.estate.org}:${ref}`, ref, sha, user: ownerObject(site), repo: repositoryObject(site, repo) });
  return {
    url,
    id: repo.id * 10_000 + p.number,
    node_id: `PR_${repo.id}_${p.number}`,
    html_url: `${WEB}/${full}/pull/${p.number}`,
    diff_url: `${WEB}/${full}/pull/${p.number}.diff`,
    patch_url: `${WEB}/${full}/pull/${p.number}.patch`,
    issue_url: issue,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${site.base}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${site.base}/repos/${full}/statuses/${p.headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: userObject(site, p.author),
    body: null,
    labels: [],
    milestone: null,
    created_at: p.createdAt,
    updated_at: p.mergedAt ?? p.createdAt,
    closed_at: p.mergedAt,
    merged_at: p.mergedAt,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    head: side(p.headRef, p.headSha),
    base: side(p.baseRef, p.mergeCommitSha ?? p.headSha),
    _links: {
      self: { href: url },
      html: { href: `${WEB}/${full}/pull/${p.number}` },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${site.base}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${site.base}/repos/${full}/statuses/${p.headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
  };
}

export function dependabotAlertObject(site: Site, repo: RepoSpec, a: DependabotAlertSpec) {
  const full = `${site.estate.org}/${repo.name}`;
  const pkg = { ecosystem: a.ecosystem, name: a.packageName };
  const vulnerability = { package: pkg, severity: a.severity, vulnerable_version_range: '< 999', first_patched_version: null };
  return {
    number: a.number,
    state: a.state,
    dependency: { package: pkg, manifest_path: 'package-lock.json', scope: 'runtime' },
    security_advisory: {
      ghsa_id: a.ghsaId,
      cve_id: null,
      summary: a.summary,
      description: a.summary,
      vulnerabilities: [vulnerability],
      severity: a.severity,
      cvss: { score: 0, vector_string: null },
      cwes: [],
      identifiers: [{ type: 'GHSA', value: a.ghsaId }],
      references: [{ url: `${WEB}/advisories/${a.ghsaId}` }],
      published_at: a.createdAt,
      updated_at: a.createdAt,
      withdrawn_at: null,
    },
    security_vulnerability: vulnerability,
    url: `${site.base}/repos/${full}/dependabot/alerts/${a.number}`,
    html_url: `${WEB}/${full}/security/dependabot/${a.number}`,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    dismissed_at: null,
    dismissed_by: null,
    dismissed_reason: null,
    dismissed_comment: null,
    fixed_at: null,
    auto_dismissed_at: null,
  };
}

export function codeScanningAlertObject(site: Site, repo: RepoSpec, a: CodeScanningAlertSpec) {
  const full = `${site.estate.org}/${repo.name}`;
  const url = `${site.base}/repos/${full}/code-scanning/alerts/${a.number}`;
  return {
    number: a.number,
    created_at: a.createdAt,
    url,
    html_url: `${WEB}/${full}/security/code-scanning/${a.number}`,
    instances_url: `${url}/instances`,
    state: a.state,
    dismissed_by: null,
    dismissed_at: null,
    dismissed_reason: null,
    rule: { id: a.ruleId, severity: a.severity ? 'error' : 'warning', security_severity_level: a.severity, description: a.description },
    tool: { name: a.tool, version: '2.20.0', guid: null },
    most_recent_instance: { ref: `refs/heads/${repo.defaultBranch}`, state: a.state },
  };
}
