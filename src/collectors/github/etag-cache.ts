/**
 * Conditional requests for Octokit: a `fetch` wrapper that remembers each GET response's ETag and
 * body on disk and revalidates with If-None-Match on the next run. GitHub answers an unchanged
 * resource with 304, which costs no rate limit; the wrapper then hands Octokit the cached body as
 * an ordinary 200 (Octokit would otherwise throw on 304), marked with `x-soc2-cache: revalidated`.
 *
 * Entries are keyed by a SHA-256 of the credential, Accept header and URL — the token itself is
 * never written — because GitHub's responses vary with who asks (Vary: Authorization).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Marks a response that was served from the cache after a 304. */
export const REVALIDATED_HEADER = 'x-soc2-cache';

interface Entry {
  url: string;
  etag: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Response headers worth keeping with a cached body (pagination and content type). */
const KEPT_HEADERS = ['content-type', 'link', 'etag', 'x-oauth-scopes', 'x-accepted-oauth-scopes', 'x-github-media-type'];
/** Headers taken from the fresh 304, which carry the current budget and the new request id. */
const FRESH_HEADERS = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-used', 'x-ratelimit-reset', 'x-ratelimit-resource', 'x-github-request-id', 'date', 'x-oauth-scopes'];

export interface EtagCacheStats {
  revalidated: number;
  stored: number;
}

function urlOf(input: string | URL | Request): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

/** Replaces any `secret` value in a JSON body (GitHub masks webhook secrets already; belt and braces). */
function maskSecrets(body: string): string {
  if (!body.includes('"secret"')) return body;
  try {
    return JSON.stringify(JSON.parse(body), (k, v: unknown) => (k === 'secret' && typeof v === 'string' ? '********' : v));
  } catch {
    return body;
  }
}

export function cachingFetch(cacheDir: string, inner: typeof fetch = globalThis.fetch): { fetch: typeof fetch; stats: EtagCacheStats } {
  const dir = join(cacheDir, 'etags');
  const stats: EtagCacheStats = { revalidated: 0, stored: 0 };
  let ready: Promise<unknown> | undefined;

  const pathFor = (headers: Headers, url: string) => {
    const who = createHash('sha256').update(headers.get('authorization') ?? '').digest('hex');
    const key = createHash('sha256').update(`${who}\n${headers.get('accept') ?? ''}\n${url}`).digest('hex');
    return join(dir, key.slice(0, 2), `${key}.json`);
  };

  const read = async (file: string): Promise<Entry | undefined> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as Entry;
    } catch {
      return undefined; // absent or unreadable: just ask GitHub
    }
  };

  const write = async (file: string, entry: Entry) => {
    ready ??= mkdir(dir, { recursive: true });
    await ready;
    await mkdir(join(file, '..'), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(entry));
    await rename(tmp, file); // atomic: concurrent runs never read half an entry
  };

  const wrapped: typeof fetch = async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET') return inner(input, init);
    const url = urlOf(input);
    const headers = new Headers(init?.headers);
    const file = pathFor(headers, url);
    const cached = await read(file);
    if (cached && cached.url === url) headers.set('if-none-match', cached.etag);
    const res = await inner(input, { ...init, headers });

    if (res.status === 304 && cached) {
      stats.revalidated++;
      const merged = new Headers(cached.headers);
      for (const name of FRESH_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) merged.set(name, v);
      }
      merged.set(REVALIDATED_HEADER, 'revalidated');
      return new Response(cached.body, { status: cached.status, headers: merged });
    }
    const etag = res.headers.get('etag');
    if (res.status === 200 && etag) {
      const body = await res.text();
      const kept: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const v = res.headers.get(name);
        if (v !== null) kept[name] = v;
      }
      try {
        await write(file, { url, etag, status: 200, headers: kept, body: maskSecrets(body) });
        stats.stored++;
      } catch {
        // A read-only or full disk only costs the next run its 304s; the response is still good.
      }
      return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
    }
    return res;
  };
  return { fetch: wrapped, stats };
}
