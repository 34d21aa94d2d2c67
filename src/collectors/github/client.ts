/**
 * The one Octokit factory: token from the environment, base URL from the config or
 * GITHUB_API_URL (GitHub Enterprise Server works) under the rules of endpoint.ts, throttling and
 * retry plugins, ETag conditional requests cached on disk, a user agent naming soc2, a request
 * hook that keeps the token on the API's origin — and, before any collector runs, what the token
 * can do. This is the only module that loads Octokit at runtime.
 */
import { randomUUID } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { CollectorError, UsageError } from '../../errors.js';
import { TOKEN_ENV_NAME, type GitHubSettings } from '../../config/schema.js';
import type { ApiCall } from '../types.js';
import { probeCapabilities, probeIdentity } from './capabilities.js';
import { cachingFetch } from './etag-cache.js';
import { completeJsonFetch } from './complete-json.js';
import { plainJsonAnswers } from './plain-json.js';
import { endpointError, refuseForeignOrigin, resolveGitHubApiUrl } from './endpoint.js';
import { errorStatus } from '../../util/error-status.js';
import { serialGate } from './gate.js';
import { appInstallationClient, type AppIdentity, type AppOctokitAuth } from './app-auth.js';

const Soc2OctokitClass = Octokit.plugin(plainJsonAnswers, throttling, retry);
export type Soc2Octokit = InstanceType<typeof Soc2OctokitClass>;

export interface RateBudget {
  limit: number;
  remaining: number;
  used: number;
  /** ISO time the budget resets. */
  resetAt: string;
}

/** What the token can do, learned once at start. */
export interface TokenCapabilities {
  /** From the token's prefix and headers: classic PATs and OAuth tokens carry x-oauth-scopes. */
  tokenType: 'classic' | 'fine-grained' | 'app' | 'unknown';
  /** Classic scopes from x-oauth-scopes (absent for fine-grained and app tokens). */
  scopes?: string[];
  /** Permission strings (collectors' vocabulary) the token was seen to have. */
  granted: string[];
  /** Permission strings the token is known to lack; controls needing them end in error. */
  missing: string[];
  /** Permission strings that could not be tested (e.g. no repository to probe). */
  untested: string[];
  /** Primary rate-limit budgets at start. */
  rateLimit: { core?: RateBudget; graphql?: RateBudget; search?: RateBudget };
  /** API base URL (no token). */
  apiUrl: string;
  /** Explanations worth printing (which probe said what). */
  notes: string[];
  /** The requests the probe made (for the data-handling statement). */
  calls: ApiCall[];
}

/** Who the token acts as, for the run's provenance. */
export interface TokenIdentity {
  /** From the token's prefix and the x-oauth-scopes header (or GitHub's answer to GET /user). */
  tokenKind: 'classic' | 'fine-grained' | 'app-installation' | 'app-user' | 'unknown';
  /** The user's login; null when GitHub did not say (an installation token has none). */
  login: string | null;
  /** Why the login is unknown, when it is. */
  reason?: string;
  /** The GitHub App and installation, when the run authenticated as one (app-auth.ts). */
  app?: AppIdentity;
  calls: ApiCall[];
}

/** What GitHub collectors find on `ctx.github`. */
export interface GitHubContext {
  org: string;
  /** Repository include/exclude globs from the config. */
  repos: { include: string[]; exclude: string[]; includeForks: boolean };
  /**
   * `soc2 run --shard`: set for collectors that split by repository; the repository list keeps
   * only the repositories this shard evaluates (src/engine/shard.ts). Absent: every repository.
   */
  inShard?(fullName: string): boolean;
  octokit: Soc2Octokit;
  /** What the token can do, learned once at start. */
  capabilities: TokenCapabilities;
  /** Who the token acts as and what kind of token it is, learned once at start (never fatal). */
  identity?: TokenIdentity;
}

/** Longest primary rate-limit wait the client sits out before reporting the evidence incomplete. */
const MAX_PRIMARY_WAIT_SECONDS = 15 * 60;
/**
 * Spacing between the starts of GraphQL queries. The plugin's default of 1 s is meant for
 * mutations; these are reads, which GitHub's secondary limit counts at 1 point each against 2,000
 * points a minute (one per 30 ms). 40 ms keeps a quarter of that budget spare. It was 250 ms, and
 * that wait, not soc2's own work, was most of the change population's time: 456 searches for 20,000
 * pull requests spent 114 s waiting on it.
 */
