/**
 * Requests through ctx.github.octokit that record what was asked (ApiCall: operation, parameters,
 * time, request id, status, host, pages and items; a GraphQL query's cost) and turn failures into
 * gaps with the permission that would close them. Collectors use these instead of calling Octokit directly, so every evidence file
 * lists the calls it relied on. Type-only Octokit imports: loading this module loads no SDK.
 */
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { CACHE_HEADER, CACHE_NOTE_HEADER } from './etag-cache.js';
import { ForeignOriginError } from './endpoint.js';
import { IncompleteAnswerError } from './complete-json.js';
import { errorStatus } from '../../util/error-status.js';

export type ResponseHeaders = Record<string, string | number | undefined>;

/** GitHub's own message ("Branch not protected"), without Octokit's " - <docs url>" suffix. */
export function errorMessage(e: unknown): string {
  const data = (e as { response?: { data?: unknown } } | undefined)?.response?.data;
  if (data && typeof data === 'object' && 'message' in data && typeof (data as { message: unknown }).message === 'string') return (data as { message: string }).message;
  if (typeof data === 'string' && data) return data;
  return e instanceof Error ? e.message : String(e);
}

function errorHeaders(e: unknown): ResponseHeaders {
  return ((e as { response?: { headers?: ResponseHeaders } } | undefined)?.response?.headers ?? {}) as ResponseHeaders;
}

export function hostOf(ctx: CollectContext<'github'>): string {
  try {
    return new URL(ctx.github?.capabilities.apiUrl ?? 'https://api.github.com').host;
  } catch {
    return 'api.github.com';
  }
}

/** What the ETag cache did for one response (from the markers etag-cache.ts sets). */
function cacheOf(headers: ResponseHeaders): Pick<ApiCall, 'cache' | 'cacheNote'> {
  const mark = headers[CACHE_HEADER];
  if (mark === 'revalidated') return { cache: 'revalidated' };
  if (mark === 'discarded') return { cache: 'discarded', cacheNote: String(headers[CACHE_NOTE_HEADER] ?? 'the cache entry did not verify') };
  return {};
}

function call(ctx: CollectContext<'github'>, source: string, operation: string, params: Record<string, unknown>, at: string, headers: ResponseHeaders, status: number | undefined, extra: Partial<ApiCall> = {}): ApiCall {
  const requestId = headers['x-github-request-id'];
  const recorded = { ...cacheOf(headers), ...extra };
  const revalidated = recorded.cache === 'revalidated';
  return {
    source,
    operation,
    params,
    at,
    ...(requestId !== undefined ? { requestId: String(requestId) } : {}),
    ...(status !== undefined ? { status: revalidated ? 304 : status } : {}),
    host: hostOf(ctx),
    ...recorded,
  };
}

function octokitOf(ctx: CollectContext<'github'>) {
  if (!ctx.github) throw new Error('GitHub collector called without ctx.github');
  return ctx.github.octokit;
}

/** One REST GET; the call is recorded whether it succeeds or fails. */
export async function restGet<T = unknown>(ctx: CollectContext<'github'>, calls: ApiCall[], route: string, params: Record<string, string | number | boolean>): Promise<{ data: T; status: number; headers: ResponseHeaders }> {
  const at = ctx.now().toISOString();
  try {
    const res = await octokitOf(ctx).request(`GET ${route}`, { ...params, request: { signal: ctx.signal } });
    calls.push(call(ctx, 'github-rest', `GET ${route}`, params, at, res.headers as ResponseHeaders, res.status));
    return { data: res.data as T, status: res.status, headers: res.headers as ResponseHeaders };
  } catch (e) {
    calls.push(call(ctx, 'github-rest', `GET ${route}`, params, at, errorHeaders(e), errorStatus(e)));
    throw e;
  }
}

