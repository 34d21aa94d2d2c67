/**
 * The contract between the engine and every evidence collector.
 *
 * A collector only collects: it never decides pass or fail. It declares its parameter schema, the
 * shape of one resource (so assertion keys are checked when controls load), and the permissions
 * it needs (so `soc2 permissions` can print a least-privilege policy).
 */
import type { z } from 'zod';

/** Where a collector's evidence comes from; decides which config section puts it in scope. */
export type EvidenceSource = 'aws' | 'github' | 'repo';

/** One API request made while collecting, recorded for the auditor (IPE: what query produced this). */
export interface ApiCall {
  /** Source system: 'aws-config', 'github-rest', 'github-graphql', 'local'. */
  source: string;
  /** Operation, e.g. 'config:GetComplianceDetailsByConfigRule' or 'GET /repos/{owner}/{repo}'. */
  operation: string;
  /** Parameters and filters sent (never credentials). */
  params: Record<string, unknown>;
  /** ISO-8601 UTC time the request was sent. */
  at: string;
  /** Request id the service returned, when it returned one. */
  requestId?: string;
  /** HTTP status, when the transport is HTTP. */
  status?: number;
  /** AWS region the call was made in. Never a host: GitHub calls record `host`. */
  region?: string;
  /** API host a GitHub call went to (api.github.com, or a GitHub Enterprise Server host). */
  host?: string;
  /** Pages fetched and whether pagination was exhausted, for paginated operations. */
  pages?: number;
  /** Number of items returned across all pages. Only ever items: a GraphQL query's cost goes in `cost`. */
  items?: number;
  /** Rate-limit points a GitHub GraphQL query cost (its rateLimit.cost), when the query asked for it. */
  cost?: number;
  /**
   * How the ETag cache took part: 'revalidated' — GitHub answered 304 and the cached body (its MAC
   * verified) was used; 'discarded' — a cached entry failed verification, was deleted and the
   * request was sent again without it. Absent when the cache played no part.
   */
  cache?: 'revalidated' | 'discarded';
  /** Why a cache entry was discarded. */
  cacheNote?: string;
}

/** Why part of the evidence could not be read. A gap always makes the evidence incomplete. */
export interface Gap {
  /** 'permission' (denied), 'rate-limit', 'unavailable' (5xx, network), 'timeout',
   * 'not-found' (a thing the control needs is missing), 'precondition' (e.g. no Config recorder),
   * 'credentials', 'other'. */
  kind: 'permission' | 'rate-limit' | 'unavailable' | 'timeout' | 'not-found' | 'precondition' | 'credentials' | 'other';
  /** The resource the gap concerns (owner/repo, region, rule name), when it concerns one. */
  resource?: string;
  /** A sentence: what could not be read, and what to do. */
  message: string;
  /** Permission that would close the gap, e.g. 'config:DescribeConfigRules' or 'github:administration:read'. */
  permission?: string;
}

/** One thing the collector observed; assertions are evaluated against `data`. */
export interface CollectedResource<R> {
  /** What the thing is called: owner/repo, an org login, an AWS resource id, a file path. */
  id: string;
  /** How sentences name it when the id alone says too little (a pull request with its title). Default: the id. */
  label?: string;
  /** The observed properties; shape declared by the collector's `resource` schema. */
  data: R;
  /** AWS resource type, e.g. 'AWS::S3::Bucket'. */
  type?: string;
  region?: string;
  account?: string;
  /** Set when the resource is out of the control's reach for a stated reason (e.g. an archived repository). */
  notApplicable?: string;
}

/** What a collector returns. */
export interface Evidence<R> {
  resources: Array<CollectedResource<R>>;
  /** Population-level facts, e.g. { regionsWithoutRecorder: [] } or { totalCount: 412 }. */
  facts?: Record<string, unknown>;
  /** False when anything the control needs could not be read; such evidence can only end in `error`. */
  complete: boolean;
  gaps: Gap[];
  calls: ApiCall[];
  /** Extra files to write beside the evidence JSON (e.g. a CSV population), name → contents. */
  attachments?: Record<string, string>;
}

/** Progress and diagnostics; goes to stderr only when it is a TTY. */
export interface ProgressSink {
  (message: string): void;
}

