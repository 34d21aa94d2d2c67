/**
 * Per-repository facts several collectors share — default-branch protection (classic and
 * rulesets), Dependabot alerts, deploy keys, outside collaborators — read for many repositories
 * per GraphQL query and memoised for the run. When GraphQL is unavailable (an older GHES without
 * `Ref.rules`, or no GraphQL at all) each section falls back to its REST endpoints per repository.
 * Every section is either a value or a gap naming the permission that would close it.
 */
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { errorMessage, gapFromError, gapFromGraphQLError, graphql, restGet, restList, type GraphQLErrorItem } from './http.js';
import { errorStatus } from '../../util/error-status.js';
import { repoFactsQuery } from './queries.js';
import { repositoryInventory, type RepoInfo } from './repos.js';
import { count, tri } from './three-valued.js';

export type Section<T> = { ok: true; value: T; calls: ApiCall[] } | { ok: false; gaps: Gap[]; calls: ApiCall[] };

/** Classic branch protection as GitHub sent it; `null` in a field means GitHub did not say. */
export interface ClassicProtection {
  /** The pull-request requirement, or null when classic protection does not require pull requests. */
  pullRequest: ClassicPullRequest | null;
  /** Required status checks, or null when classic protection requires none. */
  statusChecks: { contexts: string[] | null; strict: boolean | null } | null;
  signatures: boolean | null;
  linearHistory: boolean | null;
  allowForcePushes: boolean | null;
  allowDeletions: boolean | null;
  /** "Do not allow bypassing the above settings": when off, repository admins are exempt from every rule. */
  enforceAdmins: boolean | null;
  /** Users, teams and apps allowed to force-push despite the rule (GraphQL only; REST does not show it): null when unknown. */
  forcePushAllowances: string[] | null;
}

export interface ClassicPullRequest {
  requiredApprovals: number | null;
  dismissStale: boolean | null;
  codeOwners: boolean | null;
  lastPushApproval: boolean | null;
  /** Users, teams and apps allowed to merge without the review ("Allow specified actors to bypass required pull requests"); null when GitHub did not say. */
  bypassAllowances: string[] | null;
}

export interface BypassEntry {
  /** 'OrganizationAdmin', 'RepositoryRole:admin', 'Team:release', 'App:renovate', 'DeployKey'. */
  actor: string;
  /** always | pull_request | exempt; null when GitHub did not say. */
  mode: string | null;
}

export interface RuleFact {
  /** REST spelling: pull_request, required_status_checks, non_fast_forward, deletion, required_signatures, … */
  type: string;
  /** pull_request parameters; null when GitHub sent the rule without them. */
  requiredApprovals?: number | null;
  dismissStale?: boolean | null;
  codeOwners?: boolean | null;
  lastPushApproval?: boolean | null;
  /** required_status_checks parameters; null when GitHub sent the rule without them. */
  statusChecks?: string[] | null;
  strict?: boolean | null;
  rulesetId: number;
  rulesetName: string;
  sourceType: string;
  source: string;
  /** Who may bypass the ruleset; null when the token may not see it (admin-only). */
  bypass: BypassEntry[] | null;
}

export interface BranchFacts {
  branch: string;
  /** Classic protection, or null when the branch has none. */
  classic: ClassicProtection | null;
  /** Active rules from repository and organisation rulesets. */
  rules: RuleFact[];
}

export interface DependabotFacts {
  enabled: boolean;
  /** Open alerts; `severity` is null when GitHub did not say (GraphQL's securityVulnerability is nullable). */
  open: Array<{ number: number; severity: string | null; package: string; ecosystem: string; advisory: string; summary: string; createdAt: string }>;
}

export interface DeployKeyFact {
  title: string;
  readOnly: boolean;
  createdAt: string;
}

export type Access = 'admin' | 'maintain' | 'write' | 'triage' | 'read';

export interface CollaboratorFact {
  login: string;
  /** What the person can do, from GitHub's permission flags (REST) or base permission (GraphQL); null when GitHub did not say. */
  access: Access | null;
  /** The role's name as GitHub shows it: a standard role or a custom repository role ("release-manager"). A label only. */
  role: string;
}

/** Repositories per GraphQL query: enough to keep requests low, small enough to stay far from GitHub's 10 s limit. */
export const BATCH_SIZE = 50;

