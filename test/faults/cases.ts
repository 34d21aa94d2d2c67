/**
 * The faults of the matrix: each a fault list for one fake server, what the collectors must make
 * of it, and the words their reasons must use. "×1" faults fail the first request of each route or
 * operation (a retry is right); the others never clear (the evidence must end incomplete, naming
 * the fault). Every collector reached by a fault is checked against the run without it.
 */
import type { ApiCall } from '../../src/collectors/types.js';
import type { AwsFault } from '../../src/sandbox/aws-config-server.js';
import type { GitHubFault } from '../../src/sandbox/github-server.js';

export type Expectation =
  /** The evidence must be exactly that of the run without the fault. */
  | 'recovers'
  /** The evidence must be incomplete, or the collector stopped, with a reason naming the fault. */
  | 'error'
  /** Either, depending on how often the collector repeats a request (a fault after the first page). */
  | 'either';

interface CaseBase {
  /** Short id, also the matrix's row label. */
  id: string;
  /** What the fault does, for the legend. */
  label: string;
  expect: Expectation;
  /** What the reason of an `error` outcome must say. */
  names: RegExp;
  /** Which collectors the fault can reach, judged by the calls they made without it (default: all of the source). */
  reaches?: (calls: readonly ApiCall[]) => boolean;
  /** Collector timeout for this case, in ms (default: generous, so only a hang can hit it). */
  timeoutMs?: number;
}

export type FaultCase = CaseBase & ({ source: 'aws'; faults: AwsFault[] } | { source: 'github'; faults: GitHubFault[] });

/** A collector timeout no healthy read comes near, even on a busy machine. */
export const GENEROUS_TIMEOUT_MS = 120_000;
/** The timeout for the never-ending answer: what the matrix checks is that the run ends on it. */
export const HANG_TIMEOUT_MS = 1_500;

const paginated = (calls: readonly ApiCall[]) => calls.some((c) => c.pages !== undefined || /^POST \/graphql (MergedPulls|DefaultBranchHistory)/.test(c.operation));
const readsChanges = (calls: readonly ApiCall[]) => calls.some((c) => /^POST \/graphql (MergedPulls|DefaultBranchHistory)/.test(c.operation));
const usesGraphQL = (calls: readonly ApiCall[]) => calls.some((c) => c.source === 'github-graphql');
/** A route or operation asked more than once (pages, regions, repositories): a fault after the first can reach it. */
const repeats = (calls: readonly ApiCall[]) => {
  const seen = new Map<string, number>();
  for (const c of calls) seen.set(c.operation, (seen.get(c.operation) ?? 0) + Math.max(1, c.pages ?? 1));
  return [...seen.values()].some((n) => n > 1);
};

