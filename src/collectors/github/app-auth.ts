/**
 * GitHub App authentication: GITHUB_APP_ID with GITHUB_APP_PRIVATE_KEY (or a key file in
 * GITHUB_APP_PRIVATE_KEY_FILE) and, optionally, GITHUB_APP_INSTALLATION_ID (default: the app's
 * installation on the configured organisation, GET /orgs/{org}/installation).
 *
 * @octokit/auth-app signs the app's JWT and mints installation tokens; this module adds what a
 * long audit run needs from it:
 * - tokens are renewed by their own `expires_at` (read against an injectable clock) a few minutes
 *   before they lapse, not by auth-app's fixed 59-minute guess, and a 401 on an installation token
 *   mints a new one and retries the request once (clock skew, a revoked token);
 * - the endpoint rules of endpoint.ts hold for the app flow too: every request, the JWT ones
 *   included, goes through the one Octokit factory (its origin check, retries, throttling);
 * - the private key never leaves this process: it is checked once (a malformed key is a usage
 *   error naming the variable, never echoing the key), and the ETag cache's keys derive from it
 *   rather than from tokens that change every hour;
 * - the run's identity says it ran as an app installation: app id, slug, installation id.
 * Nothing here is imported unless GITHUB_APP_ID is set (auth-app is loaded on demand).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { CollectorError, UsageError } from '../../errors.js';
import { InputFileError, readInputText } from '../../input-file.js';
import type { GitHubSettings } from '../../config/schema.js';
import type { ApiCall } from '../types.js';
import type { Soc2Octokit, TokenIdentity } from './client.js';
import { errorMessage } from './http.js';
import { errorStatus } from '../../util/error-status.js';

export const APP_ENV = {
  id: 'GITHUB_APP_ID',
  key: 'GITHUB_APP_PRIVATE_KEY',
  keyFile: 'GITHUB_APP_PRIVATE_KEY_FILE',
  installation: 'GITHUB_APP_INSTALLATION_ID',
} as const;

/** Renew an installation token this long before GitHub's expires_at (tokens live one hour). */
export const RENEW_BEFORE_MS = 5 * 60 * 1000;

export interface AppCredentials {
  appId: number;
  /** PKCS#8 PEM, as checked; never logged, never written. */
  privateKey: string;
  /** Which variable the key came from, for messages. */
  keyFrom: string;
  /** From GITHUB_APP_INSTALLATION_ID; undefined: look it up on the organisation. */
  installationId?: number;
}

/** What createOctokit needs to authenticate as the app (see client.ts). */
export interface AppOctokitAuth {
  authStrategy: unknown;
  auth: Record<string, unknown>;
  /** Secret input for the ETag cache's keys: stable across token renewals, never stored. */
  cacheSecret: string;
}

/** Who the run acts as, when it is an app installation. */
export interface AppIdentity {
  id: number;
  slug: string | null;
  installationId: number;
}

const isSet = (env: NodeJS.ProcessEnv, name: string) => Boolean(env[name]?.trim());

/** True when the environment asks for GitHub App authentication (any of its variables is set). */
export function wantsGitHubApp(env: NodeJS.ProcessEnv): boolean {
  return Object.values(APP_ENV).some((name) => isSet(env, name));
}