/** GitHub's Link header sent the paginator back to a page it had already read: following it would never end. */
export class RepeatedPageError extends Error {
  override readonly name = 'RepeatedPageError';
  constructor(url: string, readonly pages: number) {
    super(`GitHub's Link header pointed back at a page already read (${pathOf(url)}) after ${pages} page(s)`);
  }
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** A page's URL with its query sorted, so the same page is recognised however its link spells it. */
function pageKey(url: string): string {
  try {
    const u = new URL(url);
    u.searchParams.sort();
    return u.toString();
  } catch {
    return url;
  }
}

function nextLink(link: unknown): string | undefined {
  return typeof link === 'string' ? /<([^<>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
}

/**
 * A paginated REST list, following Link headers to the end; one ApiCall with pages and items. A
 * `next` link back to a page already read is a RepeatedPageError, not an endless loop.
 */
export async function restList<T = unknown>(ctx: CollectContext<'github'>, calls: ApiCall[], route: string, params: Record<string, string | number | boolean>): Promise<T[]> {
  const at = ctx.now().toISOString();
  const items: T[] = [];
  let pages = 0;
  let last: { headers: ResponseHeaders; status: number } | undefined;
  const cachePerPage: Array<Pick<ApiCall, 'cache' | 'cacheNote'>> = [];
  try {
    const octokit = octokitOf(ctx);
    const query = { per_page: 100, ...params };
    // The paginator sends each page as { method, url, headers } only, dropping per-call request
    // options: the signal must be a default of the request function it is given, or no page of a
    // list could be stopped by a timeout or the end of the run.
    const pageRequest = octokit.request.defaults({ method: 'GET', url: route, request: { signal: ctx.signal } });
    const visited = new Set([pageKey(pageRequest.endpoint(query as never).url)]);
    const iterator = octokit.paginate.iterator(pageRequest as never, query as never) as AsyncIterable<{ data: unknown; headers: ResponseHeaders; status: number }>;
    for await (const page of iterator) {
      pages++;
      if (!Array.isArray(page.data)) throw new Error(`GitHub answered page ${pages} of GET ${route} with something other than a list`);
      items.push(...(page.data as T[]));
      last = { headers: page.headers, status: page.status };
      cachePerPage.push(cacheOf(page.headers));
      const next = nextLink(page.headers['link']);
      if (next !== undefined) {
        if (visited.has(pageKey(next))) throw new RepeatedPageError(next, pages);
        visited.add(pageKey(next));
      }
    }
  } catch (e) {
    cachePerPage.push(cacheOf(errorHeaders(e)));
    calls.push(call(ctx, 'github-rest', `GET ${route}`, { per_page: 100, ...params }, at, withoutCacheMarks(errorHeaders(e)), errorStatus(e), { pages, items: items.length, ...pagesCache(cachePerPage) }));
    throw e;
  }
  calls.push(call(ctx, 'github-rest', `GET ${route}`, { per_page: 100, ...params }, at, withoutCacheMarks(last?.headers ?? {}), last?.status ?? 200, { pages, items: items.length, ...pagesCache(cachePerPage) }));
  return items;
}

/** A list is 'revalidated' only when every page was; 'discarded' when any page's entry was. */
function pagesCache(pages: ReadonlyArray<Pick<ApiCall, 'cache' | 'cacheNote'>>): Pick<ApiCall, 'cache' | 'cacheNote'> {
  const discarded = pages.find((p) => p.cache === 'discarded');
  if (discarded) return discarded;
  return pages.length > 0 && pages.every((p) => p.cache === 'revalidated') ? { cache: 'revalidated' } : {};
}

function withoutCacheMarks(headers: ResponseHeaders): ResponseHeaders {
  const { [CACHE_HEADER]: _mark, [CACHE_NOTE_HEADER]: _note, ...rest } = headers;
  return rest;
}

export interface GraphQLErrorItem {
  message: string;
  type?: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export function graphqlUrl(apiUrl: string): string {
  // GHES serves REST at /api/v3 and GraphQL at /api/graphql.
  return /\/api\/v3\/?$/.test(apiUrl) ? apiUrl.replace(/\/api\/v3\/?$/, '/api/graphql') : `${apiUrl}/graphql`;
}

/**
 * A GraphQL query. Partial data with field errors comes back as { data, errors } (GitHub answers
 * HTTP 200 for those); HTTP failures throw. `operation` names the query in the recorded call.
 */
export async function graphql<T>(ctx: CollectContext<'github'>, calls: ApiCall[], operation: string, query: string, variables: Record<string, unknown>): Promise<{ data: T | null; errors: GraphQLErrorItem[]; cost?: number }> {
  const at = ctx.now().toISOString();
  const url = graphqlUrl(ctx.github?.capabilities.apiUrl ?? 'https://api.github.com');
  try {
    const res = await octokitOf(ctx).request({ method: 'POST', url, query, variables, request: { signal: ctx.signal } } as never);
    const body = res.data as { data?: T | null; errors?: GraphQLErrorItem[] };
    const data = body.data ?? null;
    const cost = (data as { rateLimit?: { cost?: number } } | null)?.rateLimit?.cost;
    calls.push(call(ctx, 'github-graphql', `POST /graphql ${operation}`, { query, variables }, at, res.headers as ResponseHeaders, res.status, cost !== undefined ? { cost } : {}));
    return { data, errors: body.errors ?? [], ...(cost !== undefined ? { cost } : {}) };
  } catch (e) {
    calls.push(call(ctx, 'github-graphql', `POST /graphql ${operation}`, { query, variables }, at, errorHeaders(e), errorStatus(e)));
    throw e;
  }
}

/**
 * Is this a rate-limit refusal (primary or secondary) rather than a permission one? The message
 * text is a hint only; GitHub documents the headers: `x-ratelimit-remaining: 0` for the primary
 * limit, `retry-after` on a 403/429 for the secondary one.
 */
export function isRateLimit(e: unknown): boolean {
  const status = errorStatus(e);
  const headers = errorHeaders(e);
  if (status === 429 || String(headers['x-ratelimit-remaining']) === '0') return true;
  if (status === 403 && headers['retry-after'] !== undefined) return true;
  return (status === 403 || status === undefined) && /rate limit/i.test(errorMessage(e));
}

/**
 * Why a request got no answer from GitHub, when that is what happened: the connection failed, or
 * the answer broke off or did not parse (Octokit wraps both as status 500 without a response).
 */
function transportFailure(e: unknown): string | undefined {
  const x = e as { name?: unknown; response?: unknown; cause?: unknown; message?: unknown } | undefined;
  if (x?.name !== 'HttpError' || x.response !== undefined || x.cause === undefined) return undefined;
  if (x.cause instanceof IncompleteAnswerError) return x.cause.message;
  return `the connection to GitHub failed (${String(x.message)})`;
}

/**
 * A failed read as a gap. 403 and ambiguous 404s name the permission that would close them —
 * never "feature disabled" (DESIGN: permission denied is not disabled).
 */
export function gapFromError(e: unknown, where: { resource?: string; permission?: string; what: string; operation: string }): Gap {
  const status = errorStatus(e);
  const message = errorMessage(e);
  const subject = where.resource ? `${where.resource}: ` : '';
  const base = { ...(where.resource ? { resource: where.resource } : {}) };
  if (e instanceof ForeignOriginError) {
    return { ...base, kind: 'other', message: `${subject}${where.operation}: soc2 ${e.message}; ${where.what} could not be read. Check the API URL, and any proxy in front of GitHub.` };
  }
  // Before the status checks: Octokit marks an aborted request as status 500.
  if ((e as { name?: string } | undefined)?.name === 'AbortError') return { ...base, kind: 'timeout', message: `${subject}${where.operation} timed out; ${where.what} could not be read.` };
  if (e instanceof RepeatedPageError) {
    return { ...base, kind: 'other', message: `${subject}${where.operation}: ${e.message}, so soc2 stopped reading; ${where.what} could not be read completely. Run again; if it persists, report it to GitHub Support.` };
  }
  const broken = transportFailure(e);
  if (broken) return { ...base, kind: 'unavailable', message: `${subject}${where.operation}: ${broken}, also after retrying; ${where.what} could not be read.` };
  if (isRateLimit(e)) {
    return { ...base, kind: 'rate-limit', message: `${subject}GitHub rate limit exhausted on ${where.operation} ("${message}"); ${where.what} could not be read. Run again after the reset, or shard the run.` };
  }
  if (status === 401) return { ...base, kind: 'credentials', message: `${subject}GitHub rejected the token (401) on ${where.operation}.` };
  if (status === 403 || status === 404) {
    return {
      ...base,
      kind: 'permission',
      ...(where.permission ? { permission: where.permission } : {}),
      message: `${subject}token lacks ${where.permission ?? 'access'}: GitHub answered ${status} "${message}" to ${where.operation}, so ${where.what} could not be read (not treated as disabled).`,
    };
  }
  if (status !== undefined && status >= 500) return { ...base, kind: 'unavailable', message: `${subject}GitHub answered ${status} to ${where.operation}; ${where.what} could not be read.` };
  return { ...base, kind: 'other', message: `${subject}${where.operation} failed (${status ?? 'no status'}: ${message}); ${where.what} could not be read.` };
}

/** A GraphQL field error as a gap. FORBIDDEN and NOT_FOUND are permission gaps. */
export function gapFromGraphQLError(err: GraphQLErrorItem, where: { resource: string; permission?: string; what: string }): Gap {
  const type = err.type ?? String(err.extensions?.['code'] ?? '');
  if (type === 'RATE_LIMITED') return { resource: where.resource, kind: 'rate-limit', message: `${where.resource}: GitHub GraphQL rate limit exhausted; ${where.what} could not be read.` };
  if (type === 'FORBIDDEN' || type === 'NOT_FOUND' || /not accessible|push access|permission/i.test(err.message)) {
    return {
      resource: where.resource,
      kind: 'permission',
      ...(where.permission ? { permission: where.permission } : {}),
      message: `${where.resource}: token lacks ${where.permission ?? 'access'}: GitHub GraphQL answered ${type || 'an error'} "${err.message}", so ${where.what} could not be read (not treated as disabled).`,
    };
  }
  return { resource: where.resource, kind: 'other', message: `${where.resource}: GitHub GraphQL error "${err.message}"; ${where.what} could not be read.` };
}