interface GraphNode {
  nameWithOwner: string;
  isArchived: boolean;
  viewerPermission: string | null;
  defaultBranchRef: {
    name: string;
    branchProtectionRule: Record<string, unknown> | null;
    rules: { totalCount: number; nodes: Array<Record<string, unknown> | null> } | null;
  } | null;
  hasVulnerabilityAlertsEnabled: boolean | null;
  vulnerabilityAlerts: { totalCount: number; nodes: Array<Record<string, unknown> | null> } | null;
  deployKeys: { totalCount: number; nodes: Array<{ title: string; readOnly: boolean; createdAt: string } | null> } | null;
  outsideCollaborators: { totalCount: number; edges: Array<{ permission: string; node: { login: string } | null } | null> } | null;
}

interface GraphEntry {
  node: GraphNode | null;
  /** Field errors under this repository's alias, path relative to the repository. */
  errors: GraphQLErrorItem[];
  call: ApiCall;
  /** The whole repository could not be read (alias missing, or the batch failed). */
  failure?: Gap;
}

type Graph = { mode: 'graphql'; byRepo: Map<string, GraphEntry> } | { mode: 'rest'; reason: string; calls: ApiCall[] };

function isSchemaMismatch(errors: GraphQLErrorItem[]): boolean {
  return errors.some((e) => e.extensions?.['code'] === 'undefinedField' || /doesn't exist on type/i.test(e.message));
}

/** Reads the facts of every active repository in scope, BATCH_SIZE per query, once per run. */
export function repositoryGraph(ctx: CollectContext<'github'>): Promise<Graph> {
  const gh = ctx.github;
  // In a shard (soc2 run --shard) the graph covers the shard's repositories: keyed apart from the whole list's.
  return ctx.memo(`github:graph:${gh.org}${gh.inShard ? ':shard' : ''}`, async (ctx): Promise<Graph> => {
    const inv = await repositoryInventory(ctx);
    const active = inv.repos.filter((r) => !r.archived);
    const byRepo = new Map<string, GraphEntry>();
    const batches: RepoInfo[][] = [];
    for (let i = 0; i < active.length; i += BATCH_SIZE) batches.push(active.slice(i, i + BATCH_SIZE));

    const runBatch = async (batch: RepoInfo[]): Promise<'rest' | undefined> => {
      const calls: ApiCall[] = [];
      const variables: Record<string, unknown> = { owner: gh.org };
      batch.forEach((r, i) => (variables[`n${i}`] = r.name));
      let result: Awaited<ReturnType<typeof graphql<Record<string, GraphNode | null>>>>;
      try {
        result = await graphql<Record<string, GraphNode | null>>(ctx, calls, 'RepoFacts', repoFactsQuery(batch.length), variables);
      } catch (e) {
        const status = errorStatus(e);
        if (status === 404) return 'rest'; // no GraphQL endpoint on this server
        // Too heavy or timed out: halve the batch and try again (what Scorecard does on 502).
        if ((status === 502 || status === 504) && batch.length > 1) {
          const mid = Math.ceil(batch.length / 2);
          const a = await runBatch(batch.slice(0, mid));
          const b = await runBatch(batch.slice(mid));
          return a ?? b;
        }
        for (const r of batch) byRepo.set(r.fullName, { node: null, errors: [], call: calls[0]!, failure: gapFromError(e, { resource: r.fullName, what: 'repository facts', operation: 'POST /graphql RepoFacts' }) });
        return undefined;
      }
      if (!result.data && isSchemaMismatch(result.errors)) return 'rest';
      const call = calls[0]!;
      batch.forEach((r, i) => {
        const alias = `r${i}`;
        const node = result.data?.[alias] ?? null;
        const errors = result.errors
          .filter((e) => e.path?.[0] === alias)
          .map((e) => ({ ...e, path: e.path!.slice(1) }));
        const whole = errors.find((e) => e.path?.length === 0) ?? (node ? undefined : result.errors[0]);
        byRepo.set(r.fullName, {
          node,
          errors,
          call,
          ...(node ? {} : { failure: whole ? gapFromGraphQLError(whole, { resource: r.fullName, what: 'repository facts' }) : { resource: r.fullName, kind: 'other' as const, message: `${r.fullName}: GitHub GraphQL returned no data for the repository.` } }),
        });
      });
      return undefined;
    };

    for (const batch of batches) {
      // Sequential on purpose: GitHub asks for GraphQL queries to be sent serially.
      const mode = await runBatch(batch);
      if (mode === 'rest') {
        const calls = [...byRepo.values()].map((e) => e.call);
        return { mode: 'rest', reason: 'GitHub GraphQL lacks the fields soc2 reads (older GitHub Enterprise Server?), using REST per repository', calls };
      }
    }
    return { mode: 'graphql', byRepo };
  });
}

function fieldError(entry: GraphEntry, field: string): GraphQLErrorItem | undefined {
  return entry.errors.find((e) => e.path?.[0] === field || (field === 'defaultBranchRef' && e.path?.[0] === 'defaultBranchRef'));
}

// ------------------------------------------------------------------------------------- branch

/** How a GraphQL actor (User, Team or App) is named in evidence. */
function graphActorName(a: unknown): string {
  const x = a as { __typename?: string; login?: string; slug?: string } | null;
  if (!x) return 'an actor GitHub did not name';
  if (x.__typename === 'User') return `User:${x.login ?? '?'}`;
  return `${x.__typename === 'Team' ? 'Team' : 'App'}:${x.slug ?? '?'}`;
}

/** A bypass-allowance connection as names; null when GitHub did not send it. Never shorter than the truth. */
function graphAllowances(conn: unknown): string[] | null {
  const c = conn as { totalCount?: unknown; nodes?: Array<{ actor?: unknown } | null> | null } | null | undefined;
  if (!c || !Array.isArray(c.nodes)) return null;
  const names = c.nodes.map((n) => graphActorName(n?.actor ?? null));
  if (typeof c.totalCount === 'number' && c.totalCount > names.length) names.push(`${c.totalCount - names.length} more not listed`);
  return names;
}

function graphBypassEntry(b: Record<string, unknown> | null): BypassEntry {
  // A null entry is one GitHub could not resolve: someone may bypass, but who and how is unknown.
  if (!b) return { actor: 'an entry GitHub did not resolve', mode: null };
  const actor = b['actor'] as { __typename?: string; slug?: string } | null;
  const who = b['organizationAdmin'] === true ? 'OrganizationAdmin' : b['deployKey'] === true ? 'DeployKey' : typeof b['repositoryRoleName'] === 'string' ? `RepositoryRole:${b['repositoryRoleName']}` : actor ? `${actor.__typename}:${actor.slug ?? '?'}` : 'an actor GitHub did not name';
  return { actor: who, mode: typeof b['bypassMode'] === 'string' ? b['bypassMode'].toLowerCase() : null };
}

function normaliseGraphRule(n: Record<string, unknown>, bypassHidden: boolean): RuleFact {
  const type = String(n['type']).toLowerCase();
  const p = (n['parameters'] ?? null) as Record<string, unknown> | null;
  const rs = (n['repositoryRuleset'] ?? null) as Record<string, unknown> | null;
  const source = (rs?.['source'] ?? {}) as Record<string, unknown>;
  const bypass = rs?.['bypassActors'] as { totalCount?: unknown; nodes?: Array<Record<string, unknown> | null> | null } | null | undefined;
  const pr = p?.['__typename'] === 'PullRequestParameters' ? p : null;
  const sc = p?.['__typename'] === 'RequiredStatusChecksParameters' ? p : null;
  let entries: BypassEntry[] | null = null;
  if (!bypassHidden && bypass && Array.isArray(bypass.nodes)) {
    entries = bypass.nodes.map(graphBypassEntry);
    const more = typeof bypass.totalCount === 'number' ? bypass.totalCount - entries.length : 0;
    if (more > 0) entries.push({ actor: `${more} more not listed`, mode: null });
  }
  const checks = sc?.['requiredStatusChecks'];
  return {
    type,
    ...(type === 'pull_request'
      ? { requiredApprovals: count(pr?.['requiredApprovingReviewCount']), dismissStale: tri(pr?.['dismissStaleReviewsOnPush']), codeOwners: tri(pr?.['requireCodeOwnerReview']), lastPushApproval: tri(pr?.['requireLastPushApproval']) }
      : {}),
    ...(type === 'required_status_checks'
      ? { statusChecks: Array.isArray(checks) ? checks.map((c: { context?: unknown } | null) => String(c?.context ?? '?')) : null, strict: tri(sc?.['strictRequiredStatusChecksPolicy']) }
      : {}),
    rulesetId: typeof rs?.['databaseId'] === 'number' ? rs['databaseId'] : 0,
    rulesetName: typeof rs?.['name'] === 'string' ? rs['name'] : '(a ruleset GitHub did not name)',
    sourceType: String(source['__typename'] ?? ''),
    source: String(source['nameWithOwner'] ?? source['login'] ?? ''),
    bypass: entries,
  };
}

/** Classic protection from GraphQL, or why it cannot be read (a field its schema says is always sent was not). */
function normaliseGraphClassic(p: Record<string, unknown>, allowancesHidden: { pullRequest: boolean; forcePush: boolean }): ClassicProtection | string {
  const required = ['requiresApprovingReviews', 'requiresStatusChecks'] as const;
  const absent = required.filter((k) => typeof p[k] !== 'boolean');
  if (absent.length) return `GitHub sent the branch protection rule without ${absent.join(' and ')}`;
  const contexts = p['requiredStatusCheckContexts'];
  return {
    pullRequest:
      p['requiresApprovingReviews'] === true
        ? {
            requiredApprovals: count(p['requiredApprovingReviewCount']),
            dismissStale: tri(p['dismissesStaleReviews']),
            codeOwners: tri(p['requiresCodeOwnerReviews']),
            lastPushApproval: tri(p['requireLastPushApproval']),
            bypassAllowances: allowancesHidden.pullRequest ? null : graphAllowances(p['bypassPullRequestAllowances']),
          }
        : null,
    statusChecks:
      p['requiresStatusChecks'] === true
        ? {
            contexts: Array.isArray(contexts) && contexts.every((c) => typeof c === 'string') ? (contexts as string[]) : null,
            // GitHub reports strict=true even when checks are off (community discussion 59471), hence only read here.
            strict: tri(p['requiresStrictStatusChecks']),
          }
        : null,
    signatures: tri(p['requiresCommitSignatures']),
    linearHistory: tri(p['requiresLinearHistory']),
    allowForcePushes: tri(p['allowsForcePushes']),
    allowDeletions: tri(p['allowsDeletions']),
    enforceAdmins: tri(p['isAdminEnforced']),
    forcePushAllowances: allowancesHidden.forcePush ? null : graphAllowances(p['bypassForcePushAllowances']),
  };
}

const ADMIN_PERMISSION = 'github:administration:read';

/** Whether classic protection can be trusted as read: GitHub answers null, not an error, to non-admins. */
function classicReadable(ctx: CollectContext<'github'>, repo: RepoInfo, viewerPermission: string | null): string | undefined {
  if (ctx.github.capabilities.missing.includes(ADMIN_PERMISSION)) return 'the token lacks Administration read, and GitHub shows classic branch protection only to admins';
  if (viewerPermission !== 'ADMIN') return `the token's user is ${viewerPermission?.toLowerCase() ?? 'without a role'} (not admin) on ${repo.fullName}, and GitHub shows classic branch protection only to admins`;
  return undefined;
}

/** Field errors under defaultBranchRef that hide only who may bypass: they leave that unknown instead of the whole branch. */
function bypassErrorKind(path: ReadonlyArray<string | number> | undefined): 'ruleset' | 'pullRequest' | 'forcePush' | undefined {
  const p = path ?? [];
  const last = p[p.length - 1];
  if (p[0] !== 'defaultBranchRef') return undefined;
  if (last === 'bypassActors' && p[1] === 'rules') return 'ruleset';
  if (last === 'bypassPullRequestAllowances' && p[1] === 'branchProtectionRule') return 'pullRequest';
  if (last === 'bypassForcePushAllowances' && p[1] === 'branchProtectionRule') return 'forcePush';
  return undefined;
}

export async function branchFacts(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<BranchFacts>> {
  const graph = await repositoryGraph(ctx);
  if (graph.mode === 'rest') return branchFactsRest(ctx, repo);
  const entry = graph.byRepo.get(repo.fullName);
  if (!entry) return branchFactsRest(ctx, repo);
  const calls = [entry.call];
  const gap = (kind: Gap['kind'], message: string): Section<BranchFacts> => ({ ok: false, gaps: [{ resource: repo.fullName, kind, message: `${repo.fullName}: ${message}` }], calls });
  if (entry.failure) return { ok: false, gaps: [entry.failure], calls };
  const node = entry.node!;
  const ref = node.defaultBranchRef;
  const refErrors = entry.errors.filter((e) => e.path?.[0] === 'defaultBranchRef');
  const blocking = refErrors.find((e) => !bypassErrorKind(e.path));
  if (blocking) return { ok: false, gaps: [gapFromGraphQLError(blocking, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'default-branch rules' })], calls };
  if (!ref) return gap('not-found', 'the repository has no default branch (empty repository); nothing can be evaluated.');
  const why = classicReadable(ctx, repo, node.viewerPermission);
  if (why) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'permission', permission: ADMIN_PERMISSION, message: `${repo.fullName}: token lacks ${ADMIN_PERMISSION}: ${why}, so the branch rules cannot be known (not treated as unprotected).` }], calls };
  if (!ref.rules || !Array.isArray(ref.rules.nodes)) return gap('other', `GitHub returned no ruleset data for ${ref.name}.`);
  if (ref.rules.totalCount > ref.rules.nodes.length) return gap('other', `${ref.rules.totalCount} rules apply to ${ref.name}, more than soc2 reads in one query (${ref.rules.nodes.length}).`);
  if (ref.rules.nodes.some((n) => n === null)) return gap('other', `GitHub returned a rule on ${ref.name} it could not resolve, so the rules in force are unknown.`);
  const hiddenRuleBypass = new Set(refErrors.filter((e) => bypassErrorKind(e.path) === 'ruleset').map((e) => e.path![3]));
  const hidden = { pullRequest: refErrors.some((e) => bypassErrorKind(e.path) === 'pullRequest'), forcePush: refErrors.some((e) => bypassErrorKind(e.path) === 'forcePush') };
  const classic = ref.branchProtectionRule ? normaliseGraphClassic(ref.branchProtectionRule, hidden) : null;
  if (typeof classic === 'string') return gap('other', `${classic}, so classic protection on ${ref.name} cannot be read.`);
  return {
    ok: true,
    value: { branch: ref.name, classic, rules: ref.rules.nodes.map((n, i) => normaliseGraphRule(n!, hiddenRuleBypass.has(i))) },
    calls,
  };
}

