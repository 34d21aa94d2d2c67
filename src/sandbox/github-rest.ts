/**
 * REST routes of the fake GitHub, answering with GitHub's shapes and error bodies for the
 * endpoints the collectors and the capability probe use. Plumbing (auth, rate limits, ETags,
 * pagination headers, faults) is in github-server.ts; these handlers only decide content.
 */
import { atLeast, forbiddenMessage, roleOn, tokenHas } from './github-access.js';
import { effectiveRules, findRepo } from './github-model.js';
import { allowanceObjects, codeScanningAlertObject, commitObject, dependabotAlertObject, orgObject, privateUserObject, pullObject, repositoryObject, userObject } from './github-objects.js';
import type { ActionsSettings, FakeToken, GitHubEstate, RepoSpec, Ruleset } from './estate/github.js';

export interface RestRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  token: FakeToken;
  estate: GitHubEstate;
  /** Absolute base URL of the fake, for *_url fields. */
  base: string;
}

export type RestResult =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: 200; list: unknown[]; cursor?: boolean };

export interface Route {
  method: 'GET';
  /** GitHub's route template, e.g. /repos/{owner}/{repo}/hooks — also the key of stats.byRoute. */
  template: string;
  /** Which rate-limit bucket the request spends. */
  resource?: 'core' | 'search';
  handle(req: RestRequest): RestResult;
}

const DOCS = 'https://docs.github.com/rest';
export const error = (status: number, message: string, doc = DOCS): RestResult => ({ status, body: { message, documentation_url: doc, status: String(status) } });
const notFound = () => error(404, 'Not Found');

function repoOr404(req: RestRequest): RepoSpec | RestResult {
  const repo = findRepo(req.estate, req.params['owner'] ?? '', req.params['repo'] ?? '');
  if (!repo || roleOn(req.estate, req.token, repo) === 'none') return notFound();
  return repo;
}
const isResult = (x: RepoSpec | RestResult): x is RestResult => 'status' in x;

/** Admin-only repository reads: a token permission gap is 403; a user without admin gets 404 as GitHub does. */
function requireAdmin(req: RestRequest, repo: RepoSpec, permission: Parameters<typeof tokenHas>[1] = 'administration'): RestResult | undefined {
  if (!tokenHas(req.token, permission)) return error(403, forbiddenMessage(req.token));
  if (!atLeast(roleOn(req.estate, req.token, repo), 'admin')) return notFound();
  return undefined;
}

/** A repository an admin-only endpoint may show to this token, or the error GitHub would answer. */
function adminRepoOr404(req: RestRequest, permission?: Parameters<typeof tokenHas>[1]): RepoSpec | RestResult {
  const repo = repoOr404(req);
  if (isResult(repo)) return repo;
  return requireAdmin(req, repo, permission) ?? repo;
}

/** A repository as the token's user sees it: permissions, and security_and_analysis for admins only. */
export function repoObject(req: RestRequest, repo: RepoSpec) {
  const role = roleOn(req.estate, req.token, repo);
  const admin = atLeast(role, 'admin');
  return repositoryObject(req, repo, {
    permissions: { admin, maintain: atLeast(role, 'maintain'), push: atLeast(role, 'write'), triage: atLeast(role, 'triage'), pull: atLeast(role, 'read') },
    // GitHub shows security_and_analysis only to repository admins, owners and security managers.
    ...(admin
      ? {
          security_and_analysis: {
            ...(repo.security.advancedSecurity ? { advanced_security: { status: repo.security.advancedSecurity } } : {}),
            secret_scanning: { status: repo.security.secretScanning },
            secret_scanning_push_protection: { status: repo.security.pushProtection },
            dependabot_security_updates: { status: repo.security.dependabotSecurityUpdates },
            secret_scanning_non_provider_patterns: { status: 'disabled' },
          },
        }
      : {}),
  });
}

function rulesetObject(req: RestRequest, rs: Ruleset, sourceType: 'Repository' | 'Organization', source: string, admin: boolean) {
  return {
    id: rs.id,
    name: rs.name,
    target: rs.target,
    source_type: sourceType,
    source,
    enforcement: rs.enforcement,
    conditions: { ref_name: { include: rs.include, exclude: rs.exclude } },
    rules: rs.rules.map((r) => (r.parameters ? { type: r.type, parameters: r.parameters } : { type: r.type })),
    // bypass_actors is returned only to those who can edit the ruleset.
    ...(admin
      ? { bypass_actors: rs.bypassActors.map((b) => ({ actor_id: b.actorId, actor_type: b.actorType, bypass_mode: b.bypassMode })), current_user_can_bypass: rs.bypassActors.length ? 'pull_requests_only' : 'never' }
      : {}),
    created_at: rs.createdAt,
    updated_at: rs.updatedAt,
    _links: { self: { href: `${req.base}/repos/${source}/rulesets/${rs.id}` } },
  };
}