function positiveInteger(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

/**
 * The app's credentials from the environment, checked; undefined when none of its variables is
 * set. A half-set or malformed configuration is a usage error (exit 2) naming the variable.
 */
export function readAppCredentials(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): AppCredentials | undefined {
  if (!wantsGitHubApp(env)) return undefined;
  const idText = env[APP_ENV.id]?.trim() ?? '';
  const keyText = env[APP_ENV.key]?.trim() ? env[APP_ENV.key]! : undefined;
  const keyFile = env[APP_ENV.keyFile]?.trim() || undefined;
  const installationText = env[APP_ENV.installation]?.trim() || undefined;
  const setup = `Set ${APP_ENV.id} to the App ID from the app's settings page and ${APP_ENV.key} (the .pem's text) or ${APP_ENV.keyFile} (its path) to one of its private keys.`;
  if (!idText) {
    throw new UsageError(`${[keyText ? APP_ENV.key : '', keyFile ? APP_ENV.keyFile : '', installationText ? APP_ENV.installation : ''].filter(Boolean).join(' and ')} ${installationText && !keyText && !keyFile ? 'is' : 'are'} set, but ${APP_ENV.id} is not: soc2 cannot tell which GitHub App to authenticate as.`, `${setup} To use a token instead, unset the GITHUB_APP_* variables.`);
  }
  const appId = positiveInteger(idText);
  if (appId === undefined) throw new UsageError(`${APP_ENV.id} is ${JSON.stringify(idText)}, which is not a GitHub App ID (a positive number).`, `Copy the "App ID" from the app's settings page (Settings → Developer settings → GitHub Apps → the app) into ${APP_ENV.id}.`);
  if (keyText && keyFile) throw new UsageError(`Both ${APP_ENV.key} and ${APP_ENV.keyFile} are set; soc2 will not choose between two private keys.`, `Unset one of them.`);
  if (!keyText && !keyFile) throw new UsageError(`${APP_ENV.id} is set, but neither ${APP_ENV.key} nor ${APP_ENV.keyFile} is: the app's private key is needed to authenticate as it.`, setup);
  let installationId: number | undefined;
  if (installationText !== undefined) {
    installationId = positiveInteger(installationText);
    if (installationId === undefined) throw new UsageError(`${APP_ENV.installation} is ${JSON.stringify(installationText)}, which is not an installation id (a positive number).`, `Set it to the number at the end of the installation's settings URL (…/settings/installations/<id>), or unset it to use the app's installation on the organisation.`);
  }
  let pem: string;
  let keyFrom: string;
  if (keyFile) {
    keyFrom = `${APP_ENV.keyFile} (${keyFile})`;
    const remediation = `Point ${APP_ENV.keyFile} at the .pem file downloaded from the app's settings page.`;
    try {
      // A PEM is a few KiB; the safe reader refuses a FIFO, a device or a huge file instead of hanging on it.
      pem = readInputText(resolve(cwd, keyFile), { display: keyFile, maxBytes: 64 * 1024, what: 'private key file', remediation }).text;
    } catch (e) {
      if (!(e instanceof InputFileError)) throw e;
      throw new UsageError(`Could not read the GitHub App's private key from ${keyFrom}: ${e.issue.message.replace(/\.$/, '')}.`, remediation);
    }
  } else {
    keyFrom = APP_ENV.key;
    // CI secrets and .env files often carry the PEM on one line with literal \n.
    pem = keyText!.includes('\\n') && !keyText!.includes('\n') ? keyText!.replace(/\\n/g, '\n') : keyText!;
  }
  return { appId, privateKey: checkedKey(pem, keyFrom), keyFrom, ...(installationId !== undefined ? { installationId } : {}) };
}

/** The key as PKCS#8 PEM, or a usage error that names where it came from and never shows it. */
function checkedKey(pem: string, keyFrom: string): string {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem.trim(), format: 'pem' });
  } catch {
    const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) ? 'its PEM text does not parse (cut short, or line breaks lost?)' : 'it is not a PEM private key (no "-----BEGIN … PRIVATE KEY-----" line)';
    throw new UsageError(`The GitHub App private key in ${keyFrom} is malformed: ${hint}.`, `Use the .pem file GitHub generated for the app, whole (in a variable, keep its line breaks or write them as \\n).`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UsageError(`The GitHub App private key in ${keyFrom} is a ${key.asymmetricKeyType ?? 'non-RSA'} key; GitHub Apps sign with RSA (RS256).`, `Generate a private key on the app's settings page and use that .pem file.`);
  }
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * auth-app's token cache (get/set of its 'token|createdAt|expiresAt|…' strings) that lets a token
 * go once fewer than RENEW_BEFORE_MS remain before the expires_at GitHub gave it, by `clock`.
 */
export function expiringTokenCache(clock: () => Date, onMint: (expiresAt: string) => void) {
  const entries = new Map<string, string>();
  return {
    get(key: string): string | undefined {
      const value = entries.get(key);
      if (value === undefined) return undefined;
      const expiresAt = Date.parse(value.split('|')[2] ?? '');
      // No usable expires_at: GitHub's documented lifetime, one hour from creation.
      const createdAt = Date.parse(value.split('|')[1] ?? '');
      const deadline = Number.isFinite(expiresAt) ? expiresAt : Number.isFinite(createdAt) ? createdAt + 3600_000 : 0;
      if (deadline - clock().getTime() > RENEW_BEFORE_MS) return value;
      entries.delete(key);
      return undefined;
    },
    set(key: string, value: string): void {
      // auth-app stamps createdAt with the real clock and, within 5 s of it, retries a 401 as
      // replication lag; stamping it with `clock` keeps every time it reads on one clock.
      const fields = value.split('|');
      fields[1] = clock().toISOString();
      entries.set(key, fields.join('|'));
      onMint(fields[2] ?? 'an unknown time');
    },
    forget(): void {
      entries.clear();
    },
  };
}

export interface AppInstallation {
  /** The first installation token (ghs_…), for the capability probe's token-kind reading. */
  token: string;
  /** Where the credentials came from, for the start-up line. */
  from: string;
  octokit: Soc2Octokit;
  identity: TokenIdentity;
  app: AppIdentity;
}

