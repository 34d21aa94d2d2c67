/**
 * Per-repository facts several collectors share — default-branch protection (classic and
 * rulesets), Dependabot alerts, deploy keys, outside collaborators — read for many repositories
 * per GraphQL query and memoised for the run. When GraphQL is unavailable (an older GHES without
 * `Ref.rules`, or no GraphQL at all) each section falls back to its REST endpoints per repository.
 * Every section is either a value or a gap naming the permission that would close it.
 */
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { errorMessage, errorStatus, gapFromError, gapFromGraphQLError, graphql, restGet, restList, type GraphQLErrorItem } from './http.js';
import { repoFactsQuery } from './queries.js';
import { repositoryInventory, type RepoInfo } from './repos.js';

export type Section<T> = { ok: true; value: T; calls: ApiCall[] } | { ok: false; gaps: Gap[]; calls: ApiCall[] };

export interface ClassicProtection {
  requiredApprovals: number | null;
  dismissStale: boolean;
  codeOwners: boolean;
  lastPushApproval: boolean;
  statusChecks: string[] | null;
  strict: boolean;
  signatures: boolean;
  linearHistory: boolean;
  allowForcePushes: boolean;
  allowDeletions: boolean;
  enforceAdmins: boolean;
}

export interface BypassEntry {
  /** 'OrganizationAdmin', 'RepositoryRole:admin', 'Team:release', 'App:renovate', 'DeployKey'. */
  actor: string;
  mode: string;
}

export interface RuleFact {
  /** REST spelling: pull_request, required_status_checks, non_fast_forward, deletion, required_signatures, … */
  type: string;
  requiredApprovals?: number;
  dismissStale?: boolean;
  codeOwners?: boolean;
  lastPushApproval?: boolean;
  statusChecks?: string[];
  strict?: boolean;
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
  open: Array<{ number: number; severity: string; package: string; ecosystem: string; advisory: string; summary: string; createdAt: string }>;
}

export interface DeployKeyFact {
  title: string;
  readOnly: boolean;
  createdAt: string;
}

