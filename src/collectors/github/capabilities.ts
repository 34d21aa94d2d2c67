/**
 * Learns, once at start, what the token can do: classic tokens by their x-oauth-scopes header,
 * fine-grained and app tokens by one cheap probe per permission against a repository in scope
 * (GitHub offers no endpoint that lists a fine-grained token's permissions). Also reads the
 * rate-limit budget (GET /rate_limit costs nothing). A 401 here propagates: the caller turns it
 * into a usage error.
 */
import { UsageError } from '../../errors.js';
import type { ApiCall } from '../types.js';
import type { RateBudget, Soc2Octokit, TokenCapabilities, TokenIdentity } from './client.js';
import { classicScopesGranting, GITHUB_PERMISSIONS, type GitHubPermission } from './permissions.js';
import { outOfScopeReason, type RepoScope } from './scope.js';
import { errorMessage } from './http.js';
import { errorStatus } from '../../util/error-status.js';

type Verdict = 'granted' | 'missing' | 'untested';

interface Answer {
  data: unknown;
  headers: Record<string, unknown>;
  status: number;
}
type Request = (route: string, params?: Record<string, unknown>) => Promise<Answer>;

/**
 * octokit.request that also notes each request (route, parameters, time, status, request id), so
 * the data-handling statement can count the reads made before any collector ran.
 */
function recordingRequest(octokit: Soc2Octokit, calls: ApiCall[], host: string, now: () => Date): Request {
  return async (route, params = {}) => {
    const call: ApiCall = { source: 'github-rest', operation: route, params, at: now().toISOString(), host };
    calls.push(call);
    try {
      const res = (await octokit.request(route, params)) as unknown as Answer;
      call.status = res.status;
      const id = res.headers['x-github-request-id'];
      if (id !== undefined) call.requestId = String(id);
      return res;
    } catch (e) {
      const status = errorStatus(e);
      if (status !== undefined) call.status = status;
      throw e;
    }
  };
}

function tokenTypeFromPrefix(token: string): TokenCapabilities['tokenType'] {
  if (token.startsWith('github_pat_')) return 'fine-grained';
  if (token.startsWith('ghs_') || token.startsWith('ghu_')) return 'app';
  if (token.startsWith('ghp_') || token.startsWith('gho_')) return 'classic';
  return 'unknown';
}

/**
 * Runs one probe: a read that succeeds, or fails for a reason other than permission, proves access.
 * `featureOff` tells, from documented facts, a refusal that means "the feature is off on this
 * repository" when GitHub's wording (which its description does not fix) is not recognised.
 */
async function probe(read: () => Promise<unknown>, featureOff: (e: unknown) => Promise<boolean> = async () => false): Promise<{ verdict: Verdict; why: string }> {
  try {
    await read();
    return { verdict: 'granted', why: 'read succeeded' };
  } catch (e) {
    const status = errorStatus(e);
    const message = errorMessage(e);
    // The feature is off, but GitHub let the token ask: the permission is there.
    if ((status === 403 && /disabled for this repository|must be enabled|not enabled/i.test(message)) || (status === 404 && /no analysis found/i.test(message)) || status === 409) {
      return { verdict: 'granted', why: message };
    }
    if ((status === 403 || status === 404) && (await featureOff(e).catch(() => false))) return { verdict: 'granted', why: `${status} ${message} (the feature is off on the probed repository)` };
    if (status === 403 || status === 404) return { verdict: 'missing', why: `${status} ${message}` };
    return { verdict: 'untested', why: `${status ?? 'network'} ${message}` };
  }
}

function budget(r: { limit: number; remaining: number; used?: number; reset: number } | undefined): RateBudget | undefined {
  if (!r) return undefined;
  return { limit: r.limit, remaining: r.remaining, used: r.used ?? r.limit - r.remaining, resetAt: new Date(r.reset * 1000).toISOString() };
}