interface RestRule {
  type: string;
  parameters?: Record<string, unknown>;
  ruleset_id: number;
  ruleset_source_type: string;
  ruleset_source: string;
}

interface RestRuleset {
  name: string;
  bypass_actors?: Array<{ actor_id?: number | null; actor_type: string; bypass_mode?: string }>;
}

/** A REST bypass actor as evidence names it: ids for teams, apps, users and roles (REST gives no slugs). */
function restBypassEntry(b: { actor_id?: number | null; actor_type: string; bypass_mode?: string }): BypassEntry {
  const id = b.actor_id ?? '?';
  const actor = ['RepositoryRole', 'Team', 'Integration', 'User'].includes(b.actor_type) ? `${b.actor_type}:${id}` : b.actor_type;
  return { actor, mode: typeof b.bypass_mode === 'string' ? b.bypass_mode : null };
}

/**
 * Is there no classic protection on the default branch? GitHub answers 404 "Branch not protected";
 * that wording is not part of its published description, so any other 404 is decided by documented
 * facts instead: the token's user administers the repository (`permissions.admin`, so the 404 is
 * not GitHub hiding the rule) and the branch exists (GET /repos/{owner}/{repo}/branches/{branch}).
 */
async function noClassicProtection(ctx: CollectContext<'github'>, calls: ApiCall[], repo: RepoInfo & { defaultBranch: string }, e: unknown): Promise<true | Gap> {
  const operation = 'GET /repos/{owner}/{repo}/branches/{branch}/protection';
  const fail = () => gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'classic branch protection', operation });
  if (errorStatus(e) !== 404) return fail();
  if (errorMessage(e) === 'Branch not protected') return true;
  if (!repo.admin || ctx.github.capabilities.missing.includes(ADMIN_PERMISSION)) return fail();
  try {
    await restGet(ctx, calls, '/repos/{owner}/{repo}/branches/{branch}', { owner: repo.fullName.split('/')[0]!, repo: repo.name, branch: repo.defaultBranch });
    return true;
  } catch (branchError) {
    if (errorStatus(branchError) === 404) return { resource: repo.fullName, kind: 'not-found', message: `${repo.fullName}: the default branch ${repo.defaultBranch} does not exist (empty repository?); nothing can be evaluated.` };
    return gapFromError(branchError, { resource: repo.fullName, permission: 'github:metadata:read', what: 'the default branch', operation: 'GET /repos/{owner}/{repo}/branches/{branch}' });
  }
}