export interface CollaboratorFact {
  login: string;
  /** admin | maintain | write | triage | read */
  permission: string;
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
    rules: { totalCount: number; nodes: Array<Record<string, unknown>> } | null;
  } | null;
  hasVulnerabilityAlertsEnabled: boolean | null;
  vulnerabilityAlerts: { totalCount: number; nodes: Array<Record<string, unknown>> } | null;
  deployKeys: { totalCount: number; nodes: Array<{ title: string; readOnly: boolean; createdAt: string }> } | null;
  outsideCollaborators: { totalCount: number; edges: Array<{ permission: string; node: { login: string } }> } | null;
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
export function repositoryGraph(ctx: CollectContext): Promise<Graph> {
  const gh = ctx.github!;
  return ctx.memo(`github:graph:${gh.org}`, async (ctx): Promise<Graph> => {
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

function normaliseGraphRule(n: Record<string, unknown>): RuleFact {
  const p = (n['parameters'] ?? {}) as Record<string, unknown>;
  const rs = (n['repositoryRuleset'] ?? {}) as Record<string, unknown>;
  const source = (rs['source'] ?? {}) as Record<string, unknown>;
  const bypass = rs['bypassActors'] as { nodes: Array<Record<string, unknown>> } | null | undefined;
  return {
    type: String(n['type']).toLowerCase(),
    ...(p['__typename'] === 'PullRequestParameters'
      ? { requiredApprovals: Number(p['requiredApprovingReviewCount'] ?? 0), dismissStale: p['dismissStaleReviewsOnPush'] === true, codeOwners: p['requireCodeOwnerReview'] === true, lastPushApproval: p['requireLastPushApproval'] === true }
      : {}),
    ...(p['__typename'] === 'RequiredStatusChecksParameters'
      ? { statusChecks: ((p['requiredStatusChecks'] as Array<{ context: string }>) ?? []).map((c) => c.context), strict: p['strictRequiredStatusChecksPolicy'] === true }
      : {}),
    rulesetId: Number(rs['databaseId'] ?? 0),
    rulesetName: String(rs['name'] ?? ''),
    sourceType: String(source['__typename'] ?? ''),
    source: String(source['nameWithOwner'] ?? source['login'] ?? ''),
    bypass: bypass
      ? bypass.nodes.map((b) => {
          const actor = b['actor'] as { __typename?: string; slug?: string } | null;
          const who = b['organizationAdmin'] ? 'OrganizationAdmin' : b['deployKey'] ? 'DeployKey' : b['repositoryRoleName'] ? `RepositoryRole:${String(b['repositoryRoleName'])}` : actor ? `${actor.__typename}:${actor.slug ?? '?'}` : 'unknown';
          return { actor: who, mode: String(b['bypassMode'] ?? '').toLowerCase() };
        })
      : null,
  };
}

function normaliseGraphClassic(p: Record<string, unknown>): ClassicProtection {
  const checks = p['requiresStatusChecks'] === true;
  return {
    requiredApprovals: p['requiresApprovingReviews'] === true ? Number(p['requiredApprovingReviewCount'] ?? 0) : null,
    dismissStale: p['dismissesStaleReviews'] === true,
    codeOwners: p['requiresCodeOwnerReviews'] === true,
    lastPushApproval: p['requireLastPushApproval'] === true,
    statusChecks: checks ? ((p['requiredStatusCheckContexts'] as string[] | null) ?? []) : null,
    // GitHub reports strict=true even when checks are off (community discussion 59471).
    strict: checks && p['requiresStrictStatusChecks'] === true,
    signatures: p['requiresCommitSignatures'] === true,
    linearHistory: p['requiresLinearHistory'] === true,
    allowForcePushes: p['allowsForcePushes'] === true,
    allowDeletions: p['allowsDeletions'] === true,
    enforceAdmins: p['isAdminEnforced'] === true,
  };
}

const ADMIN_PERMISSION = 'github:administration:read';

/** Whether classic protection can be trusted as read: GitHub answers null, not an error, to non-admins. */
function classicReadable(ctx: CollectContext, repo: RepoInfo, viewerPermission: string | null): string | undefined {
  if (ctx.github!.capabilities.missing.includes(ADMIN_PERMISSION)) return 'the token lacks Administration read, and GitHub shows classic branch protection only to admins';
  if (viewerPermission !== 'ADMIN') return `the token's user is ${viewerPermission?.toLowerCase() ?? 'without a role'} (not admin) on ${repo.fullName}, and GitHub shows classic branch protection only to admins`;
  return undefined;
}

export async function branchFacts(ctx: CollectContext, repo: RepoInfo): Promise<Section<BranchFacts>> {
  const graph = await repositoryGraph(ctx);
  if (graph.mode === 'rest') return branchFactsRest(ctx, repo);
  const entry = graph.byRepo.get(repo.fullName);
  if (!entry) return branchFactsRest(ctx, repo);
  const calls = [entry.call];
  if (entry.failure) return { ok: false, gaps: [entry.failure], calls };
  const node = entry.node!;
  const ref = node.defaultBranchRef;
  const refError = fieldError(entry, 'defaultBranchRef');
  if (refError) return { ok: false, gaps: [gapFromGraphQLError(refError, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'default-branch rules' })], calls };
  if (!ref) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'not-found', message: `${repo.fullName}: the repository has no default branch (empty repository); nothing can be evaluated.` }], calls };
  const why = classicReadable(ctx, repo, node.viewerPermission);
  if (why) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'permission', permission: ADMIN_PERMISSION, message: `${repo.fullName}: token lacks ${ADMIN_PERMISSION}: ${why}, so the branch rules cannot be known (not treated as unprotected).` }], calls };
  if (!ref.rules) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub returned no ruleset data for ${ref.name}.` }], calls };
  if (ref.rules.totalCount > ref.rules.nodes.length) {
    return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: ${ref.rules.totalCount} rules apply to ${ref.name}, more than soc2 reads in one query (${ref.rules.nodes.length}).` }], calls };
  }
  return {
    ok: true,
    value: { branch: ref.name, classic: ref.branchProtectionRule ? normaliseGraphClassic(ref.branchProtectionRule) : null, rules: ref.rules.nodes.map(normaliseGraphRule) },
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

async function branchFactsRest(ctx: CollectContext, repo: RepoInfo): Promise<Section<BranchFacts>> {
  return ctx.memo(`github:rest:branch:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    const owner = repo.fullName.split('/')[0]!;
    const r = { owner, repo: repo.name, branch: repo.defaultBranch };
    let classic: ClassicProtection | null;
    try {
      const { data } = await restGet<Record<string, unknown>>(ctx, calls, '/repos/{owner}/{repo}/branches/{branch}/protection', r);
      classic = normaliseRestClassic(data);
    } catch (e) {
      // Only this exact answer means "no classic protection"; any other 404 or 403 is a gap.
      if (errorStatus(e) === 404 && errorMessage(e) === 'Branch not protected') classic = null;
      else return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'classic branch protection', operation: 'GET /repos/{owner}/{repo}/branches/{branch}/protection' })], calls };
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
        const { data } = await restGet<{ name: string; bypass_actors?: Array<{ actor_id: number | null; actor_type: string; bypass_mode: string }> }>(ctx, calls, '/repos/{owner}/{repo}/rulesets/{ruleset_id}', { owner, repo: repo.name, ruleset_id: id });
        rulesets.set(id, {
          name: data.name,
          // bypass_actors is only returned to those who can edit the ruleset: absent means unknown.
          bypass: data.bypass_actors ? data.bypass_actors.map((b) => ({ actor: b.actor_type === 'RepositoryRole' ? `RepositoryRole:${b.actor_id}` : b.actor_type === 'Team' || b.actor_type === 'Integration' ? `${b.actor_type}:${b.actor_id}` : b.actor_type, mode: b.bypass_mode })) : null,
        });
      } catch (e) {
        return { ok: false, gaps: [gapFromError(e, { resource: repo.fullName, permission: 'github:metadata:read', what: `ruleset ${id}`, operation: 'GET /repos/{owner}/{repo}/rulesets/{ruleset_id}' })], calls };
      }
    }
    const rules: RuleFact[] = raw.map((x) => {
      const p = x.parameters ?? {};
      return {
        type: x.type,
        ...(x.type === 'pull_request'
          ? { requiredApprovals: Number(p['required_approving_review_count'] ?? 0), dismissStale: p['dismiss_stale_reviews_on_push'] === true, codeOwners: p['require_code_owner_review'] === true, lastPushApproval: p['require_last_push_approval'] === true }
          : {}),
        ...(x.type === 'required_status_checks'
          ? { statusChecks: ((p['required_status_checks'] as Array<{ context: string }>) ?? []).map((c) => c.context), strict: p['strict_required_status_checks_policy'] === true }
          : {}),
        rulesetId: x.ruleset_id,
        rulesetName: rulesets.get(x.ruleset_id)?.name ?? '',
        sourceType: x.ruleset_source_type,
        source: x.ruleset_source,
        bypass: rulesets.get(x.ruleset_id)?.bypass ?? null,
      };
    });
    return { ok: true as const, value: { branch: repo.defaultBranch, classic, rules }, calls };
  });
}

function normaliseRestClassic(d: Record<string, unknown>): ClassicProtection {
  const pr = d['required_pull_request_reviews'] as Record<string, unknown> | undefined;
  const sc = d['required_status_checks'] as { strict?: boolean; contexts?: string[] } | undefined;
  const enabled = (k: string) => (d[k] as { enabled?: boolean } | undefined)?.enabled === true;
  return {
    requiredApprovals: pr ? Number(pr['required_approving_review_count'] ?? 0) : null,
    dismissStale: pr?.['dismiss_stale_reviews'] === true,
    codeOwners: pr?.['require_code_owner_reviews'] === true,
    lastPushApproval: pr?.['require_last_push_approval'] === true,
    statusChecks: sc ? (sc.contexts ?? []) : null,
    strict: sc?.strict === true,
    signatures: enabled('required_signatures'),
    linearHistory: enabled('required_linear_history'),
    allowForcePushes: enabled('allow_force_pushes'),
    allowDeletions: enabled('allow_deletions'),
    enforceAdmins: enabled('enforce_admins'),
  };
}

// ------------------------------------------------------------------------------------- dependabot

const DEPENDABOT_PERMISSION = 'github:dependabot_alerts:read';

export async function dependabotFacts(ctx: CollectContext, repo: RepoInfo): Promise<Section<DependabotFacts>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  if (!entry) return dependabotFactsRest(ctx, repo);
  const calls = [entry.call];
  if (entry.failure) return { ok: false, gaps: [entry.failure], calls };
  const node = entry.node!;
  const enabledErr = fieldError(entry, 'hasVulnerabilityAlertsEnabled');
  const alertsErr = fieldError(entry, 'vulnerabilityAlerts');
  if (alertsErr) return { ok: false, gaps: [gapFromGraphQLError(alertsErr, { resource: repo.fullName, permission: DEPENDABOT_PERMISSION, what: 'Dependabot alerts' })], calls };
  if (enabledErr || node.hasVulnerabilityAlertsEnabled === null) {
    // GraphQL hides the switch from non-admins; the REST alert list tells enabled from disabled by its 403 text.
    return dependabotFactsRest(ctx, repo);
  }
  const alerts = node.vulnerabilityAlerts;
  if (!alerts) return { ok: false, gaps: [{ resource: repo.fullName, kind: 'other', message: `${repo.fullName}: GitHub returned no Dependabot alert data.` }], calls };
  if (alerts.totalCount > alerts.nodes.length) {
    // More than one page: read the full list through REST rather than page GraphQL per repository.
    return dependabotFactsRest(ctx, repo);
  }
  return {
    ok: true,
    value: {
      enabled: node.hasVulnerabilityAlertsEnabled === true,
      open: alerts.nodes.map((a) => {
        const v = (a['securityVulnerability'] ?? {}) as { severity?: string; package?: { name?: string; ecosystem?: string } };
        const adv = (a['securityAdvisory'] ?? {}) as { ghsaId?: string; summary?: string };
        return { number: Number(a['number']), severity: String(v.severity ?? 'unknown').toLowerCase(), package: v.package?.name ?? '', ecosystem: String(v.package?.ecosystem ?? '').toLowerCase(), advisory: adv.ghsaId ?? '', summary: adv.summary ?? '', createdAt: String(a['createdAt']) };
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

async function dependabotFactsRest(ctx: CollectContext, repo: RepoInfo): Promise<Section<DependabotFacts>> {
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
            severity: (a.security_vulnerability?.severity ?? a.security_advisory?.severity ?? 'unknown').toLowerCase(),
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
      // This exact 403 text is GitHub saying the feature is off; every other 403 is the token.
      if (errorStatus(e) === 403 && /Dependabot alerts are disabled/i.test(errorMessage(e))) return { ok: true as const, value: { enabled: false, open: [] }, calls };
      return { ok: false as const, gaps: [gapFromError(e, { resource: repo.fullName, permission: DEPENDABOT_PERMISSION, what: 'Dependabot alerts', operation: 'GET /repos/{owner}/{repo}/dependabot/alerts' })], calls };
    }
  });
}

// ------------------------------------------------------------------------------------- access

export async function deployKeyFacts(ctx: CollectContext, repo: RepoInfo): Promise<Section<DeployKeyFact[]>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  if (entry && !entry.failure && entry.node?.deployKeys && entry.node.deployKeys.totalCount <= entry.node.deployKeys.nodes.length) {
    return { ok: true, value: entry.node.deployKeys.nodes.map((k) => ({ title: k.title, readOnly: k.readOnly, createdAt: k.createdAt })), calls: [entry.call] };
  }
  if (entry?.failure) return { ok: false, gaps: [entry.failure], calls: [entry.call] };
  const err = entry && fieldError(entry, 'deployKeys');
  if (entry && err) return { ok: false, gaps: [gapFromGraphQLError(err, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'deploy keys' })], calls: [entry.call] };
  return ctx.memo(`github:rest:keys:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    try {
      const keys = await restList<{ title: string; read_only: boolean; created_at: string }>(ctx, calls, '/repos/{owner}/{repo}/keys', { owner: repo.fullName.split('/')[0]!, repo: repo.name });
      return { ok: true as const, value: keys.map((k) => ({ title: k.title, readOnly: k.read_only, createdAt: k.created_at })), calls };
    } catch (e) {
      return { ok: false as const, gaps: [gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'deploy keys', operation: 'GET /repos/{owner}/{repo}/keys' })], calls };
    }
  });
}

