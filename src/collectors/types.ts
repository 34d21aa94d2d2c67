/**
 * The contract between the engine and every evidence collector.
 *
 * A collector only collects: it never decides pass or fail. It declares its parameter schema, the
 * shape of one resource (so assertion keys are checked when controls load), and the permissions
 * it needs (so `soc2 permissions` can print a least-privilege policy).
 */
import type { z } from 'zod';

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

/**
 * A CSV file beside the evidence with one row per resource (a population to sample from in a
 * spreadsheet), made from each resource as it is written: when the engine streams a collector's
 * resources to disk, each row is written with its resource and from its redacted copy, so neither
 * the population nor its CSV is held in memory.
 */
export interface CsvAttachment<R> {
  /** The file's name beside the evidence, e.g. 'change-population.csv'. */
  name: string;
  header: readonly string[];
  row(data: R): readonly string[];
}

/** Progress and diagnostics; goes to stderr only when it is a TTY. */
export interface ProgressSink {
  (message: string): void;
}

/**
 * Each evidence source's part of the collection context, by source id: the fields its setup adds
 * to `ctx` (e.g. `{ github: GitHubContext }`). Empty here on purpose: each source declares its own
 * entry beside its setup (`declare module '../types.js'` in src/collectors/<source>/source.ts), so
 * this contract names no source and imports nothing from a source's folder.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface SourceContexts {}

/** A registered evidence source's id ('aws', 'github', 'repo'): the first part of its collectors' ids. */
export type SourceId = keyof SourceContexts & string;

/** What every collector gets, whatever its source. Collectors never build clients themselves. */
export interface BaseContext {
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
  memo<T>(key: string, fn: (ctx: this) => Promise<T>): Promise<T>;
}

/** The part of the context source `S` adds (never optional), plus what consulted sources `C` may add. */
type SourceParts<S extends string, C extends string> =
  UnionToIntersection<S extends SourceId ? SourceContexts[S] : never> &
  Partial<UnionToIntersection<C extends SourceId ? SourceContexts[C] : never>>;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * The context a collector of source `S` collects with: its source's clients and settings are
 * always there (the engine only calls it when `S` is set up), those of the sources it consults
 * (`C`, see Collector.consults) only when they are in scope.
 */
export type CollectContext<S extends string = never, C extends string = never> = BaseContext & SourceParts<S, C>;

/**
 * A collector: one file under src/collectors/<source>/, registered in src/collectors/index.ts.
 * `S` is its source, whose context it gets (`Collector<'github', P, R>` sees `ctx.github`);
 * `C` the sources it consults when they are in scope.
 */
