/**
 * A fetch for the test harness that lets a test change what the fake GitHub answers before the
 * real Octokit client sees it: drop a field GitHub's description marks optional, null a nullable
 * one, or reword an error message. The collectors then run through their real HTTP path on an
 * answer GitHub may give but the fake does not.
 */

export interface Exchange {
  method: string;
  /** Path without the query string, e.g. /repos/acme/api/branches/main/protection. */
  path: string;
  status: number;
  /** The request body, parsed, for POST /graphql. */
  request?: { query?: string; variables?: Record<string, unknown> };
}

/** Returns the new body, or undefined to leave the answer alone. Bodies are parsed JSON. */
export type Rewrite = (body: unknown, exchange: Exchange) => unknown;

export function rewritingFetch(rewrite: Rewrite, inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const text = await res.text();
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    let request: Exchange['request'];
    if (typeof init?.body === 'string') {
      try {
        request = JSON.parse(init.body) as Exchange['request'];
      } catch {
        request = undefined;
      }
    }
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const changed = body === undefined ? undefined : rewrite(structuredClone(body), { method, path: url.pathname, status: res.status, ...(request ? { request } : {}) });
    const out = changed === undefined ? text : JSON.stringify(changed);
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    // A changed body has a different ETag in truth: drop it so the cache cannot serve the old one.
    if (changed !== undefined) headers.delete('etag');
    return new Response(res.status === 304 || res.status === 204 ? null : out, { status: res.status, statusText: res.statusText, headers });
  };
}
