/**
 * A fetch for the test harness that records every exchange with the fake GitHub as the fake sent
 * it — method, path, query, status, parsed body, and the GraphQL document — so a test can check
 * the requests the collectors make and the answers the fake gives against GitHub's own descriptions.
 */

export interface RecordedExchange {
  method: string;
  path: string;
  /** Query parameters in order, repeated keys kept. */
  query: Array<[string, string]>;
  status: number;
  /** Parsed JSON body, or undefined for an empty or non-JSON body. */
  body: unknown;
  /** POST /graphql: the query document and variables sent. */
  graphql?: { query: string; variables: Record<string, unknown> };
}

export function recordingFetch(log: RecordedExchange[], inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    const text = await res.clone().text();
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    let graphql: RecordedExchange['graphql'];
    if (url.pathname === '/graphql' && typeof init?.body === 'string') {
      const sent = JSON.parse(init.body) as { query: string; variables?: Record<string, unknown> };
      graphql = { query: sent.query, variables: sent.variables ?? {} };
    }
    log.push({ method: (init?.method ?? 'GET').toUpperCase(), path: url.pathname, query: [...url.searchParams.entries()], status: res.status, body, ...(graphql ? { graphql } : {}) });
    return res;
  };
}