export async function outsideCollaboratorFacts(ctx: CollectContext, repo: RepoInfo): Promise<Section<CollaboratorFact[]>> {
  const graph = await repositoryGraph(ctx);
  const entry = graph.mode === 'graphql' ? graph.byRepo.get(repo.fullName) : undefined;
  const oc = entry?.node?.outsideCollaborators;
  if (entry && !entry.failure && oc && oc.totalCount <= oc.edges.length) {
    return { ok: true, value: oc.edges.map((e) => ({ login: e.node.login, permission: e.permission.toLowerCase() })), calls: [entry.call] };
  }
  if (entry?.failure) return { ok: false, gaps: [entry.failure], calls: [entry.call] };
  const err = entry && fieldError(entry, 'outsideCollaborators');
  if (entry && err) return { ok: false, gaps: [gapFromGraphQLError(err, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'outside collaborators (GitHub shows them to users with push access)' })], calls: [entry.call] };
  return ctx.memo(`github:rest:outside:${repo.fullName}`, async (ctx) => {
    const calls: ApiCall[] = [];
    try {
      const list = await restList<{ login: string; role_name?: string; permissions?: Record<string, boolean> }>(ctx, calls, '/repos/{owner}/{repo}/collaborators', { owner: repo.fullName.split('/')[0]!, repo: repo.name, affiliation: 'outside' });
      return { ok: true as const, value: list.map((c) => ({ login: c.login, permission: roleName(c) })), calls };
    } catch (e) {
      return { ok: false as const, gaps: [gapFromError(e, { resource: repo.fullName, permission: ADMIN_PERMISSION, what: 'outside collaborators', operation: 'GET /repos/{owner}/{repo}/collaborators' })], calls };
    }
  });
}

function roleName(c: { role_name?: string; permissions?: Record<string, boolean> }): string {
  if (c.role_name) return c.role_name === 'push' ? 'write' : c.role_name === 'pull' ? 'read' : c.role_name;
  const p = c.permissions ?? {};
  return p['admin'] ? 'admin' : p['maintain'] ? 'maintain' : p['push'] ? 'write' : p['triage'] ? 'triage' : 'read';
}