export const FAULT_CASES: readonly FaultCase[] = [
  // ── AWS Config ────────────────────────────────────────────────────────────────────────────
  { id: 'throttled ×1', source: 'aws', faults: [{ kind: 'throttle', times: 1 }], label: 'HTTP 400 ThrottlingException (AWS\'s namespaced `__type`) on the first request of each operation', expect: 'recovers', names: /thrott/i },
  { id: 'throttled always', source: 'aws', faults: [{ kind: 'throttle' }], label: 'ThrottlingException on every request', expect: 'error', names: /kept throttling/ },
  { id: '500 ×1', source: 'aws', faults: [{ kind: 'server-error', status: 500, times: 1 }], label: '500 InternalFailure on the first request of each operation', expect: 'recovers', names: /500/ },
  { id: '502 ×1', source: 'aws', faults: [{ kind: 'server-error', status: 502, times: 1 }], label: '502 with a gateway\'s HTML page on the first request of each operation', expect: 'recovers', names: /502/ },
  { id: '503 always', source: 'aws', faults: [{ kind: 'server-error', status: 503 }], label: '503 ServiceUnavailable on every request', expect: 'error', names: /ServiceUnavailable.*HTTP 503/ },
  { id: 'reset ×1', source: 'aws', faults: [{ kind: 'connection-reset', times: 1 }], label: 'connection reset before the answer, first request of each operation', expect: 'recovers', names: /ECONNRESET/ },
  { id: 'reset always', source: 'aws', faults: [{ kind: 'connection-reset' }], label: 'connection reset on every request', expect: 'error', names: /ECONNRESET/ },
  { id: 'never ends', source: 'aws', faults: [{ kind: 'never-ends', times: 1 }], label: 'headers and half the body, then nothing, on the first request of each operation', expect: 'error', names: /did not finish within/, timeoutMs: HANG_TIMEOUT_MS },
  { id: 'truncated ×1', source: 'aws', faults: [{ kind: 'truncated-body', times: 1 }], label: 'half the body, then the connection closes, first request of each operation', expect: 'recovers', names: /ECONNRESET/ },
  { id: 'truncated always', source: 'aws', faults: [{ kind: 'truncated-body' }], label: 'half the body, then the connection closes, every request', expect: 'error', names: /ECONNRESET/ },
  { id: 'malformed ×1', source: 'aws', faults: [{ kind: 'malformed-json', times: 1 }], label: 'a complete answer whose body is half a JSON document, first request of each operation (the SDK does not retry it)', expect: 'error', names: /not complete JSON/ },
  { id: 'empty body ×1', source: 'aws', faults: [{ kind: 'empty-body', times: 1 }], label: 'HTTP 200 with an empty body, first request of each operation', expect: 'error', names: /empty|without (its|the) list/ },
  { id: 'token repeats', source: 'aws', faults: [{ kind: 'repeat-page' }], label: 'a paginated operation hands back the same NextToken for ever', expect: 'error', names: /same NextToken/, reaches: paginated },
  { id: '503 after the first page', source: 'aws', faults: [{ kind: 'server-error', status: 503, skip: 1 }], label: 'every request of an operation after its first fails with 503 (pages, other regions, other rules)', expect: 'either', names: /HTTP 503/, reaches: repeats },
  // ── GitHub ────────────────────────────────────────────────────────────────────────────────
  { id: 'secondary limit ×1', source: 'github', faults: [{ kind: 'secondary-rate-limit', times: 1, retryAfter: 1 }], label: '403 secondary rate limit with `retry-after: 1` on the first request of each route', expect: 'recovers', names: /secondary rate limit/ },
  { id: 'secondary limit always', source: 'github', faults: [{ kind: 'secondary-rate-limit' }], label: '403 secondary rate limit on every request', expect: 'error', names: /secondary rate limit/ },
  { id: '429 ×1', source: 'github', faults: [{ kind: 'too-many-requests', times: 1, retryAfter: 1 }], label: '429 with `retry-after: 1` on the first request of each route', expect: 'recovers', names: /429|secondary rate limit/ },
  { id: '429 always', source: 'github', faults: [{ kind: 'too-many-requests' }], label: '429 on every request', expect: 'error', names: /secondary rate limit/ },
  { id: 'primary limit, resets in 1 s', source: 'github', faults: [{ kind: 'primary-rate-limit', times: 1, resetInSeconds: 1 }], label: '403 with `x-ratelimit-remaining: 0`, resetting a second later, first request of each route', expect: 'recovers', names: /API rate limit exceeded/ },
  { id: 'primary limit for an hour', source: 'github', faults: [{ kind: 'primary-rate-limit' }], label: '403 with `x-ratelimit-remaining: 0`, resetting in an hour (longer than soc2 waits)', expect: 'error', names: /API rate limit exceeded/ },
  { id: 'GraphQL RATE_LIMITED ×1', source: 'github', faults: [{ kind: 'graphql-rate-limited', times: 1, resetInSeconds: 1 }], label: 'HTTP 200 with `errors[].type` RATE_LIMITED, budget back a second later, first query of each operation', expect: 'recovers', names: /rate limit/i, reaches: usesGraphQL },
  { id: 'GraphQL RATE_LIMITED for an hour', source: 'github', faults: [{ kind: 'graphql-rate-limited' }], label: 'HTTP 200 RATE_LIMITED on every query, budget back in an hour', expect: 'error', names: /GraphQL rate limit|Rate Limit Exceeded/i, reaches: usesGraphQL },
  { id: '500 ×1', source: 'github', faults: [{ kind: 'server-error', status: 500, times: 1 }], label: '500 on the first request of each route', expect: 'recovers', names: /500/ },
  { id: '502 ×1', source: 'github', faults: [{ kind: 'server-error', status: 502, times: 1 }], label: '502 "couldn\'t respond in time" on the first request of each route', expect: 'recovers', names: /502/ },
  { id: '503 always', source: 'github', faults: [{ kind: 'server-error', status: 503 }], label: '503 on every request', expect: 'error', names: /answered 503/ },
  { id: 'reset ×1', source: 'github', faults: [{ kind: 'connection-reset', times: 1 }], label: 'connection reset before the answer, first request of each route', expect: 'recovers', names: /connection to GitHub failed/ },
  { id: 'reset always', source: 'github', faults: [{ kind: 'connection-reset' }], label: 'connection reset on every request', expect: 'error', names: /connection to GitHub failed/ },
  { id: 'never ends', source: 'github', faults: [{ kind: 'never-ends', times: 1 }], label: 'headers and half the body, then nothing, on the first request of each route', expect: 'error', names: /did not finish within/, timeoutMs: HANG_TIMEOUT_MS },
  { id: 'truncated ×1', source: 'github', faults: [{ kind: 'truncated-body', times: 1 }], label: 'half the body, then the connection closes, first request of each route', expect: 'recovers', names: /broke off/ },
  { id: 'truncated always', source: 'github', faults: [{ kind: 'truncated-body' }], label: 'half the body, then the connection closes, every request', expect: 'error', names: /broke off before its end/ },
  { id: 'malformed ×1', source: 'github', faults: [{ kind: 'malformed-json', times: 1 }], label: 'a complete answer whose body is half a JSON document, first request of each route', expect: 'recovers', names: /not complete JSON/ },
  { id: 'malformed always', source: 'github', faults: [{ kind: 'malformed-json' }], label: 'half a JSON document on every request', expect: 'error', names: /not complete JSON/ },
  { id: 'empty body always', source: 'github', faults: [{ kind: 'empty-body' }], label: 'HTTP 200 with an empty body on every request', expect: 'error', names: /empty body/ },
  { id: 'page repeats', source: 'github', faults: [{ kind: 'repeat-page' }], label: 'a list\'s Link `next` points at the page just read; GraphQL `pageInfo` hands back the cursor it was given', expect: 'error', names: /already (read|given)/, reaches: paginated },
  { id: 'GraphQL cursor repeats', source: 'github', faults: [{ kind: 'repeat-page', route: 'POST /graphql' }], label: 'GraphQL `pageInfo` says there is a next page after the very cursor it was asked for (merged pull requests, default-branch history)', expect: 'error', names: /cursor it had already given/, reaches: readsChanges },
  { id: 'search page 2 fails', source: 'github', faults: [{ kind: 'server-error', status: 502, operation: 'MergedPulls', skip: 1 }], label: 'the second and later pages of the merged-pull-request search fail with 502, midway through the change population', expect: 'error', names: /answered 502 to POST \/graphql MergedPulls/, reaches: readsChanges },
  { id: 'history page 2 fails', source: 'github', faults: [{ kind: 'server-error', status: 502, operation: 'DefaultBranchHistoryPage' }], label: 'a repository\'s second page of default-branch history fails with 502, midway through the change population', expect: 'error', names: /answered 502 to POST \/graphql DefaultBranchHistoryPage/, reaches: readsChanges },
  { id: '502 after the first page', source: 'github', faults: [{ kind: 'server-error', status: 502, skip: 1 }], label: 'every request of a route or GraphQL operation after its first fails with 502 (later pages, other repositories, the second batch)', expect: 'either', names: /answered 502/, reaches: repeats },
];
