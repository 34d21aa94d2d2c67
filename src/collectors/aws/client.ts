/**
 * The one factory for AWS Config clients. Everything that can be left to the SDK is: the credential
 * chain (env, SSO, profiles, web identity, containers, IMDS), the region chain, and endpoint
 * overrides (AWS_ENDPOINT_URL_CONFIG_SERVICE, AWS_ENDPOINT_URL, `endpoint_url` in a profile).
 * What soc2 adds: adaptive retries, its user agent, and an up-front check that credentials and a
 * region exist, so a missing login is one clear error instead of a gap on every control.
 */
import type { ConfigServiceClient, ConfigServiceClientConfig } from '@aws-sdk/client-config-service';
import type { AwsSettings } from '../../config/schema.js';
import { CollectorError } from '../../errors.js';
import { errorStatus } from '../../util/error-status.js';
import type { ApiCall } from '../types.js';

export { gapFromAwsError, awsErrorFacts } from './errors.js';

export interface AwsContext {
  /** Regions in scope (from the config, or the SDK's default region). */
  regions: string[];
  /** Aggregator name when the config names one: collectors then use the aggregate APIs, called in
   * `regions[0]` (the aggregator's home region), and cover every account and region it aggregates. */
  aggregator?: string;
  /** Account the credentials belong to, when the SDK's credential provider reports it. */
  accountId?: string;
  /** Maximum age of a rule evaluation before it is treated as stale, in hours. */
  maxEvaluationAgeHours: number;
  /** A Config client for one region (cached per region). */
  client(region: string): ConfigServiceClient;
  /**
   * Who the credentials belong to, asked of STS once (GetCallerIdentity) with the same credentials
   * and endpoint rules as the Config clients. Rejects with a sentence saying why when STS cannot tell.
   */
  callerIdentity?(): Promise<AwsCallerIdentity>;
  /** The hosts requests actually went to (Config and STS), taken from the requests as they were sent. */
  hostsContacted?(): Array<{ service: 'config' | 'sts'; region: string; host: string }>;
}

export interface AwsCallerIdentity {
  account: string;
  arn: string;
  /** The request, for the data-handling statement and the auditor. */
  call: ApiCall;
}

export interface AwsClientOptions {
  /**
   * The environment the run sees. In a normal run this is `process.env` and the SDK reads it
   * itself. When a caller supplies a different one (`soc2 demo`), the settings the SDK would read
   * from the environment — endpoint, static keys, region, profile — are taken from it and passed
   * to the SDK explicitly, so the caller's environment wins over the process's.
   */
  env: NodeJS.ProcessEnv;
  /** Product token appended to the SDK's user agent, e.g. 'soc2/0.1.0'. */
  userAgent: string;
  /**
   * Explicit endpoint, for `soc2 demo` and tests only. Leave unset in real runs: the SDK then honours
   * AWS_ENDPOINT_URL_CONFIG_SERVICE, AWS_ENDPOINT_URL and profile endpoint_url in its own order.
   */
  endpoint?: string;
  /** Explicit STS endpoint, for tests only (default: `endpoint`, else the SDK's own rules: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL). */
  stsEndpoint?: string;
  /** Static credentials for `soc2 demo` and tests; unset means the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /**
   * A fixed delay (ms) between retries instead of the SDK's exponential backoff (1 s base for
   * throttling). Tests and the bench only: retries stay the SDK's adaptive strategy otherwise.
   */
  retryDelayMs?: number;
  /** Clock used to decide whether credentials have already expired. */
  now?: () => Date;
}

/**
 * 'soc2/0.1.0 (+https://…)' → ['soc2', '0.1.0']: the SDK appends product/version pairs to its own
 * user agent and escapes anything else into noise, so only the first token is passed.
 */
export function userAgentPair(userAgent: string): [string, string] | [string] {
  const token = userAgent.trim().split(/\s+/)[0] ?? 'soc2';
  const at = token.indexOf('/');
  return at > 0 ? [token.slice(0, at), token.slice(at + 1)] : [token];
}

function isSet(env: NodeJS.ProcessEnv, key: string): boolean {
  const v = env[key];
  return v !== undefined && v !== '';
}