/** Lazily built clients and settings a collector may use. Collectors never build clients themselves. */
export interface CollectContext {
  /** Root of the local checkout the `repo.*` collectors read. */
  repoRoot: string;
  /** Review period, ISO dates (YYYY-MM-DD), inclusive. */
  period: { start: string; end: string };
  /** The run's clock; never call Date.now() in a collector. */
  now(): Date;
  /** Aborted when the collector's timeout passes or the run is cancelled. */
  signal: AbortSignal;
  progress: ProgressSink;
  /**
   * Run-scoped memo shared by every collector call: the first caller of a key runs `fn`, later
   * callers get the same promise. Use it for reads many controls share (the rule list of a region,
   * the recorder status, the repository list) so nothing is fetched twice. Results should carry
   * the ApiCalls they made so each evidence file can still list the calls it relied on.
   *
   * The work is shared, so it must not run under the caller's signal (one caller's timeout would
   * fail every other caller): `fn` gets the run's context, the same as the caller's but with the
   * run's signal. Name its parameter `ctx`, shadowing the caller's, so the shared work cannot reach
   * the caller's signal by mistake. A caller whose own signal aborts stops waiting; the work goes on.
   */
  memo<T>(key: string, fn: (ctx: CollectContext) => Promise<T>): Promise<T>;
  /** Present when the config has an `aws` section and credentials were found. */
  aws?: AwsContext;
  /** Present when the config has a `github` section and a token was found. */
  github?: GitHubContext;
}

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
  /** A Config client for one region (cached per region). Typed loosely to keep the SDK out of this file's imports. */
  client(region: string): import('@aws-sdk/client-config-service').ConfigServiceClient;
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

export interface GitHubContext {
  org: string;
  /** Repository include/exclude globs from the config. */
  repos: { include: string[]; exclude: string[]; includeForks: boolean };
  /**
   * `soc2 run --shard`: set for collectors that split by repository; the repository list keeps
   * only the repositories this shard evaluates (src/engine/shard.ts). Absent: every repository.
   */
  inShard?(fullName: string): boolean;
  octokit: import('./github/client.js').Soc2Octokit;
  /** What the token can do, learned once at start. */
  capabilities: import('./github/client.js').TokenCapabilities;
  /** Who the token acts as and what kind of token it is, learned once at start (never fatal). */
  identity?: import('./github/client.js').TokenIdentity;
}

/** A collector: one file under src/collectors/<source>/, registered in src/collectors/index.ts. */
export interface Collector<P = unknown, R extends object = Record<string, unknown>> {
  /** Stable id used in control YAML: '<source>.<file-stem>', e.g. 'github.branch-rules'. */
  readonly id: string;
  readonly source: EvidenceSource;
  /** One sentence for `soc2 controls show` and docs. */
  readonly description: string;
  /** Parameters, validated when controls load — before any network call. Must accept `{}` when all params are optional. */
  readonly params: z.ZodType<P>;
  /** Shape of one resource; assertion keys are checked against it when controls load. Fields carry `.describe()` labels used in messages. */
  readonly resource: z.ZodType<R>;
  /** What the credentials must allow, e.g. 'config:DescribeConfigRules', 'github:administration:read'. */
  readonly permissions: readonly string[];
  /**
   * Other sources this collector reads when they are in scope, never requiring them: the engine
   * then also passes that source's context (`ctx.github`), and the collector says in its evidence
   * what it could not check without it. E.g. repo.security-policy reads the organisation's
   * default policy from GitHub.
   */
  readonly consults?: readonly EvidenceSource[];
  /**
   * Fields an API may leave out. A collector sets such a field to `null` (and declares it
   * `.nullable()` in `resource`) when the API did not say: the engine then reports "could not
   * tell" (`error`) for that resource, never `false`. The value names the permission that would
   * reveal the field, by dotted key, e.g. `{ twoFactorRequirementEnabled: 'github:org_administration:read' }`.
   */
  readonly revealedBy?: Readonly<Record<string, string>>;
  /** What an empty population means when a control does not say (`whenEmpty`). */
  readonly defaultWhenEmpty: 'not_applicable' | 'fail' | 'error';
  /** Timeout for one call of this collector, in milliseconds (default: the engine's). */
  readonly timeoutMs?: number;
  /**
   * For findings a developer can jump to (SARIF, reports): where a resource of the local checkout
   * is. Declaring it also lets the engine locate list entries that carry their own `file`, `line`
   * and `column` fields (a line without a file is a line of the resource's file).
   */
  readonly locate?: ResourceLocator<R>;
  /** A YAML control snippet (collector + params + assert) that the meta-test validates. */
  readonly example: string;
  collect(ctx: CollectContext, params: P): Promise<Evidence<R>>;
}

/** A place in the repository checkout: a '/'-separated path relative to its root, and a line and column from 1. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface ResourceLocator<R> {
  /** The file that decides the resource (the CODEOWNERS file in effect, the workflow file); undefined when there is none. */
  resource?(data: R): SourceLocation | undefined;
  /** Where one entry of the list field `key` is, for entries that do not carry `file`/`line` themselves (e.g. a list of paths). */
  entry?(key: string, entry: unknown, data: R): SourceLocation | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCollector = Collector<any, any>;