export interface Collector<S extends string = SourceId, P = unknown, R extends object = Record<string, unknown>, C extends string = never> {
  /** Stable id used in control YAML: '<source>.<file-stem>', e.g. 'github.branch-rules'. */
  readonly id: string;
  readonly source: S;
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
  readonly consults?: readonly C[];
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
  collect(ctx: CollectContext<S, C>, params: P): Promise<Evidence<R>>;
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
export type AnyCollector = Collector<any, any, any, any>;

/** A piece of a sentence in a report: plain words, or a name to show as code (a region, an org login, a path). */
export type Phrase = string | { code: string };

/**
 * What reports and finding sentences say about a source: plain data and pure functions, importable
 * without its SDK (src/collectors/<source>/about.ts). Renderers only get results.json, so these
 * read the source's own entries of it (run.scope[id], run.provenance[id]).
 */
export interface SourceAbout {
  readonly id: string;
  /** How a sentence names the system that did or did not say something: 'AWS Config'. */
  readonly system: string;
  /** The source's line in a report's scope list: 'AWS'. */
  readonly label: string;
  /**
   * Command-line flags it owns (run and permissions), each standing for an environment variable
   * for that run, e.g. --github-api-url for GITHUB_API_URL. Commander camel-cases `flag` into `option`.
   */
  readonly flags?: ReadonlyArray<{ flag: string; option: string; env: string; description: string }>;
  /** Its scope entry in words (`entry` is null when the source was not in scope). */
  scopeText(entry: unknown): Phrase[];
  /** The scope entry as name/value facts for machine formats (OSCAL properties); undefined values are left out. */
  scopeProperties?(entry: unknown): Array<[string, string | undefined]>;
  /** Who the run acted as there, when the source records it (results.json run.provenance[id]). */
  readonly identity?: {
    /** 'AWS identity' */
    readonly label: string;
    text(entry: unknown): string;
    /** The identity as name/value facts for machine formats (OSCAL properties). */
    properties?(entry: unknown): Array<[string, string | undefined]>;
    /** People's names in it, for --minimize-pii. */
    people?(entry: unknown): string[];
  };
}

/** Places a problem at a key of soc2.config.yaml (file:line:col), when the configuration came from a file (LoadedConfig.issueAt). */
export interface ConfigLocator {
  issueAt?(path: Array<string | number>, message: string, at?: 'key' | 'value'): import('../errors.js').SourceIssue;
}

/** What a source's setup gets from the run. */
export interface SourceSetupOptions {
  env: NodeJS.ProcessEnv;
  userAgent: string;
  /** Directory relative paths of the configuration are resolved against. */
  baseDir: string;
  now(): Date;
  progress(message: string): void;
}

/** The collectors a run plans for one source, with the controls that use each. */
export interface PlannedForSource {
  collector: AnyCollector;
  controls: readonly string[];
}

/** A source's part of `soc2 permissions`: JSON for --json, and the lines a person reads. */
export interface SourcePermissions {
  json: Record<string, unknown>;
  text(style: { bold(s: string): string; dim(s: string): string }, controls: number, inScope: boolean): string[];
}

/** Where requests to a source went, as the client sent them (for the data-handling statement). */
export interface HostContacted {
  /** The ApiCall.source of the requests, e.g. 'aws-config'. */
  callSource: string;
  region: string;
  host: string;
}

/**
 * An evidence source (AWS, GitHub, the checkout): everything the engine, `soc2 permissions` and
 * results.json need from it, so none of them names a source. One folder per source
 * (src/collectors/<source>/source.ts), one line in src/collectors/sources.ts.
 */
export interface Source<Settings = unknown, Ctx extends object = object> {
  readonly id: string;
  /** The key of soc2.config.yaml it reads (its zod schema lives in src/config/schema.ts). */
  readonly configKey: string;
  /** Its settings, or undefined when the configuration leaves the source out (it is then not in scope). */
  settings(config: import('../config/schema.js').Config, env: NodeJS.ProcessEnv): Settings | undefined;
  /** Why its controls are not applicable when it is not in scope: a sentence for results.json's notInScope. Absent: always in scope. */
  readonly notInScope?: string;
  /** The same, for each control it leaves not applicable. */
  readonly notApplicable?: string;
  /** Checks made before anything is loaded or collected (throws a usage or configuration error). */
  check?(settings: Settings | undefined, loaded: ConfigLocator, env: NodeJS.ProcessEnv): void;
  /** Clients, credentials and the capability probe; the fields it returns are what its collectors find on `ctx`. */
  setup(settings: Settings, opts: SourceSetupOptions): Promise<Ctx>;
  /** Warnings to show before collecting, e.g. controls the credentials cannot evaluate. */
  preflight?(ctx: Ctx, planned: readonly PlannedForSource[]): Promise<string[]>;
  /** Its entry of results.json's run.scope; null when it is not in scope. `ctx` settles to undefined when setup failed or was not needed. */
  scope(settings: Settings | undefined, ctx: Promise<Ctx | undefined>, opts: { env: NodeJS.ProcessEnv; baseDir: string }): Promise<unknown>;
  /** Its part of `soc2 permissions`, from what its collectors declare. Absent: it needs none. */
  permissions?(collectors: readonly AnyCollector[]): SourcePermissions;
  /**
   * `soc2 run --shard`: the context a collector that splits (src/engine/shard.ts) sees in one shard,
   * narrowed to the units `keep` accepts (GitHub: repositories). Absent: nothing of the source is split.
   */
  shardContext?(ctx: Ctx, keep: (unit: string) => boolean): Ctx;
  /** Who the run acts as there (results.json run.provenance[id]), with the calls made to learn it; never fatal. */
  provenance?(ctx: Promise<Ctx> | undefined): Promise<{ identity: unknown; calls: ApiCall[] }>;
  /** Requests its setup made before any collector ran. */
  startupCalls?(ctx: Ctx): readonly ApiCall[];
  hostsContacted?(ctx: Ctx): readonly HostContacted[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySource = Source<any, object>;