export async function probeCapabilities(
  octokit: Soc2Octokit,
  opts: { org: string; apiUrl: string; token: string; scope: RepoScope; now?: () => Date },
): Promise<TokenCapabilities> {
  const calls: ApiCall[] = [];
  const request = recordingRequest(octokit, calls, hostOfUrl(opts.apiUrl), opts.now ?? (() => new Date()));
  // GHES with rate limiting switched off answers /rate_limit with 404; any other failure (401!) propagates.
  let resources: Record<string, { limit: number; remaining: number; used?: number; reset: number } | undefined> = {};
  let headers: Record<string, unknown> = {};
  try {
    const rate = await request('GET /rate_limit');
    resources = (rate.data as { resources: typeof resources }).resources;
    headers = rate.headers as Record<string, unknown>;
  } catch (e) {
    if (errorStatus(e) !== 404) throw e;
  }

  let orgData: Record<string, unknown>;
  try {
    const res = await request('GET /orgs/{org}', { org: opts.org });
    orgData = res.data as Record<string, unknown>;
    if (!('x-oauth-scopes' in headers)) headers = res.headers as Record<string, unknown>;
  } catch (e) {
    if (errorStatus(e) === 404) {
      throw new UsageError(`GitHub organisation "${opts.org}" was not found at ${opts.apiUrl}, or the token cannot see it.`, 'Check github.org in soc2.config.yaml and that the token belongs to a member of the organisation.');
    }
    throw e;
  }
  const scopesHeader = headers['x-oauth-scopes'];
  const scopes = typeof scopesHeader === 'string' ? scopesHeader.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
  const tokenType = scopes ? 'classic' : tokenTypeFromPrefix(opts.token) === 'classic' ? 'unknown' : tokenTypeFromPrefix(opts.token);

  const verdicts = new Map<GitHubPermission, Verdict>();
  const notes: string[] = [];
  const set = (p: GitHubPermission, v: Verdict, why?: string) => {
    verdicts.set(p, v);
    if (why && v !== 'granted') notes.push(`${p}: ${why}`);
  };
  set('github:metadata:read', 'granted');

  // Full organisation details are shown to owners only; their absence is the test.
  const ownerView = 'two_factor_requirement_enabled' in orgData;

  if (scopes) {
    for (const p of Object.keys(GITHUB_PERMISSIONS) as GitHubPermission[]) {
      if (p === 'github:metadata:read') continue;
      const ok = classicScopesGranting(p).some((s) => scopes.includes(s));
      set(p, ok ? 'granted' : 'missing', ok ? undefined : `the token's scopes (${scopes.join(', ') || 'none'}) do not include ${GITHUB_PERMISSIONS[p].classicScope}`);
    }
    if (!ownerView && verdicts.get('github:org_administration:read') === 'granted') {
      set('github:org_administration:read', 'missing', 'GitHub hides organisation settings: the token\'s user is not an organisation owner');
    }
  } else {
    set('github:org_administration:read', ownerView ? 'granted' : 'missing', ownerView ? undefined : 'GET /orgs/{org} came back without owner-only settings (organisation Administration read, and an owner, are needed)');
    const members = await probe(() => request('GET /orgs/{org}/members', { org: opts.org, per_page: 1 }));
    set('github:org_members:read', members.verdict, members.why);

    const sample = await sampleRepository(request, opts.org, opts.scope);
    const repoPerms: GitHubPermission[] = [
      'github:administration:read',
      'github:webhooks:read',
      'github:dependabot_alerts:read',
      'github:code_scanning_alerts:read',
      'github:contents:read',
      'github:pull_requests:read',
      'github:statuses:read',
      'github:checks:read',
    ];
    if (!sample) {
      for (const p of repoPerms) set(p, 'untested', 'no repository in scope to probe');
    } else {
      const r = { owner: opts.org, repo: sample.name };
      const ref = sample.defaultBranch;
      const refParam = ref ?? '';
      const probes: Record<string, () => Promise<unknown>> = {
        'github:administration:read': () => request('GET /repos/{owner}/{repo}/actions/permissions', r),
        'github:webhooks:read': () => request('GET /repos/{owner}/{repo}/hooks', { ...r, per_page: 1 }),
        'github:dependabot_alerts:read': () => request('GET /repos/{owner}/{repo}/dependabot/alerts', { ...r, per_page: 1 }),
        'github:code_scanning_alerts:read': () => request('GET /repos/{owner}/{repo}/code-scanning/alerts', { ...r, per_page: 1 }),
        'github:contents:read': () => request('GET /repos/{owner}/{repo}/commits', { ...r, per_page: 1 }),
        'github:pull_requests:read': () => request('GET /repos/{owner}/{repo}/pulls', { ...r, state: 'closed', per_page: 1 }),
        'github:statuses:read': () => request('GET /repos/{owner}/{repo}/commits/{ref}/status', { ...r, ref: refParam }),
        'github:checks:read': () => request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ...r, ref: refParam, per_page: 1 }),
      };
      // Without the default branch (optional in GitHub's description) a probe on a guessed ref would 404 and read as "missing".
      const needsRef = new Set<GitHubPermission>(['github:statuses:read', 'github:checks:read']);
      // Refusals that mean "off here" to a user who administers the probed repository (as the collectors read them).
      const featureOff: Partial<Record<GitHubPermission, (e: unknown) => Promise<boolean>>> = {
        // GET …/vulnerability-alerts answers 404 when Dependabot alerts are off (204 when on).
        'github:dependabot_alerts:read': async (e) => {
          if (errorStatus(e) !== 403 || !sample.admin) return false;
          try {
            await request('GET /repos/{owner}/{repo}/vulnerability-alerts', r);
            return false;
          } catch (switchError) {
            return errorStatus(switchError) === 404;
          }
        },
        // 404 to an admin: never analysed; 403 on a private repository without Advanced Security: not on the plan.
        'github:code_scanning_alerts:read': async (e) => sample.admin && (errorStatus(e) === 404 || (errorStatus(e) === 403 && sample.private && sample.advancedSecurity === 'disabled')),
      };
      const results = await Promise.all(repoPerms.map(async (p) => [p, ref === null && needsRef.has(p) ? { verdict: 'untested' as const, why: 'the repository list did not name the default branch' } : await probe(probes[p]!, featureOff[p])] as const));
      for (const [p, res] of results) set(p, res.verdict, `${res.why} (probed on ${opts.org}/${sample.name})`);
      if (!sample.admin) notes.push(`the token's user is not an admin of ${opts.org}/${sample.name}; admin-only settings may be hidden on other repositories too`);
    }
  }

  const pick = (v: Verdict) => [...verdicts].filter(([, x]) => x === v).map(([p]) => p);
  return {
    tokenType,
    ...(scopes ? { scopes } : {}),
    granted: pick('granted'),
    missing: pick('missing'),
    untested: pick('untested'),
    rateLimit: {
      ...(budget(resources['core']) ? { core: budget(resources['core'])! } : {}),
      ...(budget(resources['graphql']) ? { graphql: budget(resources['graphql'])! } : {}),
      ...(budget(resources['search']) ? { search: budget(resources['search'])! } : {}),
    },
    apiUrl: opts.apiUrl,
    notes,
    calls,
  };
}