const GRAPHQL_SPACING_MS = 40;

export function findToken(settings: Pick<GitHubSettings, 'tokenEnv'>, env: NodeJS.ProcessEnv): { token: string; from: string } | undefined {
  // The schema already refuses other names; settings built in code get the same rule.
  if (settings.tokenEnv && !TOKEN_ENV_NAME.test(settings.tokenEnv)) {
    throw new UsageError(`github.tokenEnv names ${settings.tokenEnv}, which does not start with GITHUB_, GH_ or SOC2_.`, 'Put the GitHub token in a variable whose name starts with GITHUB_, GH_ or SOC2_ and name that one.');
  }
  const names = settings.tokenEnv ? [settings.tokenEnv] : ['GITHUB_TOKEN', 'GH_TOKEN'];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { token: value, from: name };
  }
  return undefined;
}

export type OctokitOptions = OctokitCommonOptions & (
  | { token: string; appAuth?: undefined }
  /** A GitHub App (app-auth.ts): auth-app signs JWTs and mints installation tokens per request. */
  | { token?: undefined; appAuth: AppOctokitAuth }
);

export interface OctokitCommonOptions {
  apiUrl: string;
  userAgent: string;
  cacheDir: string;
  /** ETag cache budget in bytes (default: the cache's own; 0: no cache). */
  cacheMaxBytes?: number;
  progress?: (msg: string) => void;
  /** Injected fetch (tests); defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * How long one second of the client's waiting lasts, in ms (default 1000): the retry plugin's
   * backoff (1, 4, 9 s), the throttling plugin's waits (retry-after, the primary reset) and the
   * spacing of GraphQL queries. Whether to wait at all is still decided on GitHub's seconds.
   * Tests only, as AwsClientOptions.retryDelayMs is for AWS.
   */
  waitUnitMs?: number;
}

export function createOctokit(opts: OctokitOptions): Soc2Octokit {
  const say = opts.progress ?? (() => {});
  const cache = cachingFetch({
    dir: opts.cacheDir,
    token: opts.appAuth ? opts.appAuth.cacheSecret : opts.token,
    // Inside the cache: an answer that broke off is neither cached nor handed to Octokit.
    inner: completeJsonFetch(opts.fetch ?? globalThis.fetch),
    note: say,
    ...(opts.cacheMaxBytes !== undefined ? { maxBytes: opts.cacheMaxBytes } : {}),
  });
  const gate = serialGate((GRAPHQL_SPACING_MS * (opts.waitUnitMs ?? 1000)) / 1000);
  const octokit = new Soc2OctokitClass({
    ...(opts.appAuth ? { authStrategy: opts.appAuth.authStrategy, auth: opts.appAuth.auth } : { auth: opts.token }),
    baseUrl: opts.apiUrl,
    userAgent: opts.userAgent,
    request: { fetch: cache.fetch },
    log: { debug: () => {}, info: () => {}, warn: (m: string) => say(`GitHub: ${m}`), error: (m: string) => say(`GitHub: ${m}`) },
    throttle: {
      // A private id keeps Bottleneck's process-wide groups from mixing two contexts' queues.
      id: `soc2-${randomUUID()}`,
      ...(opts.waitUnitMs !== undefined ? { retryAfterBaseValue: opts.waitUnitMs } : {}),
      // The plugin spaces every /graphql request by 1 s as if it were a write; ours are queries,
      // spaced by GRAPHQL_SPACING_MS instead (GitHub's secondary limit is 2,000 points/min).
      write: gate as never,
      onRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        const ok = retryCount < 2 && retryAfter <= MAX_PRIMARY_WAIT_SECONDS;
        say(`GitHub primary rate limit reached on ${options.method} ${options.url}; ${ok ? `waiting ${retryAfter}s` : 'giving up (the evidence will be incomplete)'}`);
        return ok;
      },
      onSecondaryRateLimit: (retryAfter: number, options: { method: string; url: string }, _o: unknown, retryCount: number) => {
        const ok = retryCount < 3;
        say(`GitHub secondary rate limit on ${options.method} ${options.url}; ${ok ? `waiting ${retryAfter}s as retry-after asks` : 'giving up'}`);
        return ok;
      },
    },
    retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 451], ...(opts.waitUnitMs !== undefined ? { retryAfterBaseValue: opts.waitUnitMs } : {}) },
  });
  // Registered last, so it runs first: before throttling, retries and the token are applied. A
  // pagination Link (or any URL from an answer) to another host is refused, never followed.
  const allowed = refuseForeignOrigin(new URL(opts.apiUrl).origin);
  octokit.hook.before('request', (options) => {
    allowed(octokit.request.endpoint.parse(options).url);
  });
  return octokit;
}

