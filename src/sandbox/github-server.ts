/**
 * A fake GitHub on 127.0.0.1 (node:http) serving an estate through REST and GraphQL with GitHub's
 * real headers and error bodies: x-ratelimit-* per resource, x-github-request-id, ETags with 304
 * that spend nothing, Link pagination capped at 100 per page, x-oauth-scopes for classic tokens,
 * 401 Bad credentials, 403 for missing permissions. Used by `soc2 demo`, the tests and the bench.
 *
 * Faults (`faults` in the options, or `setFaults` on a running server) fail requests by REST route
 * template ('GET /orgs/{org}/repos', 'POST /graphql') or GraphQL operation name ('MergedPulls') —
 * the first `times` of each route, after letting `skip` through, or every one when `times` is not
 * given (see faults.ts):
 * - 'secondary-rate-limit': 403 with `retry-after` and GitHub's secondary-limit message;
 *   'too-many-requests': the same as 429.
 * - 'primary-rate-limit': 403 "API rate limit exceeded" with `x-ratelimit-remaining: 0` and a reset
 *   `resetInSeconds` away (default an hour).
 * - 'graphql-rate-limited': HTTP 200 with `errors[].type` RATE_LIMITED, as GitHub answers an
 *   exhausted GraphQL budget.
 * - 'server-error': 500, 502 (GitHub's "couldn't respond in time") or 503.
 * - 'connection-reset': the socket is destroyed before any answer.
 * - 'never-ends': headers and half the body are sent, the rest never is (until the client leaves).
 * - 'truncated-body': half the body, then the connection is closed (Content-Length promised more).
 * - 'malformed-json': a complete response whose body is half a JSON document; 'empty-body': a
 *   200 whose body is empty.
 * - 'repeat-page': a list's Link `next` points at the page just served, and a GraphQL answer's
 *   `pageInfo` says there is a next page after the cursor it was asked for.
 * ```ts
 * startFakeGitHub(estate, { faults: [{ kind: 'server-error', status: 502, operation: 'MergedPulls', skip: 1 }] })
 * ```
 * `graphqlMissingFields` and `graphqlUnavailable` describe an older server rather than a fault.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeGraphQL, graphqlCost, GqlSyntaxError, parseGraphQL } from './github-graphql.js';
import { buildRoot } from './github-resolvers.js';
import { restRoutes, type RestResult, type Route } from './github-rest.js';
import { faultBook, halfOf, type FaultWindow } from './faults.js';
import { fakeAppServer, type FakeAppOptions } from './github-app.js';
import type { FakeToken, GitHubEstate } from './estate/github.js';

export type { GitHubEstate } from './estate/github.js';

/** Which requests a fault applies to: every request when neither is given. */
export interface GitHubFaultMatch extends FaultWindow {
  /** A REST route template as GitHub documents it, e.g. 'GET /repos/{owner}/{repo}/hooks', or 'POST /graphql'. */
  route?: string;
  /** A GraphQL operation by name, e.g. 'MergedPulls' or 'DefaultBranchHistoryPage'. */
  operation?: string;
}

export type GitHubFault = GitHubFaultMatch & (
  | { kind: 'secondary-rate-limit' | 'too-many-requests'; /** Seconds in `retry-after` (default 60). */ retryAfter?: number }
  | { kind: 'primary-rate-limit' | 'graphql-rate-limited'; /** When the budget resets, from now (default an hour). */ resetInSeconds?: number }
  | { kind: 'server-error'; /** 500, 502 (default) or 503. */ status?: number }
  | { kind: 'connection-reset' | 'never-ends' | 'truncated-body' | 'malformed-json' | 'empty-body' | 'repeat-page' }
);

export type GitHubFaultKind = GitHubFault['kind'];

export interface FakeGitHubOptions {
  /** Added before every response, to make concurrency matter. */
  latencyMs?: number;
  faults?: GitHubFault[];
  /** 'Type.field' names the GraphQL schema lacks, as on an older GitHub Enterprise Server. */
  graphqlMissingFields?: string[];
  /** POST /graphql answers 404, as a server without the GraphQL API would. */
  graphqlUnavailable?: boolean;
  /** Primary limits per token; GitHub's defaults when absent. */
  limits?: { core?: number; graphql?: number; search?: number };
  /** A GitHub App registered with the fake: the JWT → installation token flow (see github-app.ts). */
  app?: FakeAppOptions;
}