/** Where the SDK's default chain looked, in the order it looks (credential-provider-node). */
function credentialSearch(settings: AwsSettings, env: NodeJS.ProcessEnv): string {
  const profile = settings.profile ?? env.AWS_PROFILE ?? 'default';
  const credFile = env.AWS_SHARED_CREDENTIALS_FILE ?? '~/.aws/credentials';
  const configFile = env.AWS_CONFIG_FILE ?? '~/.aws/config';
  const imdsOff = isSet(env, 'AWS_EC2_METADATA_DISABLED') && env.AWS_EC2_METADATA_DISABLED !== 'false';
  const container = isSet(env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') || isSet(env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI');
  const places = [
    settings.profile || isSet(env, 'AWS_PROFILE')
      ? 'environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (skipped because a profile is named)'
      : 'environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    `profile "${profile}" in ${credFile} and ${configFile} (static keys, SSO, assume-role, credential_process)`,
    'a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN)',
    container ? 'the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*)' : 'the container credentials endpoint (not configured)',
    container ? 'the EC2 instance metadata service (not tried: container credentials are configured)'
      : imdsOff ? 'the EC2 instance metadata service (skipped: AWS_EC2_METADATA_DISABLED is set)' : 'the EC2 instance metadata service',
  ];
  return places.join('; ');
}

const CREDENTIALS_TODO =
  'Sign in with `aws sso login --profile <name>` and set aws.profile in soc2.config.yaml (or AWS_PROFILE), ' +
  'or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for a read-only role; `soc2 permissions` prints the policy that role needs.';

function noCredentials(settings: AwsSettings, env: NodeJS.ProcessEnv, cause: unknown): CollectorError {
  const sdkMessage = cause instanceof Error ? cause.message : String(cause);
  const profileProblem = /profile/i.test(sdkMessage) && (settings.profile || env.AWS_PROFILE)
    ? ` Profile "${settings.profile ?? env.AWS_PROFILE}" could not be used: ${sdkMessage}.` : '';
  const expiredSso = /sso/i.test(sdkMessage) && /expired|invalid/i.test(sdkMessage);
  if (expiredSso) {
    return new CollectorError(
      `The AWS SSO session has expired (${sdkMessage}).`,
      'credentials', `Run \`aws sso login${settings.profile ? ` --profile ${settings.profile}` : ''}\` and run soc2 again.`, { cause },
    );
  }
  return new CollectorError(
    `No AWS credentials found. The AWS SDK looked in: ${credentialSearch(settings, env)}.${profileProblem}`,
    'credentials', CREDENTIALS_TODO, { cause },
  );
}

function noRegion(settings: AwsSettings, env: NodeJS.ProcessEnv, cause: unknown): CollectorError {
  const profile = settings.profile ?? env.AWS_PROFILE ?? 'default';
  const todo = 'Set aws.regions in soc2.config.yaml (e.g. [us-east-1, eu-west-1]), or export AWS_REGION=us-east-1.';
  return new CollectorError(
    `No AWS region is configured: soc2.config.yaml has no aws.regions, AWS_REGION is not set, and profile "${profile}" in ` +
      `${env.AWS_CONFIG_FILE ?? '~/.aws/config'} has no region.`,
    'credentials', todo, { cause },
  );
}

function expired(at: Date, source: string): CollectorError {
  const todo = 'Refresh the credentials (`aws sso login`, assume the role again, or export a new AWS_SESSION_TOKEN) and run again.';
  return new CollectorError(`The AWS credentials ${source}expired at ${at.toISOString()}.`, 'credentials', todo);
}

/** Describes where resolved credentials came from, using the SDK's `$source` feature flags. */
function credentialSource(creds: object): string {
  const source = (creds as { $source?: Record<string, unknown> }).$source ?? {};
  if ('CREDENTIALS_ENV_VARS' in source) return 'from AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN ';
  if (Object.keys(source).some((k) => k.includes('SSO'))) return 'from the SSO session ';
  if (Object.keys(source).some((k) => k.includes('PROFILE'))) return 'from the profile ';
  return '';
}

/**
 * Builds the run's AWS context. Throws CollectorError (kind 'credentials') when no region or no
 * credentials can be resolved, or the credentials have already expired; the engine turns that into
 * `error` on every AWS control.
 */