export async function createGitHubContext(
  settings: GitHubSettings,
  opts: { env: NodeJS.ProcessEnv; userAgent: string; cacheDir: string; progress?: (msg: string) => void; fetch?: typeof fetch; now?: () => Date; waitUnitMs?: number; clock?: () => Date },
): Promise<GitHubContext> {
  const endpoint = resolveGitHubApiUrl(settings.apiUrl, opts.env);
  if (!endpoint.ok) throw endpointError(endpoint);
  const apiUrl = endpoint.url;
  const common: OctokitCommonOptions = {
    apiUrl,
    userAgent: opts.userAgent,
    cacheDir: opts.cacheDir,
    cacheMaxBytes: Math.round(settings.cacheMaxMegabytes * 1024 * 1024),
    ...(opts.progress ? { progress: opts.progress } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.waitUnitMs !== undefined ? { waitUnitMs: opts.waitUnitMs } : {}),
  };
  // GitHub App authentication (GITHUB_APP_*), or undefined when it is not asked for.
  const app = await appInstallationClient(settings, { env: opts.env, apiUrl, client: (appAuth) => createOctokit({ ...common, appAuth }), ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.progress ? { progress: opts.progress } : {}) });
  const found = app ?? findToken(settings, opts.env);
  if (!found) {
    const looked = settings.tokenEnv ? settings.tokenEnv : 'GITHUB_TOKEN and GH_TOKEN';
    throw new CollectorError(
      `No GitHub token: ${looked} ${settings.tokenEnv ? 'is' : 'are'} not set.`,
      'credentials',
      `Set ${settings.tokenEnv ?? 'GITHUB_TOKEN'} to a token with read access to ${settings.org} (\`soc2 permissions\` lists what it needs), or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY for a GitHub App.`,
    );
  }
  const octokit = app?.octokit ?? createOctokit({ ...common, token: found.token });

  let capabilities: TokenCapabilities;
  try {
    capabilities = await probeCapabilities(octokit, { org: settings.org, apiUrl, token: found.token, scope: { ...settings.repos, includeForks: settings.includeForks }, ...(opts.now ? { now: opts.now } : {}) });
  } catch (e) {
    const status = errorStatus(e);
    if (status === 401) {
      throw new UsageError(
        `GitHub rejected the token in ${found.from} (401 Bad credentials) at ${apiUrl}.`,
        `Create a new token (or check that ${found.from} holds the whole token and that the API URL is right), then run again.`,
      );
    }
    if (e instanceof UsageError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new CollectorError(`Could not reach GitHub at ${apiUrl}: ${message}`, status && status >= 500 ? 'unavailable' : 'other', 'Check the network and GITHUB_API_URL, then run again.', { cause: e });
  }
  opts.progress?.(describe(capabilities, found.from));
  const identity = app?.identity ?? await probeIdentity(octokit, { apiUrl, token: found.token, capabilities, ...(opts.now ? { now: opts.now } : {}) });
  return { org: settings.org, repos: { ...settings.repos, includeForks: settings.includeForks }, octokit, capabilities, identity };
}

function describe(c: TokenCapabilities, from: string): string {
  const budget = (b?: RateBudget) => (b ? `${b.remaining}/${b.limit}` : 'unknown');
  const parts = [`GitHub token from ${from} (${c.tokenType}${c.scopes ? `; scopes: ${c.scopes.join(', ') || 'none'}` : ''})`, `REST budget ${budget(c.rateLimit.core)}, GraphQL ${budget(c.rateLimit.graphql)}`];
  if (c.missing.length) parts.push(`lacks ${c.missing.join(', ')}`);
  return parts.join('; ');
}