export interface FakeGitHubStats {
  requests: number;
  notModified: number;
  /** 'GET /repos/{owner}/{repo}/hooks' → count (304s included). */
  byRoute: Record<string, number>;
  /** Primary rate-limit points: 1 per REST request answered with a body, the query cost per GraphQL call. */
  rateLimitPointsSpent: number;
  /** Requests an injected fault took (a 'repeat-page' fault also takes requests that turn out not to be lists). */
  faulted: number;
  /** Responses a 'never-ends' fault is holding open right now (the client has not gone away). */
  hanging: number;
  /**
   * Requests the fake does not model: a REST route it has no handler for ('GET /repos/acme/api/teams')
   * or a GraphQL field it does not serve ('POST /graphql Repository.teams'). They still get GitHub's
   * 404 / undefinedField answer, but a collector would read that as a permission gap or an old
   * server, so tests assert this list is empty (the harness does it on close) unless they probe
   * unknown routes on purpose. An older server on purpose (graphqlMissingFields, graphqlUnavailable) is not listed.
   */
  unknownRoutes: string[];
}

export interface FakeGitHub {
  url: string;
  close(): Promise<void>;
  stats: FakeGitHubStats;
  /** Replaces the faults (and forgets their counts), e.g. once a test's client has probed the token. */
  setFaults(faults: readonly GitHubFault[]): void;
  /** Installation tokens the app flow minted, oldest first (empty without `app`). */
  mintedTokens: Array<{ token: string; expiresAt: string }>;
}

interface Bucket {
  limit: number;
  used: number;
}

const GRAPHQL_ROUTE = 'POST /graphql';

function compile(route: Route): { route: Route; re: RegExp; names: string[] } {
  const names: string[] = [];
  const re = route.template.replace(/\/\{path\}|\{(\w+)\}/g, (m: string, name: string | undefined) => {
    names.push(name ?? 'path');
    // A contents path spans folders, and the root's is empty (/contents or /contents/), as on GitHub.
    return name === undefined ? '(?:/(.*))?' : '([^/]+)';
  });
  return { route, re: new RegExp(`^${re}$`), names };
}

/** The operation name of a GraphQL request ('query MergedPulls(…)' → 'MergedPulls'), if it has one. */
function graphqlOperationName(rawBody: string): string | undefined {
  try {
    const query = (JSON.parse(rawBody) as { query?: unknown }).query;
    return typeof query === 'string' ? /^\s*(?:query|mutation)\s+([A-Za-z_]\w*)/.exec(query)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

const SECONDARY_DOCS = 'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const PRIMARY_DOCS = 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api';

/** GitHub's bodies for the 5xx it answers. */
function serverErrorBody(status: number): { message: string } {
  if (status === 502) return { message: 'We couldn\'t respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.' };
  if (status === 503) return { message: 'Service Unavailable' };
  return { message: 'Server Error' };
}

/** A fault that bends an answer computed as usual, rather than replacing it. */
type Mangle = Extract<GitHubFaultKind, 'never-ends' | 'truncated-body' | 'malformed-json' | 'empty-body'>;
const MANGLES: ReadonlySet<GitHubFaultKind> = new Set<GitHubFaultKind>(['never-ends', 'truncated-body', 'malformed-json', 'empty-body']);

/** 'repeat-page' for GraphQL: every pageInfo says there is more, after the very cursor it was asked for. */
function repeatPageInfo(value: unknown, after: string | undefined): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) repeatPageInfo(v, after);
    return;
  }
  const obj = value as Record<string, unknown>;
  const info = obj['pageInfo'] as Record<string, unknown> | undefined;
  if (info && typeof info === 'object') {
    info['hasNextPage'] = true;
    info['endCursor'] = after ?? info['endCursor'] ?? Buffer.from('cursor:0').toString('base64');
  }
  for (const [k, v] of Object.entries(obj)) if (k !== 'pageInfo') repeatPageInfo(v, after);
}