async function branchFactsRest(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<BranchFacts>> {
  const branch = repo.defaultBranch;
  if (branch === null) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub listed the repository without its default branch, so its rules cannot be read.` }], calls: [] };
  return ctx.memo(`github:rest:branch:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    const owner = repo.fullName.split('/')[0]!;
    const r = { owner, repo: repo.name, branch };
    let classic: ClassicProtection | null;
    try {
      const { data } = await restGet<Record<string, unknown>>(ctx, calls, '/repos/{owner}/{repo}/branches/{branch}/protection', r);
      classic = normaliseRestClassic(data);
    } catch (e) {
      const none = await noClassicProtection(ctx, calls, { ...repo, defaultBranch: branch }, e);
      if (none !== true) return { ok: false, gaps: [none], calls };
      classic = null;
    }
    let raw: RestRule[];
    try {
      raw = await restList<RestRule>(ctx, calls, '/repos/{owner}/{repo}/rules/branches/{branch}', r);
    } catch (e) {
      return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: 'github:metadata:read', what: 'the rules in force on the default branch', operation: 'GET /repos/{owner}/{repo}/rules/branches/{branch}' })], calls };
    }
    const rulesets = new Map<number, { name: string; bypass: BypassEntry[] | null }>();
    for (const id of new Set(raw.map((x) => x.ruleset_id))) {
      try {
        const { data } = await restGet<RestRuleset>(ctx, calls, '/repos/{owner}/{repo}/rulesets/{ruleset_id}', { owner, repo: repo.name, ruleset_id: id });
        // bypass_actors is only returned to those who can edit the ruleset: absent means unknown.
        rulesets.set(id, { name: data.name, bypass: Array.isArray(data.bypass_actors) ? data.bypass_actors.map(restBypassEntry) : null });
      } catch (e) {
        return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: 'github:metadata:read', what: `ruleset ${id}`, operation: 'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}' })], calls };
      }
    }
    const rules: RuleFact[] = raw.map((x) => {
      // Parameters are optional in GitHub's description: a rule sent without them leaves its settings unknown.
      const p = x.parameters;
      const checks = p?.['required_status_checks'];
      return {
        type: x.type,
        ...(x.type === 'pull_request'
          ? { requiredApprovals: count(p?.['required_approving_review_count']), dismissStale: tri(p?.['dismiss_stale_reviews_on_push']), codeOwners: tri(p?.['require_code_owner_review']), lastPushApproval: tri(p?.['require_last_push_approval']) }
          : {}),
        ...(x.type === 'required_status_checks'
          ? { statusChecks: Array.isArray(checks) ? checks.map((c: { context?: unknown }) => String(c?.context ?? '?')) : null, strict: tri(p?.['strict_required_status_checks_policy']) }
          : {}),
        rulesetId: x.ruleset_id,
        rulesetName: rulesets.get(x.ruleset_id)?.name ?? '',
        sourceType: x.ruleset_source_type,
        source: x.ruleset_source,
        bypass: rulesets.get(x.ruleset_id)?.bypass ?? null,
      };
    });
    return { ok: true as const, value: { branch, classic, rules }, calls };
  });
}