function hostOfUrl(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * What kind of token it is and whom it acts as. GET /user answers for a user's token (classic,
 * fine-grained, an app acting for a user); an app installation token acts as the app, and GitHub
 * answers it 403 "Resource not accessible by integration", so for a `ghs_` token the request is
 * not made. A failure is recorded as the reason the login is unknown, never thrown: who ran the
 * tool is provenance, not evidence a control depends on.
 */
export async function probeIdentity(
  octokit: Soc2Octokit,
  opts: { apiUrl: string; token: string; capabilities: Pick<TokenCapabilities, 'scopes'>; now?: () => Date },
): Promise<TokenIdentity> {
  let tokenKind = tokenKindOf(opts.token, opts.capabilities.scopes !== undefined);
  if (tokenKind === 'app-installation') {
    return { tokenKind, login: null, reason: 'an app installation token acts as the GitHub App, not as a user, so it has no login (GitHub answers GET /user with 403 for it)', calls: [] };
  }
  const calls: ApiCall[] = [];
  const request = recordingRequest(octokit, calls, hostOfUrl(opts.apiUrl), opts.now ?? (() => new Date()));
  try {
    const res = await request('GET /user');
    const login = (res.data as { login?: unknown }).login;
    if (typeof login !== 'string' || login === '') return { tokenKind, login: null, reason: 'GET /user answered without a login', calls };
    return { tokenKind, login, calls };
  } catch (e) {
    const status = errorStatus(e);
    const message = errorMessage(e);
    if (status === 403 && /not accessible by integration/i.test(message)) {
      tokenKind = 'app-installation';
      return { tokenKind, login: null, reason: 'GitHub answered GET /user with 403 "Resource not accessible by integration": the token is an app installation token, which acts as the app, not as a user', calls };
    }
    return { tokenKind, login: null, reason: `GET /user failed: ${status ?? 'network error'} ${message}`, calls };
  }
}

/** GitHub's token prefixes (github.blog, 2021-04-05 "Behind GitHub's new authentication token formats"). */
export function tokenKindOf(token: string, hasScopesHeader: boolean): TokenIdentity['tokenKind'] {
  if (token.startsWith('github_pat_')) return 'fine-grained';
  if (token.startsWith('ghs_')) return 'app-installation';
  if (token.startsWith('ghu_')) return 'app-user';
  if (hasScopesHeader || token.startsWith('ghp_') || token.startsWith('gho_')) return 'classic';
  return 'unknown';
}

/** A repository in scope to probe, preferring one the user administers (so a 403 means the token, not the role). */
interface SampleRepository {
  name: string;
  defaultBranch: string | null;
  admin: boolean;
  private: boolean;
  /** security_and_analysis.advanced_security.status, when GitHub showed it. */
  advancedSecurity?: string;
}

async function sampleRepository(request: Request, org: string, scope: RepoScope): Promise<SampleRepository | undefined> {
  const page = await request('GET /orgs/{org}/repos', { org, per_page: 100 });
  type Listed = { name: string; full_name: string; fork: boolean; private: boolean; archived?: boolean; default_branch?: string; permissions?: { admin?: boolean }; security_and_analysis?: { advanced_security?: { status?: string } } | null };
  const candidates = (page.data as Listed[])
    .filter((r) => !r.archived && !outOfScopeReason({ name: r.name, fullName: r.full_name, fork: r.fork }, scope))
    .map((r): SampleRepository => {
      const advanced = r.security_and_analysis?.advanced_security?.status;
      return { name: r.name, defaultBranch: r.default_branch ?? null, admin: r.permissions?.admin === true, private: r.private, ...(advanced ? { advancedSecurity: advanced } : {}) };
    });
  return candidates.find((c) => c.admin) ?? candidates[0];
}