export interface AppInstallationOptions {
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  /** The one Octokit factory, with the app's auth in place of a token. */
  client: (auth: AppOctokitAuth) => Soc2Octokit;
  /** Decides token renewal (default: the real clock). */
  clock?: () => Date;
  progress?: (msg: string) => void;
  cwd?: string;
}

/**
 * Authenticates as the app's installation on `settings.org`, or undefined when no GITHUB_APP_*
 * variable is set. Bad credentials, no installation on the organisation or an installation of
 * another account are usage errors (exit 2); GitHub failing otherwise is a CollectorError, which
 * puts the GitHub controls in error.
 */
export async function appInstallationClient(settings: Pick<GitHubSettings, 'org'>, opts: AppInstallationOptions): Promise<AppInstallation | undefined> {
  const creds = readAppCredentials(opts.env, opts.cwd);
  if (!creds) return undefined;
  const say = opts.progress ?? (() => {});
  const clock = opts.clock ?? (() => new Date());
  const { createAppAuth } = await import('@octokit/auth-app');
  // Stable across renewals and runs of the same app and installation; the key is the secret part.
  const cacheSecret = (installationId: number | 'app') => `github-app ${creds.appId} installation ${installationId}\n${creds.privateKey}`;

  // The app itself (JWT): who it is and where it is installed.
  const asApp = opts.client({ authStrategy: createAppAuth, auth: { appId: creds.appId, privateKey: creds.privateKey }, cacheSecret: cacheSecret('app') });
  // The app flow's requests, for the data-handling statement (as the capability probe's are).
  const calls: ApiCall[] = [];
  const host = new URL(opts.apiUrl).host;
  const recorded = async <T extends { status: number; headers: Record<string, unknown> }>(operation: string, params: Record<string, unknown>, send: () => Promise<T>): Promise<T> => {
    const call: ApiCall = { source: 'github-rest', operation, params, at: clock().toISOString(), host };
    calls.push(call);
    try {
      const res = await send();
      call.status = res.status;
      if (res.headers['x-github-request-id'] !== undefined) call.requestId = String(res.headers['x-github-request-id']);
      return res;
    } catch (e) {
      const status = errorStatus(e);
      if (status !== undefined) call.status = status;
      throw e;
    }
  };
  const fail = (e: unknown, what: string): never => {
    const status = errorStatus(e);
    if (e instanceof UsageError) throw e;
    if (status === 401) {
      throw new UsageError(
        `GitHub rejected the GitHub App's credentials (401 ${errorMessage(e)}) while ${what} at ${opts.apiUrl}: ${APP_ENV.id} (${creds.appId}) is not the app the key in ${creds.keyFrom} belongs to, or the key was revoked.`,
        `Check ${APP_ENV.id} against the app's settings page and use a current private key of that app (or check the machine's clock: the JWT is valid for 10 minutes).`,
      );
    }
    throw new CollectorError(`Could not authenticate as GitHub App ${creds.appId} at ${opts.apiUrl} while ${what}: ${status ?? 'network error'} ${errorMessage(e)}`, status !== undefined && status >= 500 ? 'unavailable' : 'other', 'Check the network and GITHUB_API_URL, then run again.', { cause: e });
  };

  let slug: string | null = null;
  try {
    const res = await recorded('GET /app', {}, () => asApp.request('GET /app'));
    slug = typeof res.data?.slug === 'string' ? res.data.slug : null;
  } catch (e) {
    fail(e, 'asking GitHub which app it is (GET /app)');
  }
  const name = slug ? `GitHub App "${slug}" (id ${creds.appId})` : `GitHub App ${creds.appId}`;

  let installationId = creds.installationId;
  try {
    if (installationId === undefined) {
      const res = await recorded('GET /orgs/{org}/installation', { org: settings.org }, () => asApp.request('GET /orgs/{org}/installation', { org: settings.org }));
      installationId = res.data.id;
    } else {
      const params = { installation_id: installationId };
      const res = await recorded('GET /app/installations/{installation_id}', params, () => asApp.request('GET /app/installations/{installation_id}', params));
      const account = res.data.account && 'login' in res.data.account ? res.data.account.login : undefined;
      if (account === undefined || account.toLowerCase() !== settings.org.toLowerCase()) {
        throw new UsageError(
          `${APP_ENV.installation} (${installationId}) is ${name}'s installation on ${account ?? 'an account GitHub did not name'}, not on the organisation ${settings.org}.`,
          `Unset ${APP_ENV.installation} to use the app's installation on ${settings.org}, or set it to that installation's id.`,
        );
      }
    }
  } catch (e) {
    if (errorStatus(e) === 404) {
      throw creds.installationId === undefined
        ? new UsageError(`${name} is not installed on the organisation ${settings.org} (GitHub answered GET /orgs/${settings.org}/installation with 404).`, `Install the app on ${settings.org} (the app's page → Install App), or set ${APP_ENV.installation} to an installation of it there.`)
        : new UsageError(`${APP_ENV.installation} (${creds.installationId}) is not an installation of ${name} (GitHub answered 404).`, `Set ${APP_ENV.installation} to the id at the end of the installation's settings URL, or unset it to use the app's installation on ${settings.org}.`);
    }
    fail(e, `finding its installation on ${settings.org}`);
  }
  const installation = installationId!;

  let renewals = -1;
  const tokens = expiringTokenCache(clock, (expiresAt) => {
    renewals++;
    say(renewals === 0 ? `${name}: installation ${installation} token minted (expires ${expiresAt})` : `${name}: installation token renewed (expires ${expiresAt})`);
  });
  const octokit = opts.client({ authStrategy: createAppAuth, auth: { appId: creds.appId, privateKey: creds.privateKey, installationId: installation, cache: tokens }, cacheSecret: cacheSecret(installation) });
  renewOnUnauthorized(octokit, opts.apiUrl, tokens, say);

  let token: string;
  // auth-app does not hand back the response: the call is noted without a request id.
  const mint: ApiCall = { source: 'github-rest', operation: 'POST /app/installations/{installation_id}/access_tokens', params: { installation_id: installation }, at: clock().toISOString(), host };
  calls.push(mint);
  try {
    const minted = (await octokit.auth({ type: 'installation' })) as { token: string };
    token = minted.token;
    mint.status = 201;
  } catch (e) {
    const status = errorStatus(e);
    if (status !== undefined) mint.status = status;
    if (errorStatus(e) === 403 && /suspended/i.test(errorMessage(e))) {
      throw new UsageError(`${name}'s installation ${installation} on ${settings.org} is suspended (GitHub refused to mint a token: ${errorMessage(e)}).`, `Unsuspend the installation in ${settings.org}'s settings (Third-party access → GitHub Apps), then run again.`);
    }
    if (errorStatus(e) === 404) throw new UsageError(`${APP_ENV.installation} (${installation}) is not an installation of ${name} (GitHub answered 404 to minting a token).`, `Set ${APP_ENV.installation} to an installation of this app, or unset it.`);
    fail(e, `minting an installation token for installation ${installation}`);
  }
  const app: AppIdentity = { id: creds.appId, slug, installationId: installation };
  const identity: TokenIdentity = slug
    ? { tokenKind: 'app-installation', login: `${slug}[bot]`, app, calls }
    : { tokenKind: 'app-installation', login: null, reason: 'GitHub did not name the app\'s slug (GET /app)', app, calls };
  const others = ['GITHUB_TOKEN', 'GH_TOKEN'].filter((n) => isSet(opts.env, n));
  if (others.length) say(`${APP_ENV.id} is set: authenticating as ${name}; ${others.join(' and ')} ${others.length > 1 ? 'are' : 'is'} not used`);
  return { token: token!, from: `${name}, installation ${installation} (key from ${creds.keyFrom})`, octokit, identity, app };
}