/** REST users, teams and apps allowed to bypass, as names; null when GitHub did not send the lists. */
function restAllowances(a: unknown): string[] | null {
  const x = a as { users?: unknown; teams?: unknown; apps?: unknown } | null | undefined;
  if (!x || !Array.isArray(x.users) || !Array.isArray(x.teams) || !Array.isArray(x.apps)) return null;
  return [
    ...(x.users as Array<{ login?: string }>).map((u) => `User:${u?.login ?? '?'}`),
    ...(x.teams as Array<{ slug?: string }>).map((t) => `Team:${t?.slug ?? '?'}`),
    ...(x.apps as Array<{ slug?: string }>).map((p) => `App:${p?.slug ?? '?'}`),
  ];
}

/**
 * Classic protection from REST. Most fields are optional in GitHub's description, so each one
 * absent is unknown (null), never "off". REST does not show force-push allowances.
 */
function normaliseRestClassic(d: Record<string, unknown>): ClassicProtection {
  const pr = d['required_pull_request_reviews'] as Record<string, unknown> | undefined;
  const sc = d['required_status_checks'] as { strict?: unknown; contexts?: unknown } | undefined;
  const enabled = (k: string): boolean | null => {
    const o = d[k];
    return o !== null && typeof o === 'object' ? tri((o as { enabled?: unknown }).enabled) : null;
  };
  return {
    pullRequest: pr
      ? {
          requiredApprovals: count(pr['required_approving_review_count']),
          dismissStale: tri(pr['dismiss_stale_reviews']),
          codeOwners: tri(pr['require_code_owner_reviews']),
          lastPushApproval: tri(pr['require_last_push_approval']),
          bypassAllowances: restAllowances(pr['bypass_pull_request_allowances']),
        }
      : null,
    statusChecks: sc ? { contexts: Array.isArray(sc.contexts) ? (sc.contexts as string[]) : null, strict: tri(sc.strict) } : null,
    signatures: enabled('required_signatures'),
    linearHistory: enabled('required_linear_history'),
    allowForcePushes: enabled('allow_force_pushes'),
    allowDeletions: enabled('allow_deletions'),
    enforceAdmins: enabled('enforce_admins'),
    forcePushAllowances: null,
  };
}

