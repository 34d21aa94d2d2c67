/**
 * Counts the HTTP requests the run makes and reads GitHub's rate-limit headers off the responses,
 * for the progress line. It listens on Node's diagnostics channels — fetch (undici, which Octokit
 * uses) and node:http (which the AWS SDK uses) — so no client needs to know about it, and it only
 * observes: nothing is changed, nothing is recorded.
 */
import diagnostics from 'node:diagnostics_channel';
import type { RequestCounts } from './terminal.js';

export interface RequestMeter {
  counts(): RequestCounts;
  stop(): void;
}

type Headers = Record<string, string | string[] | undefined>;

/** undici passes raw headers as [name, value, name, value, …] buffers. */
function fromRaw(raw: unknown): Headers {
  const out: Headers = {};
  if (!Array.isArray(raw)) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) out[String(raw[i]).toLowerCase()] = String(raw[i + 1]);
  return out;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export function startRequestMeter(): RequestMeter {
  const state: RequestCounts = { requests: 0, github: {} };
  const count = () => {
    state.requests++;
  };
  const budget = (headers: Headers) => {
    const remaining = Number(first(headers['x-ratelimit-remaining']));
    const limit = Number(first(headers['x-ratelimit-limit']));
    if (!Number.isInteger(remaining) || !Number.isInteger(limit) || limit <= 0) return;
    // GitHub names the budget a response drew on; a server too old to say uses the REST one.
    state.github[first(headers['x-ratelimit-resource']) ?? 'core'] = { remaining, limit };
  };
  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['undici:request:create', count],
    ['undici:request:headers', (m) => budget(fromRaw((m as { response?: { headers?: unknown } }).response?.headers))],
    ['http.client.request.start', count],
    ['http.client.response.finish', (m) => budget(((m as { response?: { headers?: Headers } }).response?.headers) ?? {})],
  ];
  for (const [name, fn] of subscriptions) diagnostics.subscribe(name, fn);
  return {
    counts: () => ({ requests: state.requests, github: { ...state.github } }),
    stop: () => {
      for (const [name, fn] of subscriptions) diagnostics.unsubscribe(name, fn);
    },
  };
}