/** The app's own routes (JWT-authenticated), relative to the API base: a 401 there is about the app's credentials, not an expired token. */
const JWT_ROUTE = /^\/app(?:\/installations(?:\/[^/]+(?:\/access_tokens)?)?)?$|^\/(?:orgs|users)\/[^/]+\/installation$|^\/repos\/[^/]+\/[^/]+\/installation$/;

/** A request's path below the API base URL (templates are already relative; pagination URLs are absolute). */
function apiPath(url: string, apiUrl: string): string {
  const path = url.split('?')[0]!;
  const base = apiUrl.replace(/\/+$/, '');
  return path.startsWith(base) ? path.slice(base.length) : path;
}

/**
 * A 401 on a request made with an installation token: the token lapsed before the cache thought
 * (clock skew) or was revoked. Forget it, mint a new one and send the request once more.
 */
function renewOnUnauthorized(octokit: Soc2Octokit, apiUrl: string, tokens: { forget(): void }, say: (msg: string) => void): void {
  octokit.hook.error('request', async (error, options) => {
    const url = String((options as { url?: unknown }).url ?? '');
    const request = (options as { request?: Record<string, unknown> }).request ?? {};
    if (errorStatus(error) !== 401 || request['soc2Renewed'] === true || JWT_ROUTE.test(apiPath(url, apiUrl))) throw error;
    tokens.forget();
    say(`GitHub answered 401 to the installation token on ${(options as { method?: string }).method ?? 'GET'} ${url}; minting a new token and retrying once`);
    return octokit.request({ ...(options as object), request: { ...request, soc2Renewed: true } } as never);
  });
}