// ------------------------------------------------------------------------------------- dependabot

const DEPENDABOT_PERMISSION = 'github:dependabot_alerts:read';

export async function dependabotFacts(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<DependabotFacts>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  if (!entry) return dependabotFactsRest(ctx, repo);
  const calls = [entry.call];
  if (entry.failure) return { ok: false, gaps: [entry.failure], calls };
  const node = entry.node!;
  const enabledErr = fieldError(entry, 'hasVulnerabilityAlertsEnabled');
  const alertsErr = fieldError(entry, 'vulnerabilityAlerts');
  if (alertsErr) return { ok: false, gaps: [gapFromGraphQLError(alertsErr, { resource: repo.fullName, permission: DEPENDABOT_PERMISSION, what: 'Dependabot alerts' })], calls };
  if (enabledErr || typeof node.hasVulnerabilityAlertsEnabled !== 'boolean') {
    // GraphQL hides the switch from non-admins; the REST alert list tells enabled from disabled by its 403 text.
    return dependabotFactsRest(ctx, repo);
  }
  const alerts = node.vulnerabilityAlerts;
  if (!alerts || !Array.isArray(alerts.nodes)) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub returned no Dependabot alert data.` }], calls };
  if (alerts.totalCount > alerts.nodes.length) {
    // More than one page: read the full list through REST rather than page GraphQL per repository.
    return dependabotFactsRest(ctx, repo);
  }
  if (alerts.nodes.some((a) => a === null)) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub returned a Dependabot alert it could not resolve, so the open alerts are unknown.` }], calls };
  return {
    ok: true,
    value: {
      enabled: node.hasVulnerabilityAlertsEnabled === true,
      open: alerts.nodes.map((a) => {
        const v = (a!['securityVulnerability'] ?? null) as { severity?: unknown; package?: { name?: string; ecosystem?: string } } | null;
        const adv = (a!['securityAdvisory'] ?? {}) as { ghsaId?: string; summary?: string };
        return { number: Number(a!['number']), severity: typeof v?.severity === 'string' ? v.severity.toLowerCase() : null, package: v?.package?.name ?? '', ecosystem: String(v?.package?.ecosystem ?? '').toLowerCase(), advisory: adv.ghsaId ?? '', summary: adv.summary ?? '', createdAt: String(a!['createdAt']) };
      }),
    },
    calls,
  };
}