/**
 * A repository's Actions settings as GitHub enforces them: a setting restricted by the
 * organisation cannot be loosened by the repository.
 */
/** A contents API answer: a file object with base64 content, a directory listing, or 404. */
function contentsOf(req: RestRequest, repo: RepoSpec, path: string): RestResult {
  const files = repo.files ?? {};
  const full = `${req.estate.org}/${repo.name}`;
  const entry = (p: string, type: 'file' | 'dir') => {
    const text = files[p] ?? '';
    const sha = fakeBlobSha(`${full}:${p}:${text}`);
    const url = `${req.base}/repos/${full}/contents/${p}?ref=${repo.defaultBranch}`;
    const git = `${req.base}/repos/${full}/git/${type === 'dir' ? 'trees' : 'blobs'}/${sha}`;
    const html = `https://github.com/${full}/${type === 'dir' ? 'tree' : 'blob'}/${repo.defaultBranch}/${p}`;
    return {
      type,
      size: type === 'dir' ? 0 : Buffer.byteLength(text),
      name: p.slice(p.lastIndexOf('/') + 1),
      path: p,
      sha,
      url,
      git_url: git,
      html_url: html,
      download_url: type === 'dir' ? null : `https://raw.githubusercontent.com/${full}/${repo.defaultBranch}/${p}`,
      _links: { self: url, git, html },
    };
  };
  if (path !== '' && files[path] !== undefined) {
    // GitHub wraps base64 content at 60 characters.
    const content = (Buffer.from(files[path] as string).toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
    return { status: 200, body: { ...entry(path, 'file'), content, encoding: 'base64' } };
  }
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Map<string, 'file' | 'dir'>();
  for (const p of Object.keys(files)) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf('/');
    children.set(prefix + (slash === -1 ? rest : rest.slice(0, slash)), slash === -1 ? 'file' : 'dir');
  }
  if (children.size === 0 && path !== '') return error(404, 'Not Found', 'https://docs.github.com/rest/repos/contents#get-repository-content');
  return { status: 200, body: [...children].sort(([a], [b]) => a.localeCompare(b)).map(([p, type]) => entry(p, type)) };
}

/** A stable 40-hex id for a fake blob or tree. */
function fakeBlobSha(seed: string): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${round}:${seed}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}

export function effectiveActions(estate: GitHubEstate, repo: RepoSpec): ActionsSettings {
  const org = estate.actions;
  const own = repo.actions ?? org;
  const rank = { all: 2, selected: 1, local_only: 0 } as const;
  return {
    enabled: org.enabledRepositories !== 'none' && own.enabled,
    allowedActions: rank[own.allowedActions] > rank[org.allowedActions] ? org.allowedActions : own.allowedActions,
    defaultWorkflowPermissions: org.defaultWorkflowPermissions === 'read' ? 'read' : own.defaultWorkflowPermissions,
    canApprovePullRequestReviews: org.canApprovePullRequestReviews && own.canApprovePullRequestReviews,
  };
}