export async function createAwsContext(settings: AwsSettings, opts: AwsClientOptions): Promise<AwsContext> {
  const sdk = await import('@aws-sdk/client-config-service');
  const retryStrategy = opts.retryDelayMs === undefined ? undefined : await fixedDelayAdaptiveRetry(settings.maxAttempts, opts.retryDelayMs);
  const fromEnv = suppliedEnvSettings(opts.env, process.env);
  const profile = settings.profile ?? fromEnv.profile;
  const endpoint = opts.endpoint ?? fromEnv.endpoint;
  const credentials = opts.credentials ?? (profile ? undefined : fromEnv.credentials);
  const base: ConfigServiceClientConfig = {
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    customUserAgent: [userAgentPair(opts.userAgent)],
    ...(profile ? { profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials } : {}),
    ...(retryStrategy ? { retryStrategy } : {}),
  };

  let regions = settings.regions ?? (fromEnv.region ? [fromEnv.region] : undefined);
  if (!regions) {
    const probe = new sdk.ConfigServiceClient(base);
    try {
      regions = [await probe.config.region()];
    } catch (cause) {
      throw noRegion(settings, opts.env, cause);
    } finally {
      probe.destroy();
    }
  }

  const clients = new Map<string, ConfigServiceClient>();
  const hosts: HostLog = new Map();
  const client = (region: string): ConfigServiceClient => {
    let c = clients.get(region);
    if (!c) {
      c = new sdk.ConfigServiceClient({ ...base, region });
      recordHosts(c as never, 'config', region, hosts);
      clients.set(region, c);
    }
    return c;
  };

  let accountId: string | undefined;
  try {
    const creds = await client(regions[0]!).config.credentials();
    const now = (opts.now ?? (() => new Date()))();
    if (creds.expiration && creds.expiration.getTime() <= now.getTime()) throw expired(creds.expiration, credentialSource(creds));
    accountId = (creds as { accountId?: string }).accountId;
  } catch (cause) {
    if (cause instanceof CollectorError) throw cause;
    throw noCredentials(settings, opts.env, cause);
  }

  const homeRegion = regions[0]!;
  const stsEndpoint = opts.stsEndpoint ?? opts.endpoint ?? fromEnv.stsEndpoint;
  let identity: Promise<AwsCallerIdentity> | undefined;
  const ctx: AwsContext = {
    regions: [...regions],
    maxEvaluationAgeHours: settings.maxEvaluationAgeHours,
    client,
    // The STS client shares the Config client's credential provider: the identity recorded is the
    // one the evidence was read with, not a second resolution of the chain.
    callerIdentity: () => (identity ??= askCallerIdentity({
      ...base,
      region: homeRegion,
      credentials: client(homeRegion).config.credentials,
      endpoint: stsEndpoint,
    }, hosts, opts.now ?? (() => new Date()))),
    hostsContacted: () => [...hosts.values()],
  };
  if (settings.aggregator) ctx.aggregator = settings.aggregator;
  if (accountId) ctx.accountId = accountId;
  return ctx;
}

interface EnvSettings {
  endpoint?: string;
  stsEndpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
  region?: string;
  profile?: string;
}

/**
 * Settings a caller-supplied environment holds that differ from the process's own. Empty in a
 * normal run (the two are the same object), so the SDK resolves everything itself; in `soc2 demo`
 * they carry the sandbox's endpoint and keys. Precedence follows the SDK: the service-specific
 * endpoint variable beats AWS_ENDPOINT_URL, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns both off.
 */