interface RestAlert {
  number: number;
  created_at: string;
  security_advisory?: { ghsa_id?: string; summary?: string; severity?: string };
  security_vulnerability?: { severity?: string; package?: { name?: string; ecosystem?: string } };
}

async function dependabotFactsRest(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<DependabotFacts>> {
  return ctx.memo(`github:rest:dependabot:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    const owner = repo.fullName.split('/')[0]!;
    try {
      const alerts = await restList<RestAlert>(ctx, calls, '/repos/{owner}/{repo}/dependabot/alerts', { owner, repo: repo.name, state: 'open' });
      return {
        ok: true as const,
        value: {
          enabled: true,
          open: alerts.map((a) => ({
            number: a.number,
            severity: (a.security_vulnerability?.severity ?? a.security_advisory?.severity)?.toLowerCase() ?? null,
            package: a.security_vulnerability?.package?.name ?? '',
            ecosystem: a.security_vulnerability?.package?.ecosystem ?? '',
            advisory: a.security_advisory?.ghsa_id ?? '',
            summary: a.security_advisory?.summary ?? '',
            createdAt: a.created_at,
          })),
        },
        calls,
      };
    } catch (e) {
      const disabled = await dependabotDisabled(ctx, calls, repo, e);
      return disabled === true ? { ok: true as const, value: { enabled: false, open: [] }, calls } : { ok: false as const, gaps: [disabled], calls };
    }
  });
}

/**
 * Does this refusal of the alert list mean Dependabot alerts are off? GitHub answers 403 "Dependabot
 * alerts are disabled for this repository." — wording its published description does not contain,
 * so any other 403 is decided by the documented switch instead: GET /repos/{owner}/{repo}/vulnerability-alerts
 * answers 204 when alerts are on and 404 when off, to a user who administers the repository.
 */
async function dependabotDisabled(ctx: CollectContext<'github'>, calls: ApiCall[], repo: RepoInfo, e: unknown): Promise<true | Gap> {
  const fail = (err: unknown = e) => gapFromError(err, { resource: repo.fullName, permission: DEPENDABOT_PERMISSION, what: 'Dependabot alerts', operation: 'GET /repos/{owner}/{repo}/dependabot/alerts' });
  if (errorStatus(e) !== 403) return fail();
  if (/Dependabot alerts are disabled/i.test(errorMessage(e))) return true;
  if (!repo.admin || ctx.github.capabilities.missing.includes(ADMIN_PERMISSION)) return fail();
  try {
    await restGet(ctx, calls, '/repos/{owner}/{repo}/vulnerability-alerts', { owner: repo.fullName.split('/')[0]!, repo: repo.name });
    return fail(); // alerts are on, so the 403 was about the token
  } catch (switchError) {
    return errorStatus(switchError) === 404 ? true : fail();
  }
}

// ------------------------------------------------------------------------------------- access

export async function deployKeyFacts(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<DeployKeyFact[]>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  const dk = entry?.node?.deployKeys;
  if (entry && !entry.failure && dk && Array.isArray(dk.nodes) && dk.totalCount <= dk.nodes.length) {
    const keys = dk.nodes.map((k) => (k ? keyFact(k.title, k.readOnly, k.createdAt) : null));
    if (keys.some((k) => k === null)) return { ok: false, gaps: [unreadableKeys(repo)], calls: [entry.call] };
    return { ok: true, value: keys as DeployKeyFact[], calls: [entry.call] };
  }
  if (entry?.failure) return { ok: false, gaps: [entry.failure], calls: [entry.call] };
  const err = entry && fieldError(entry, 'deployKeys');
  if (entry && err) return { ok: false, gaps: [gapFromGraphQLError(err, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'deploy keys' })], calls: [entry.call] };
  return ctx.memo(`github:rest:keys:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    try {
      const raw = await restList<{ title: string; read_only?: unknown; created_at?: unknown }>(ctx, calls, '/repos/{owner}/{repo}/keys', { owner: repo.fullName.split('/')[0]!, repo: repo.name });
      const keys = raw.map((k) => keyFact(k.title, k.read_only, k.created_at));
      if (keys.some((k) => k === null)) return { ok: false as const, gaps: [unreadableKeys(repo)], calls };
      return { ok: true as const, value: keys as DeployKeyFact[], calls };
    } catch (e) {
      return { ok: false as const, gaps: [gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'deploy keys', operation: 'GET /repos/{owner}/{repo}/keys' })], calls };
    }
  });
}

