/**
 * Where the GitHub token may be sent. soc2 runs in CI on configuration files from pull requests,
 * so a configuration file alone never sends the token somewhere new:
 * - a `github.apiUrl` other than GitHub's own API is used only when the same URL is also given
 *   outside the file, by GITHUB_API_URL or `--github-api-url` (which sets it for the run);
 * - plain http:// is accepted for loopback only (127.0.0.0/8, ::1, localhost);
 * - once the client exists, no request leaves the API's origin (`refuseForeignOrigin`): a
 *   pagination Link or any other URL pointing elsewhere is refused before the token is attached.
 * No SDK import here: the CLI checks the endpoint before anything is collected.
 */
import { ConfigError, UsageError, type Soc2Error } from '../../errors.js';
import type { LoadedConfig } from '../../config/load.js';

export const GITHUB_DEFAULT_API_URL = 'https://api.github.com';

export type GitHubEndpoint =
  | { ok: true; url: string; origin: string }
  | { ok: false; message: string; remediation: string; fromConfig: boolean };

/** Thrown by the client's request hook; collectors record it as a gap naming the host. */
export class ForeignOriginError extends Error {
  override readonly name = 'ForeignOriginError';
  constructor(readonly url: string, readonly apiOrigin: string) {
    super(`refused to send the GitHub token to ${originOf(url)}: only ${apiOrigin}, the configured API, receives it (a pagination link or URL in GitHub's answer pointed elsewhere)`);
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** The URL without trailing slashes, as compared and used; undefined when it is not an http(s) URL. */
function normalise(text: string): URL | undefined {
  try {
    const u = new URL(text.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

const display = (u: URL) => u.href.replace(/\/+$/, '');

/**
 * The API base URL to use: the configuration's `apiUrl` (when it is GitHub's default, or confirmed
 * by the environment), else GITHUB_API_URL, else GitHub's default — or why none may be used.
 */
export function resolveGitHubApiUrl(configured: string | undefined, env: NodeJS.ProcessEnv): GitHubEndpoint {
  const fromEnv = env['GITHUB_API_URL']?.trim() || undefined;
  const envUrl = fromEnv === undefined ? undefined : normalise(fromEnv);
  if (fromEnv !== undefined && !envUrl) {
    return { ok: false, fromConfig: false, message: `GITHUB_API_URL (or --github-api-url) is not an http(s) URL: ${JSON.stringify(fromEnv)}.`, remediation: `Set it to the API base URL, e.g. ${GITHUB_DEFAULT_API_URL} or https://github.example.com/api/v3.` };
  }
  let chosen: URL;
  let source: string;
  let fromConfig = false;
  if (configured !== undefined) {
    const cfgUrl = normalise(configured);
    if (!cfgUrl) return { ok: false, fromConfig: true, message: `github.apiUrl is not an http(s) URL: ${JSON.stringify(configured)}.`, remediation: `Write the API base URL, e.g. https://github.example.com/api/v3, or remove the key to use ${GITHUB_DEFAULT_API_URL}.` };
    const isDefault = display(cfgUrl) === GITHUB_DEFAULT_API_URL;
    if (!isDefault && (!envUrl || display(envUrl) !== display(cfgUrl))) {
      const confirm = `If ${display(cfgUrl)} is your GitHub Enterprise Server, confirm it outside the configuration file: set GITHUB_API_URL=${display(cfgUrl)} or pass --github-api-url ${display(cfgUrl)}. Otherwise remove github.apiUrl.`;
      return {
        ok: false,
        fromConfig: true,
        message: envUrl
          ? `github.apiUrl (${display(cfgUrl)}) differs from GITHUB_API_URL or --github-api-url (${display(envUrl)}); soc2 will not choose between them.`
          : `github.apiUrl is ${display(cfgUrl)}, which is not GitHub's API (${GITHUB_DEFAULT_API_URL}); a configuration file alone may not send the GitHub token to another host.`,
        remediation: confirm,
      };
    }
    chosen = cfgUrl;
    source = 'github.apiUrl';
    fromConfig = true;
  } else {
    chosen = envUrl ?? new URL(GITHUB_DEFAULT_API_URL);
    source = 'GITHUB_API_URL (or --github-api-url)';
  }
  if (chosen.username || chosen.password) {
    return { ok: false, fromConfig, message: `${source} carries a user name or password; soc2 sends only the token.`, remediation: 'Remove the credentials from the URL; the token comes from GITHUB_TOKEN or GH_TOKEN.' };
  }
  if (chosen.protocol === 'http:' && !isLoopbackHost(chosen.hostname)) {
    return { ok: false, fromConfig, message: `${source} is ${display(chosen)}: plain http:// would send the GitHub token unencrypted.`, remediation: 'Use https://. Plain http:// is accepted only for 127.0.0.1, ::1 and localhost (test servers).' };
  }
  return { ok: true, url: display(chosen), origin: chosen.origin };
}

/** A usage error (exit 2) for an endpoint that may not be used, located in the file when it came from there. */
export function endpointError(problem: Extract<GitHubEndpoint, { ok: false }>, loaded?: Pick<LoadedConfig, 'issueAt'>): Soc2Error {
  const located = problem.fromConfig ? loaded?.issueAt?.(['github', 'apiUrl'], problem.message) : undefined;
  return located ? new ConfigError([located], problem.remediation) : new UsageError(problem.message, problem.remediation);
}

/** `--github-api-url` is GITHUB_API_URL for this run: the flag confirms a configured apiUrl as the variable does. */
export function withGitHubApiUrl(env: NodeJS.ProcessEnv, flag: string | undefined): NodeJS.ProcessEnv {
  return flag === undefined ? env : { ...env, GITHUB_API_URL: flag };
}

/** For the CLI, before anything is collected or written: the configuration's GitHub endpoint may be used, or exit 2. */
export function assertGitHubEndpoint(loaded: Pick<LoadedConfig, 'config' | 'issueAt'>, env: NodeJS.ProcessEnv): void {
  if (!loaded.config.github) return;
  const endpoint = resolveGitHubApiUrl(loaded.config.github.apiUrl, env);
  if (!endpoint.ok) throw endpointError(endpoint, loaded);
}

/** Refuses, before the token is attached, any request whose origin is not the API's. */
export function refuseForeignOrigin(apiOrigin: string): (url: string) => void {
  return (url) => {
    if (originOf(url) !== apiOrigin) throw new ForeignOriginError(url, apiOrigin);
  };
}