export async function startFakeGitHub(estate: GitHubEstate, opts: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const routes = restRoutes().map(compile);
  const stats: FakeGitHubStats = { requests: 0, notModified: 0, byRoute: {}, rateLimitPointsSpent: 0, faulted: 0, hanging: 0, unknownRoutes: [] };
  const buckets = new Map<string, Record<'core' | 'graphql' | 'search', Bucket>>();
  const faults = faultBook<GitHubFault>(opts.faults);
  const app = opts.app ? fakeAppServer(opts.app) : undefined;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  let requestCounter = 0;

  const bucketsFor = (token: string) => {
    let b = buckets.get(token);
    if (!b) {
      b = {
        core: { limit: opts.limits?.core ?? 5000, used: 0 },
        graphql: { limit: opts.limits?.graphql ?? 5000, used: 0 },
        search: { limit: opts.limits?.search ?? 30, used: 0 },
      };
      buckets.set(token, b);
    }
    return b;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ message: `fake GitHub internal error: ${err instanceof Error ? err.message : String(err)}` }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    const body = method === 'POST' ? await readBody(req) : '';
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));

    requestCounter++;
    stats.requests++;
    const requestId = fakeRequestId(requestCounter);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': requestId,
      'access-control-expose-headers': 'ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, X-GitHub-Request-Id, Deprecation, Sunset',
    };
    // Set when a fault bends this request's answer: the body is cut, emptied or left unfinished.
    let mangle: Mangle | undefined;
    const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
      const text = payload === undefined ? '' : JSON.stringify(payload);
      const bent = mangle && text ? mangle : undefined;
      const sent = bent === 'malformed-json' ? halfOf(text) : bent === 'empty-body' ? '' : text;
      const length = bent === 'never-ends' || bent === 'truncated-body' ? text : sent;
      res.writeHead(status, { ...headers, ...extra, ...(length || bent === 'empty-body' ? { 'content-length': String(Buffer.byteLength(length)) } : {}) });
      if (bent === 'truncated-body') return void res.write(halfOf(text), () => res.destroy());
      if (bent === 'never-ends') {
        stats.hanging++;
        res.once('close', () => stats.hanging--);
        return void res.write(halfOf(text));
      }
      res.end(sent);
    };

    // Which route is this? (needed for stats and faults before auth, as GitHub counts every request)
    const isGraphQL = method === 'POST' && url.pathname === '/graphql';
    let match: { route: Route; params: Record<string, string> } | undefined;
    if (!isGraphQL && method === 'GET') {
      for (const c of routes) {
        const m = c.re.exec(url.pathname);
        if (m) {
          match = { route: c.route, params: Object.fromEntries(c.names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')])) };
          break;
        }
      }
    }
    // The app flow's routes (JWT-authenticated) come before the token routes: /orgs/{org}/installation would otherwise be unknown.
    const appRoute = isGraphQL ? undefined : app?.route(method, url.pathname);
    if (appRoute) match = undefined;
    const routeKey = isGraphQL ? GRAPHQL_ROUTE : appRoute ? appRoute.template : url.pathname === '/rate_limit' ? 'GET /rate_limit' : match ? `GET ${match.route.template}` : `${method} ${url.pathname}`;
    stats.byRoute[routeKey] = (stats.byRoute[routeKey] ?? 0) + 1;
    if (!isGraphQL && !match && !appRoute && routeKey !== 'GET /rate_limit') stats.unknownRoutes.push(routeKey);

    // Authentication: the app's JWT on the app flow's routes, a token everywhere else.
    const auth = req.headers.authorization ?? '';
    const presented = auth.replace(/^(token|bearer)\s+/i, '');
    if (!presented) return send(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' });
    let token: FakeToken | undefined;
    if (appRoute && app) {
      const jwt = app.authenticate(auth);
      if (!jwt.ok) return send(jwt.answer.status, jwt.answer.body);
      token = jwt.actor;
    } else {
      token = estate.tokens.find((t) => t.token === presented) ?? app?.installationToken(presented);
    }
    if (!token) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    if (token.type === 'classic') {
      headers['x-oauth-scopes'] = (token.scopes ?? []).join(', ');
      headers['x-accepted-oauth-scopes'] = '';
    }
    const b = bucketsFor(token.token);
    const rateHeaders = (resource: 'core' | 'graphql' | 'search') => {
      const bucket = b[resource];
      return {
        'x-ratelimit-limit': String(bucket.limit),
        'x-ratelimit-remaining': String(Math.max(0, bucket.limit - bucket.used)),
        'x-ratelimit-used': String(bucket.used),
        'x-ratelimit-reset': String(resetAt),
        'x-ratelimit-resource': resource,
      };
    };

    // Injected faults, counted per route (per operation for GraphQL).
    const operation = isGraphQL ? graphqlOperationName(body) : undefined;
    const fault = faults.take(operation ? `${GRAPHQL_ROUTE} ${operation}` : routeKey, (f) =>
      (f.route === undefined || f.route === routeKey) && (f.operation === undefined || f.operation === operation) && (f.kind !== 'graphql-rate-limited' || isGraphQL));
    if (fault) {
      stats.faulted++;
      const resource = isGraphQL ? 'graphql' : match?.route.resource ?? 'core';
      switch (fault.kind) {
        case 'secondary-rate-limit':
        case 'too-many-requests':
          Object.assign(headers, rateHeaders(resource));
          return send(
            fault.kind === 'too-many-requests' ? 429 : 403,
            {
              message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
              documentation_url: SECONDARY_DOCS,
              status: fault.kind === 'too-many-requests' ? '429' : '403',
            },
            { 'retry-after': String(fault.retryAfter ?? 60) },
          );
        case 'primary-rate-limit': {
          const bucket = b[resource];
          const reset = Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 3600);
          Object.assign(headers, rateHeaders(resource), { 'x-ratelimit-remaining': '0', 'x-ratelimit-used': String(bucket.limit), 'x-ratelimit-reset': String(reset) });
          return send(403, { message: `API rate limit exceeded for user ID ${token.login.length}. If you reach out to GitHub Support for help, please include the request ID ${requestId} and timestamp ${new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}.`, documentation_url: PRIMARY_DOCS, status: '403' });
        }
        case 'graphql-rate-limited':
          // GitHub answers an exhausted GraphQL budget with HTTP 200 and a RATE_LIMITED error.
          Object.assign(headers, rateHeaders('graphql'));
          return send(
            200,
            { data: null, errors: [{ type: 'RATE_LIMITED', code: 'graphql_rate_limit', message: `API rate limit already exceeded for user ID ${token.login.length}.` }] },
            { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + (fault.resetInSeconds ?? 3600)) },
          );
        case 'server-error': {
          const status = fault.status ?? 502;
          return send(status, serverErrorBody(status));
        }
        case 'connection-reset':
          req.socket.destroy();
          return;
        case 'repeat-page':
          break;
        default:
          if (MANGLES.has(fault.kind)) mangle = fault.kind as Mangle;
      }
    }
    const repeatPage = fault?.kind === 'repeat-page';

    if (appRoute && app) {
      // A JWT has its own budget at GitHub; these few requests spend none of the installation's.
      const answer = app.handle(appRoute, { base, estate });
      return send(answer.status, answer.body);
    }

    if (url.pathname === '/rate_limit' && method === 'GET') {
      // GET /rate_limit does not count against the primary limit.
      const view = (r: 'core' | 'graphql' | 'search') => ({ limit: b[r].limit, used: b[r].used, remaining: Math.max(0, b[r].limit - b[r].used), reset: resetAt });
      Object.assign(headers, rateHeaders('core'));
      return send(200, { resources: { core: view('core'), graphql: view('graphql'), search: view('search') }, rate: view('core') });
    }

    if (isGraphQL) return handleGraphQL(token, body, b, rateHeaders, send, headers, repeatPage);

    if (!match) {
      Object.assign(headers, rateHeaders('core'));
      return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
    }
    const resource = match.route.resource ?? 'core';
    const bucket = b[resource];
    Object.assign(headers, rateHeaders(resource));
    if (bucket.used >= bucket.limit) {
      return send(403, { message: `API rate limit exceeded for user ID ${token.login.length}.`, documentation_url: PRIMARY_DOCS, status: '403' });
    }

    const result = match.route.handle({ params: match.params, query: url.searchParams, token, estate, base });
    const paged = paginate(result, url, base);
    const { status, payload } = paged;
    // 'repeat-page': the next page is the one just served.
    const link = repeatPage && 'list' in result ? `<${new URL(url.pathname + url.search, base).toString()}>; rel="next"` : paged.link;

    // ETags vary with the token, as GitHub's do (Vary: Authorization).
    const etag = status === 200 ? `W/"${createHash('sha256').update(token.token).update('\n').update(JSON.stringify(payload)).digest('hex').slice(0, 40)}"` : undefined;
    if (etag && req.headers['if-none-match'] === etag && !mangle) {
      stats.notModified++;
      // A 304 costs nothing: the headers show the budget untouched.
      return send(304, undefined, { etag, ...(link ? { link } : {}) });
    }
    bucket.used++;
    stats.rateLimitPointsSpent++;
    Object.assign(headers, rateHeaders(resource));
    return send(status, payload, { ...(etag ? { etag } : {}), ...(link ? { link } : {}), ...('headers' in result && result.headers ? result.headers : {}) });
  }

  function handleGraphQL(
    token: FakeToken,
    rawBody: string,
    b: Record<'core' | 'graphql' | 'search', Bucket>,
    rateHeaders: (r: 'core' | 'graphql' | 'search') => Record<string, string>,
    send: (status: number, payload?: unknown, extra?: Record<string, string>) => void,
    headers: Record<string, string>,
    repeatPage: boolean,
  ): void {
    if (opts.graphqlUnavailable) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' });
    Object.assign(headers, rateHeaders('graphql'));
    let parsed: { query?: string; variables?: Record<string, unknown> };
    try {
      parsed = JSON.parse(rawBody) as typeof parsed;
    } catch {
      return send(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
    }
    let doc;
    try {
      doc = parseGraphQL(parsed.query ?? '');
    } catch (err) {
      if (err instanceof GqlSyntaxError) return send(200, { errors: [{ message: `Parse error: ${err.message}` }] });
      throw err;
    }
    const variables = parsed.variables ?? {};
    const { cost, nodes } = graphqlCost(doc, variables);
    if (nodes > 500_000) return send(200, { errors: [{ message: `By the time this query traverses to the ${nodes} connection, it is requesting up to ${nodes} possible nodes which exceeds the maximum limit of 500,000.` }] });
    const bucket = b.graphql;
    if (bucket.used + cost > bucket.limit) {
      return send(200, { data: null, errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] }, { 'x-ratelimit-remaining': '0' });
    }
    bucket.used += cost;
    stats.rateLimitPointsSpent += cost;
    Object.assign(headers, rateHeaders('graphql'));
    const root = buildRoot(estate, token, {
      ...(opts.graphqlMissingFields ? { missingFields: opts.graphqlMissingFields } : {}),
      rateLimit: () => ({ limit: bucket.limit, remaining: Math.max(0, bucket.limit - bucket.used), used: bucket.used, resetAt: new Date(resetAt * 1000).toISOString(), cost, nodeCount: nodes }),
    });
    const answer = executeGraphQL(doc, variables, root);
    for (const e of answer.errors ?? []) {
      const ext = e.extensions as { code?: string; typeName?: string; fieldName?: string } | undefined;
      const field = `${ext?.typeName}.${ext?.fieldName}`;
      if (ext?.code === 'undefinedField' && !opts.graphqlMissingFields?.includes(field)) stats.unknownRoutes.push(`${GRAPHQL_ROUTE} ${field}`);
    }
    if (repeatPage) repeatPageInfo(answer.data, typeof variables['after'] === 'string' ? variables['after'] : undefined);
    return send(200, answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setFaults: (next) => faults.reset(next),
    mintedTokens: app?.minted ?? [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function fakeRequestId(n: number): string {
  const h = createHash('sha1').update(String(n)).digest('hex').toUpperCase();
  return `${h.slice(0, 4)}:${h.slice(4, 8)}:${h.slice(8, 14)}:${h.slice(14, 20)}:${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Page lists the way GitHub does: per_page (default 30, max 100), page numbers or cursors, and a Link header. */
function paginate(result: RestResult, url: URL, base: string): { status: number; payload: unknown; link?: string } {
  if (!('list' in result)) return { status: result.status, payload: result.body };
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const items = result.list;
  const pageUrl = (set: Record<string, string>, drop: string[] = []) => {
    const u = new URL(url.pathname + url.search, base);
    for (const d of drop) u.searchParams.delete(d);
    for (const [k, v] of Object.entries(set)) u.searchParams.set(k, v);
    return u.toString();
  };
  if (result.cursor) {
    const after = url.searchParams.get('after');
    const start = after ? Number(Buffer.from(after, 'base64').toString('utf8').replace('idx:', '')) + 1 : 0;
    const slice = items.slice(start, start + perPage);
    const end = start + slice.length;
    const link = end < items.length ? `<${pageUrl({ per_page: String(perPage), after: Buffer.from(`idx:${end - 1}`).toString('base64') })}>; rel="next"` : undefined;
    return link ? { status: 200, payload: slice, link } : { status: 200, payload: slice };
  }
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const rels: string[] = [];
  if (page > 1) rels.push(`<${pageUrl({ per_page: String(perPage), page: String(page - 1) })}>; rel="prev"`);
  if (page < last) rels.push(`<${pageUrl({ per_page: String(perPage), page: String(page + 1) })}>; rel="next"`);
  if (page < last) rels.push(`<${pageUrl({ per_page: String(perPage), page: String(last) })}>; rel="last"`);
  if (page > 1) rels.push(`<${pageUrl({ per_page: String(perPage), page: '1' })}>; rel="first"`);
  return rels.length ? { status: 200, payload: slice, link: rels.join(', ') } : { status: 200, payload: slice };
}