/** A deploy key, or null when GitHub left out whether it can write or when it was made (both always sent, per its description). */
function keyFact(title: unknown, readOnly: unknown, createdAt: unknown): DeployKeyFact | null {
  if (typeof readOnly !== 'boolean' || typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return null;
  return { title: typeof title === 'string' ? title : '(untitled)', readOnly, createdAt };
}

function unreadableKeys(repo: RepoInfo): Gap {
  return { resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub listed a deploy key without saying whether it can write or when it was added, so the deploy keys cannot be judged.` };
}

export async function outsideCollaboratorFacts(ctx: CollectContext<'github'>, repo: RepoInfo): Promise<Section<CollaboratorFact[]>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  const oc = entry?.node?.outsideCollaborators;
  if (entry && !entry.failure && oc && Array.isArray(oc.edges) && oc.totalCount <= oc.edges.length) {
    const value = oc.edges.map((e): CollaboratorFact => {
      // GraphQL reports a custom role by the base permission it extends (RepositoryPermission has five values).
      const access = accessFromEnum(e?.permission);
      return { login: e?.node?.login ?? '(a collaborator GitHub did not name)', access, role: access ?? 'unknown' };
    });
    return { ok: true, value, calls: [entry.call] };
  }
  if (entry?.failure) return { ok: false, gaps: [entry.failure], calls: [entry.call] };
  const err = entry && fieldError(entry, 'outsideCollaborators');
  if (entry && err) return { ok: false, gaps: [gapFromGraphQLError(err, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'outside collaborators (GitHub shows them to users with push access)' })], calls: [entry.call] };
  return ctx.memo(`github:rest:outside:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    try {
      const list = await restList<{ login: string; role_name?: string; permissions?: Record<string, unknown> }>(ctx, calls, '/repos/{owner}/{repo}/collaborators', { owner: repo.fullName.split('/')[0]!, repo: repo.name, affiliation: 'outside' });
      return { ok: true as const, value: list.map((c) => ({ login: c.login, access: accessFromFlags(c.permissions), role: c.role_name ?? 'unknown' })), calls };
    } catch (e) {
      return { ok: false as const, gaps: [gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'outside collaborators', operation: 'GET /repos/{owner}/{repo}/collaborators' })], calls };
    }
  });
}

const ACCESS: readonly Access[] = ['admin', 'maintain', 'write', 'triage', 'read'];

function accessFromEnum(permission: unknown): Access | null {
  const p = typeof permission === 'string' ? permission.toLowerCase() : '';
  return (ACCESS as readonly string[]).includes(p) ? (p as Access) : null;
}

/**
 * Access from the permission flags, GitHub's documented and complete answer. `role_name` is not
 * used: a custom repository role ("release-manager") names nothing about what it can do. `pull`,
 * `push` and `admin` are always sent; `maintain` and `triage` may be absent (then not claimed).
 */
function accessFromFlags(flags: Record<string, unknown> | undefined): Access | null {
  if (!flags || typeof flags['admin'] !== 'boolean' || typeof flags['push'] !== 'boolean') return null;
  if (flags['admin']) return 'admin';
  if (flags['maintain'] === true) return 'maintain';
  if (flags['push']) return 'write';
  if (flags['triage'] === true) return 'triage';
  return 'read';
}