export function restRoutes(): Route[] {
  return [
    {
      method: 'GET',
      template: '/user',
      // An installation token acts as the app, not a user: GitHub refuses it /user.
      handle: (req) => (req.token.type === 'app' ? error(403, 'Resource not accessible by integration') : { status: 200, body: privateUserObject(req, req.token.login) }),
    },
    {
      method: 'GET',
      template: '/orgs/{org}',
      handle(req) {
        const o = req.estate.organization;
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        const body: Record<string, unknown> = orgObject(req);
        // Full details only for owners whose token may read org administration (admin:org for classic).
        if (req.token.orgOwner && tokenHas(req.token, 'organization_administration')) {
          Object.assign(body, {
            two_factor_requirement_enabled: o.twoFactorRequirementEnabled,
            default_repository_permission: o.defaultRepositoryPermission,
            members_can_create_repositories: o.membersCanCreateRepositories,
            members_can_create_public_repositories: o.membersCanCreatePublicRepositories,
            members_can_create_private_repositories: o.membersCanCreatePrivateRepositories,
            members_can_create_internal_repositories: false,
            members_allowed_repository_creation_type: o.membersCanCreatePublicRepositories ? 'all' : o.membersCanCreatePrivateRepositories ? 'private' : 'none',
            members_can_fork_private_repositories: o.membersCanForkPrivateRepositories,
            members_can_delete_repositories: o.membersCanDeleteRepositories,
            web_commit_signoff_required: o.webCommitSignoffRequired,
            plan: { name: o.plan, space: 976562499, private_repos: 999999, filled_seats: req.estate.members.length, seats: 50 },
          });
        }
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/members',
      handle(req) {
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        if (!tokenHas(req.token, 'members')) return error(403, forbiddenMessage(req.token));
        const filter = req.query.get('filter') ?? 'all';
        const role = req.query.get('role') ?? 'all';
        if (filter !== 'all' && !req.token.orgOwner) return error(422, 'Only owners can use this filter.');
        const members = req.estate.members.filter((m) => (role === 'all' || m.role === role) && (filter === 'all' || !m.twoFactor));
        return { status: 200, list: members.map((m, i) => userObject(req, m.login, 5000 + i)) };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/outside_collaborators',
      handle(req) {
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        if (!tokenHas(req.token, 'members')) return error(403, forbiddenMessage(req.token));
        const filter = req.query.get('filter') ?? 'all';
        const list = req.estate.outsideCollaborators.filter((c) => filter === 'all' || !c.twoFactor);
        return { status: 200, list: list.map((c, i) => userObject(req, c.login, 7000 + i)) };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/repos',
      handle(req) {
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        const visible = req.estate.repos.filter((r) => roleOn(req.estate, req.token, r) !== 'none');
        const sorted = [...visible].sort((a, b) => a.name.localeCompare(b.name));
        return { status: 200, list: sorted.map((r) => repoObject(req, r)) };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/actions/permissions',
      handle(req) {
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        if (!tokenHas(req.token, 'organization_administration') || !req.token.orgOwner) return error(403, forbiddenMessage(req.token));
        const a = req.estate.actions;
        return { status: 200, body: { enabled_repositories: a.enabledRepositories, allowed_actions: a.allowedActions, ...(a.allowedActions === 'selected' ? { selected_actions_url: `${req.base}/orgs/${req.estate.org}/actions/permissions/selected-actions` } : {}), sha_pinning_required: false } };
      },
    },
    {
      method: 'GET',
      template: '/orgs/{org}/actions/permissions/workflow',
      handle(req) {
        if (req.params['org']?.toLowerCase() !== req.estate.org.toLowerCase()) return notFound();
        if (!tokenHas(req.token, 'organization_administration') || !req.token.orgOwner) return error(403, forbiddenMessage(req.token));
        const a = req.estate.actions;
        return { status: 200, body: { default_workflow_permissions: a.defaultWorkflowPermissions, can_approve_pull_request_reviews: a.canApprovePullRequestReviews } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}',
      handle(req) {
        const repo = repoOr404(req);
        return isResult(repo) ? repo : { status: 200, body: repoObject(req, repo) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/branches/{branch}',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        const branch = req.params['branch'] ?? '';
        const head = [...repo.commits].sort((a, b) => Date.parse(b.committedDate) - Date.parse(a.committedDate))[0];
        // Branches other than the default are not modelled; an empty repository has no default branch yet.
        if (branch !== repo.defaultBranch || !head) return error(404, 'Branch not found', 'https://docs.github.com/rest/branches/branches#get-a-branch');
        const url = `${req.base}/repos/${req.estate.org}/${repo.name}/branches/${branch}`;
        const rulesApply = effectiveRules(req.estate, repo, branch).length > 0;
        return {
          status: 200,
          body: {
            name: branch,
            commit: commitObject(req, repo, head),
            _links: { self: url, html: `https://github.com/${req.estate.org}/${repo.name}/tree/${branch}` },
            // GitHub counts rulesets too: "protected" is true when either layer applies.
            protected: repo.protection !== null || rulesApply,
            protection: { enabled: repo.protection !== null, required_status_checks: { enforcement_level: repo.protection?.requiredStatusChecks ? 'everyone' : 'off', contexts: repo.protection?.requiredStatusChecks ?? [], checks: (repo.protection?.requiredStatusChecks ?? []).map((c) => ({ context: c, app_id: null })) } },
            protection_url: `${url}/protection`,
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/contents/{path}',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (repo.visibility !== 'public' && !tokenHas(req.token, 'contents')) return error(403, forbiddenMessage(req.token));
        return contentsOf(req, repo, (req.params['path'] ?? '').replace(/^\/+|\/+$/g, ''));
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/branches/{branch}/protection',
      handle(req) {
        const repo = adminRepoOr404(req);
        if (isResult(repo)) return repo;
        const p = repo.protection;
        if (!p || req.params['branch'] !== repo.defaultBranch) return error(404, 'Branch not protected', 'https://docs.github.com/rest/branches/branch-protection#get-branch-protection');
        const url = `${req.base}/repos/${req.estate.org}/${repo.name}/branches/${repo.defaultBranch}/protection`;
        return {
          status: 200,
          body: {
            url,
            ...(p.requiredStatusChecks
              ? { required_status_checks: { url: `${url}/required_status_checks`, strict: p.strictStatusChecks, contexts: p.requiredStatusChecks, checks: p.requiredStatusChecks.map((c) => ({ context: c, app_id: null })) } }
              : {}),
            ...(p.requiredApprovingReviewCount !== null
              ? {
                  required_pull_request_reviews: {
                    url: `${url}/required_pull_request_reviews`,
                    dismiss_stale_reviews: p.dismissStaleReviews,
                    require_code_owner_reviews: p.requireCodeOwnerReviews,
                    required_approving_review_count: p.requiredApprovingReviewCount,
                    require_last_push_approval: p.requireLastPushApproval,
                    bypass_pull_request_allowances: allowanceObjects(req, p.bypassPullRequestAllowances),
                  },
                }
              : {}),
            required_signatures: { url: `${url}/required_signatures`, enabled: p.requiredSignatures },
            enforce_admins: { url: `${url}/enforce_admins`, enabled: p.enforceAdmins },
            required_linear_history: { enabled: p.requiredLinearHistory },
            allow_force_pushes: { enabled: p.allowForcePushes },
            allow_deletions: { enabled: p.allowDeletions },
            block_creations: { enabled: false },
            required_conversation_resolution: { enabled: false },
            lock_branch: { enabled: false },
            allow_fork_syncing: { enabled: false },
          },
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/rules/branches/{branch}',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        const rules = effectiveRules(req.estate, repo, req.params['branch'] ?? '');
        return {
          status: 200,
          list: rules.map((e) => ({ type: e.rule.type, ...(e.rule.parameters ? { parameters: e.rule.parameters } : {}), ruleset_source_type: e.sourceType, ruleset_source: e.source, ruleset_id: e.ruleset.id })),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/rulesets/{ruleset_id}',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        const id = Number(req.params['ruleset_id']);
        const admin = atLeast(roleOn(req.estate, req.token, repo), 'admin') && tokenHas(req.token, 'administration');
        const own = repo.rulesets.find((r) => r.id === id);
        if (own) return { status: 200, body: rulesetObject(req, own, 'Repository', `${req.estate.org}/${repo.name}`, admin) };
        const inherited = req.estate.orgRulesets.find((r) => r.id === id);
        if (inherited && req.query.get('includes_parents') !== 'false') return { status: 200, body: rulesetObject(req, inherited, 'Organization', req.estate.org, admin) };
        return notFound();
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'contents')) return error(403, forbiddenMessage(req.token));
        const commits = [...repo.commits].sort((a, b) => Date.parse(b.committedDate) - Date.parse(a.committedDate));
        return { status: 200, list: commits.map((c) => commitObject(req, repo, c)) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/pulls',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'pull_requests') && repo.visibility !== 'public') return error(403, forbiddenMessage(req.token));
        const state = req.query.get('state') ?? 'open';
        const pulls = repo.pulls.filter((p) => state === 'all' || p.state === state);
        return { status: 200, list: pulls.map((p) => pullObject(req, repo, p)) };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}/status',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'statuses')) return error(403, forbiddenMessage(req.token));
        const sha = req.params['ref'] ?? '';
        const url = `${req.base}/repos/${req.estate.org}/${repo.name}/commits/${sha}`;
        return { status: 200, body: { state: 'success', statuses: [], sha, total_count: 0, repository: repositoryObject(req, repo), commit_url: url, url: `${url}/status` } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'checks')) return error(403, forbiddenMessage(req.token));
        return { status: 200, body: { total_count: 0, check_runs: [] } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/vulnerability-alerts',
      handle(req) {
        const repo = adminRepoOr404(req);
        if (isResult(repo)) return repo;
        return repo.dependabotAlertsEnabled ? { status: 204 } : notFound();
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/dependabot/alerts',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'vulnerability_alerts')) return error(403, forbiddenMessage(req.token));
        if (!repo.dependabotAlertsEnabled) return error(403, 'Dependabot alerts are disabled for this repository.', 'https://docs.github.com/rest/dependabot/alerts#list-dependabot-alerts-for-a-repository');
        const state = req.query.get('state');
        const states = state ? state.split(',') : undefined;
        const alerts = repo.dependabotAlerts.filter((a) => !states || states.includes(a.state));
        return {
          status: 200,
          cursor: true,
          list: alerts.map((a) => dependabotAlertObject(req, repo, a)),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/code-scanning/alerts',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!tokenHas(req.token, 'security_events')) return error(403, forbiddenMessage(req.token));
        if (repo.codeScanning === 'unavailable') return error(403, 'Advanced Security must be enabled for this repository to use code scanning.');
        if (repo.codeScanning === 'none') return error(404, 'no analysis found', 'https://docs.github.com/rest/code-scanning/code-scanning#list-code-scanning-alerts-for-a-repository');
        const state = req.query.get('state');
        const alerts = repo.codeScanningAlerts.filter((a) => !state || a.state === state);
        return {
          status: 200,
          list: alerts.map((a) => codeScanningAlertObject(req, repo, a)),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/collaborators',
      handle(req) {
        const repo = repoOr404(req);
        if (isResult(repo)) return repo;
        if (!atLeast(roleOn(req.estate, req.token, repo), 'write')) return error(403, 'Must have push access to view repository collaborators.');
        const aff = req.query.get('affiliation') ?? 'all';
        const perm = req.query.get('permission');
        const wanted = perm === 'push' ? 'write' : perm === 'pull' ? 'read' : perm;
        const list = repo.collaborators.filter((c) => (aff === 'all' || (aff === 'outside' ? c.outside : !c.outside)) && (!wanted || atLeast(c.permission, wanted as 'read')));
        return {
          status: 200,
          list: list.map((c) => ({
            ...userObject(req, c.login),
            permissions: { admin: c.permission === 'admin', maintain: atLeast(c.permission, 'maintain'), push: atLeast(c.permission, 'write'), triage: atLeast(c.permission, 'triage'), pull: true },
            role_name: c.roleName ?? c.permission,
          })),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/keys',
      handle(req) {
        const repo = adminRepoOr404(req);
        if (isResult(repo)) return repo;
        const full = `${req.estate.org}/${repo.name}`;
        return {
          status: 200,
          list: repo.deployKeys.map((k) => ({ id: k.id, key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKE', url: `${req.base}/repos/${full}/keys/${k.id}`, title: k.title, verified: true, created_at: k.createdAt, read_only: k.readOnly, added_by: 'alice-nw', last_used: k.lastUsed, enabled: true })),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/hooks',
      handle(req) {
        const repo = adminRepoOr404(req, 'repository_hooks');
        if (isResult(repo)) return repo;
        const full = `${req.estate.org}/${repo.name}`;
        return {
          status: 200,
          list: repo.hooks.map((h) => ({
            type: 'Repository',
            id: h.id,
            name: 'web',
            active: h.active,
            events: h.events,
            // GitHub masks the secret; it never returns it.
            config: { content_type: 'json', insecure_ssl: h.insecureSsl, url: h.url, ...(h.hasSecret ? { secret: '********' } : {}) },
            updated_at: h.createdAt,
            created_at: h.createdAt,
            url: `${req.base}/repos/${full}/hooks/${h.id}`,
            test_url: `${req.base}/repos/${full}/hooks/${h.id}/test`,
            ping_url: `${req.base}/repos/${full}/hooks/${h.id}/pings`,
            deliveries_url: `${req.base}/repos/${full}/hooks/${h.id}/deliveries`,
            last_response: { code: 200, status: 'active', message: 'OK' },
          })),
        };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/permissions',
      handle(req) {
        const repo = adminRepoOr404(req);
        if (isResult(repo)) return repo;
        const a = effectiveActions(req.estate, repo);
        return { status: 200, body: { enabled: a.enabled, allowed_actions: a.allowedActions, ...(a.allowedActions === 'selected' ? { selected_actions_url: `${req.base}/repos/${req.estate.org}/${repo.name}/actions/permissions/selected-actions` } : {}), sha_pinning_required: false } };
      },
    },
    {
      method: 'GET',
      template: '/repos/{owner}/{repo}/actions/permissions/workflow',
      handle(req) {
        const repo = adminRepoOr404(req);
        if (isResult(repo)) return repo;
        const a = effectiveActions(req.estate, repo);
        return { status: 200, body: { default_workflow_permissions: a.defaultWorkflowPermissions, can_approve_pull_request_reviews: a.canApprovePullRequestReviews } };
      },
    },
  ];
}