export function suppliedEnvSettings(env: NodeJS.ProcessEnv, processEnv: NodeJS.ProcessEnv): EnvSettings {
  const out: EnvSettings = {};
  if (env === processEnv) return out;
  const differs = (key: string): boolean => isSet(env, key) && env[key] !== processEnv[key];
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== 'true') {
    const endpoint = env.AWS_ENDPOINT_URL_CONFIG_SERVICE || env.AWS_ENDPOINT_URL;
    if (endpoint && (differs('AWS_ENDPOINT_URL_CONFIG_SERVICE') || differs('AWS_ENDPOINT_URL'))) out.endpoint = endpoint;
    const sts = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
    if (sts && (differs('AWS_ENDPOINT_URL_STS') || differs('AWS_ENDPOINT_URL'))) out.stsEndpoint = sts;
  }
  if (isSet(env, 'AWS_ACCESS_KEY_ID') && isSet(env, 'AWS_SECRET_ACCESS_KEY') && (differs('AWS_ACCESS_KEY_ID') || differs('AWS_SECRET_ACCESS_KEY') || differs('AWS_SESSION_TOKEN'))) {
    out.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
    if (isSet(env, 'AWS_SESSION_TOKEN')) out.credentials.sessionToken = env.AWS_SESSION_TOKEN!;
    if (isSet(env, 'AWS_CREDENTIAL_EXPIRATION')) out.credentials.expiration = new Date(env.AWS_CREDENTIAL_EXPIRATION!);
  }
  if (differs('AWS_REGION')) out.region = env.AWS_REGION!;
  if (differs('AWS_PROFILE')) out.profile = env.AWS_PROFILE!;
  return out;
}

/** An unreachable STS endpoint must not hold the run: who ran it is recorded as unknown instead. */
const STS_TIMEOUT_MS = 30_000;

type HostLog = Map<string, { service: 'config' | 'sts'; region: string; host: string }>;

/** Notes the host of every request a client sends, as it is sent (after endpoint resolution). */
function recordHosts(client: { middlewareStack: { add(mw: unknown, opts: object): void } }, service: 'config' | 'sts', region: string, hosts: HostLog): void {
  client.middlewareStack.add(
    (next: (args: { request?: unknown }) => Promise<unknown>) => async (args: { request?: unknown }) => {
      const req = args.request as { hostname?: string; port?: number } | undefined;
      if (req?.hostname) {
        const host = req.port ? `${req.hostname}:${req.port}` : req.hostname;
        hosts.set(`${service} ${region} ${host}`, { service, region, host });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'soc2RecordHost' },
  );
}

/**
 * STS GetCallerIdentity: the account and ARN the credentials belong to. AWS answers it whatever
 * IAM policies say, so a failure here is the network, the endpoint or the credentials; it is
 * returned as a reason for the report, never allowed to stop the run.
 */
async function askCallerIdentity(config: ConfigServiceClientConfig, hosts: HostLog, now: () => Date): Promise<AwsCallerIdentity> {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient(config as import('@aws-sdk/client-sts').STSClientConfig);
  recordHosts(sts as never, 'sts', String(config.region), hosts);
  const call: ApiCall = { source: 'aws-sts', operation: 'sts:GetCallerIdentity', params: {}, at: now().toISOString(), region: String(config.region) };
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(STS_TIMEOUT_MS) });
    call.status = out.$metadata.httpStatusCode ?? 200;
    if (out.$metadata.requestId) call.requestId = out.$metadata.requestId;
    if (!out.Account || !out.Arn) throw new Error('STS answered without Account or Arn');
    return { account: out.Account, arn: out.Arn, call };
  } catch (e) {
    const err = e as { name?: string; message?: string };
    const status = errorStatus(e);
    throw new Error(`STS GetCallerIdentity in ${String(config.region)} failed${status ? ` (HTTP ${status})` : ''}: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? String(e)}`);
  } finally {
    sts.destroy();
  }
}

/**
 * The SDK's own AdaptiveRetryStrategy with a constant backoff, so tests of "throttled N times" do
 * not sleep for the SDK's 1 s throttling base delay. Loaded only when asked for (tests, bench).
 * @smithy/core is the SDK's own runtime (a dependency of @aws-sdk/client-config-service).
 */
async function fixedDelayAdaptiveRetry(maxAttempts: number, delayMs: number): Promise<ConfigServiceClientConfig['retryStrategy']> {
  const { AdaptiveRetryStrategy, DefaultRateLimiter } = await import('@smithy/core/retry');
  const backoff = { computeNextBackoffDelay: () => delayMs, setDelayBase: () => {} };
  // After a throttle the adaptive rate limiter slows to its floor (0.5 requests/s by default);
  // a high floor keeps the limiter in play without turning a test into seconds of waiting.
  const rateLimiter = new DefaultRateLimiter({ minFillRate: 1000 });
  return new AdaptiveRetryStrategy(async () => maxAttempts, { maxAttempts, backoff, rateLimiter } as never);
}
