/**
 * A fake AWS Config endpoint on 127.0.0.1 that speaks AWS JSON 1.1 the way the service does, so the
 * real AWS SDK (signing, error parsing, retries, pagination) runs against it unchanged. The caller's
 * region and access key come from the SigV4 credential scope, so one server serves every region
 * and account of an estate. Used by `soc2 demo`, the tests and the benchmark; deterministic
 * (request ids are a counter) and robust (bad input gets the service's error, never a crash).
 *
 * Faults (`faults` in the options, or `setFaults` on a running server) fail requests by operation,
 * region and account — the first `times` of each operation, after letting `skip` through, or every
 * one when `times` is not given:
 * - 'throttle': HTTP 400 ThrottlingException as the service sends it (namespaced `__type` and the
 *   `x-amzn-ErrorType` header); the SDK retries it.
 * - 'access-denied', 'expired-token': the service's 400 answers.
 * - 'server-error': 500 InternalFailure, 502 (a gateway's answer, not JSON), 503 ServiceUnavailable.
 * - 'connection-reset': the socket is destroyed before any answer.
 * - 'never-ends': headers and half the body are sent, the rest never is (until the client leaves).
 * - 'truncated-body': half the body, then the connection is closed (Content-Length promised more).
 * - 'malformed-json': a complete response whose body is half a JSON document; 'empty-body': a
 *   200 whose body is empty.
 * - 'repeat-page': a paginated operation hands back the same NextToken for ever, each time with the
 *   first page again.
 * ```ts
 * startFakeAwsConfig(estate, { faults: [{ kind: 'throttle', operation: 'GetComplianceDetailsByConfigRule', times: 2 }] })
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsEstate } from './estate/aws.js';
import { AwsApiError, OPERATIONS, type Caller } from './aws-config-ops.js';
import { handleSts, stsError } from './aws-sts.js';
import { faultBook, halfOf, type FaultWindow } from './faults.js';

export type AwsFaultKind =
  | 'throttle' | 'access-denied' | 'server-error' | 'expired-token'
  | 'connection-reset' | 'never-ends' | 'truncated-body' | 'malformed-json' | 'empty-body' | 'repeat-page';

/** A failure to inject: which requests (operation, region, account, window) and how they fail. */
export interface AwsFault extends FaultWindow {
  kind: AwsFaultKind;
  /** Operation name, e.g. 'GetComplianceDetailsByConfigRule'; default: every Config operation. STS's GetCallerIdentity fails only when named. */
  operation?: string;
  region?: string;
  account?: string;
  /** For 'server-error': 500 InternalFailure (default), 502 from a gateway, or 503 ServiceUnavailable. */
  status?: 500 | 502 | 503;
}

export interface FakeAwsConfigOptions {
  /** Added before every response, to make latency-bound behaviour measurable. */
  latencyMs?: number;
  faults?: AwsFault[];
  /**
   * Aggregate list operations first answer an empty page that carries a NextToken, as AWS
   * documents they may; clients that stop on an empty page lose data.
   */
  emptyAggregatePages?: boolean;
  /**
   * Members to leave out of successful answers, as the service may for members its model marks
   * optional: a dotted path where `*` stands for every element of a list, e.g.
   * `{ operation: 'DescribeConfigurationRecorderStatus', member: 'ConfigurationRecordersStatus.*.recording' }`.
   */
  omitMembers?: Array<{ operation: string; member: string }>;
}

export interface FakeAwsConfigStats {
  requests: number;
  byOperation: Record<string, number>;
  /** Requests per region (from the SigV4 scope). */
  byRegion: Record<string, number>;
  /** Requests answered with an injected fault. */
  faulted: number;
  /** Responses a 'never-ends' fault is holding open right now (the client has not gone away). */
  hanging: number;
  /** Distinct User-Agent headers seen, in order of first appearance. */
  userAgents: string[];
  /** Operations in the order their requests arrived (capped), so tests can check what overlaps what. */
  sequence: string[];
  /**
   * Requests for operations this fake does not serve (or not AWS JSON 1.1 at all). They are answered
   * with UnknownOperationException, which a collector would read as a failure of AWS; tests assert
   * this list is empty, so a missing operation fails the test instead of passing as a gap.
   */
  unknownOperations: string[];
  /** STS requests (GetCallerIdentity), counted apart from the Config requests above. */
  sts: number;
}

export interface FakeAwsConfig {
  url: string;
  close(): Promise<void>;
  stats: FakeAwsConfigStats;
  /** Replaces the faults (and forgets their counts), e.g. once a test's clients are set up. */
  setFaults(faults: readonly AwsFault[]): void;
}

const TARGET_PREFIX = 'StarlingDoveService.';
const MAX_BODY = 1024 * 1024;

/** List member of each aggregate operation, for the empty-page quirk. */
const AGGREGATE_LISTS: Record<string, string> = {
  DescribeAggregateComplianceByConfigRules: 'AggregateComplianceByConfigRules',
  GetAggregateComplianceDetailsByConfigRule: 'AggregateEvaluationResults',
};
const EMPTY_PAGE_TOKEN = 'soc2-fake-empty-page';
/** The NextToken a 'repeat-page' fault hands back for ever. */
const REPEAT_TOKEN = 'soc2-fake-repeated-page';

/** Operations that page with NextToken; the recorder and channel reads answer in one response. */
const PAGINATED = new Set([
  'DescribeConfigRules', 'DescribeConfigRuleEvaluationStatus', 'DescribeComplianceByConfigRule', 'GetComplianceDetailsByConfigRule',
  'SelectAggregateResourceConfig', 'DescribeConfigurationAggregators', 'DescribeConfigurationAggregatorSourcesStatus',
  'DescribeAggregateComplianceByConfigRules', 'GetAggregateComplianceDetailsByConfigRule',
]);

/** How a fault bends an answer that was otherwise computed normally. */
type Mangle = 'never-ends' | 'truncated-body' | 'malformed-json' | 'empty-body';

/** Deletes a dotted member path from a response body; `*` walks every element of a list. */
function omitMember(body: unknown, path: readonly string[]): void {
  if (body === null || typeof body !== 'object' || path.length === 0) return;
  const [head, ...rest] = path;
  if (head === '*' && Array.isArray(body)) {
    for (const item of body) omitMember(item, rest);
    return;
  }
  const obj = body as Record<string, unknown>;
  if (rest.length === 0) delete obj[head!];
  else omitMember(obj[head!], rest);
}

function parseScope(authorization: string | undefined): { accessKeyId: string; region: string; service: string } | undefined {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { accessKeyId: m[1]!, region: m[2]!, service: m[3]! } : undefined;
}

/** An error answer as the service sends it: status, body and the headers that go with it. */
interface ErrorAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const asAnswer = (e: AwsApiError): ErrorAnswer => ({ status: e.status, body: { __type: e.code, message: e.message } });

function faultError(fault: AwsFault, op: string, caller: Caller): ErrorAnswer {
  switch (fault.kind) {
    case 'throttle':
      // What AWS sends: the code namespaced in __type and repeated in x-amzn-ErrorType; the SDK keeps the part after '#'.
      return {
        status: 400,
        body: { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' },
        headers: { 'x-amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' },
      };
    case 'access-denied':
      return asAnswer(new AwsApiError('AccessDeniedException',
        `User: arn:aws:iam::${caller.account}:user/soc2-auditor is not authorized to perform: config:${op} on resource: * because no identity-based policy allows the config:${op} action`));
    case 'expired-token':
      return asAnswer(new AwsApiError('ExpiredTokenException', 'The security token included in the request is expired'));
    default:
      if (fault.status === 502) return { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'Content-Type': 'text/html' } };
      return asAnswer(fault.status === 503
        ? new AwsApiError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
        : new AwsApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500));
  }
}

/** An injected STS failure in the Query protocol's XML error shape (codes as STS names them). */
function stsFault(fault: AwsFault, action: string, account: string, requestId: string): { status: number; body: string } {
  switch (fault.kind) {
    case 'throttle':
      return stsError('Throttling', 'Rate exceeded', requestId, 400);
    case 'access-denied':
      return stsError('AccessDenied', `User: arn:aws:iam::${account}:user/soc2-auditor is not authorized to perform: sts:${action}`, requestId, 403);
    case 'expired-token':
      return stsError('ExpiredToken', 'The security token included in the request is expired', requestId, 400);
    default:
      return stsError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', requestId, fault.status === 503 ? 503 : 500);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new AwsApiError('SerializationException', 'Request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the fake on an ephemeral port of 127.0.0.1. */
export async function startFakeAwsConfig(estate: AwsEstate, opts: FakeAwsConfigOptions = {}): Promise<FakeAwsConfig> {
  const stats: FakeAwsConfigStats = { requests: 0, byOperation: {}, byRegion: {}, faulted: 0, hanging: 0, userAgents: [], sequence: [], unknownOperations: [], sts: 0 };
  const faults = faultBook<AwsFault>(opts.faults);
  const latency = opts.latencyMs ?? 0;
  let requestCounter = 0;

  const respond = async (res: ServerResponse, status: number, body: unknown, extra: { headers?: Record<string, string>; mangle?: Mangle } = {}): Promise<void> => {
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    requestCounter++;
    const sent = extra.mangle === 'malformed-json' ? halfOf(text) : extra.mangle === 'empty-body' ? '' : text;
    res.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.1',
      // 'never-ends' and 'truncated-body' promise the whole body and send half.
      'Content-Length': Buffer.byteLength(extra.mangle === 'never-ends' || extra.mangle === 'truncated-body' ? text : sent),
      'x-amzn-RequestId': `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`,
      ...extra.headers,
    });
    if (extra.mangle === 'truncated-body') {
      res.write(halfOf(text), () => res.destroy());
      return;
    }
    if (extra.mangle === 'never-ends') {
      stats.hanging++;
      res.once('close', () => stats.hanging--);
      res.write(halfOf(text));
      return;
    }
    res.end(sent);
  };
  const fail = (res: ServerResponse, e: AwsApiError): Promise<void> => respond(res, e.status, { __type: e.code, message: e.message });

  /** STS speaks the Query protocol: form-encoded in, XML out. */
  const respondXml = async (res: ServerResponse, requestId: string, answer: { status: number; body: string }): Promise<void> => {
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    res.writeHead(answer.status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(answer.body), 'x-amzn-RequestId': requestId });
    res.end(answer.body);
  };

  const handleQuery = async (req: IncomingMessage, res: ServerResponse, body: string): Promise<void> => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '?';
    const requestId = `00000000-0000-4000-8000-${(++requestCounter).toString(16).padStart(12, '0')}`;
    const scope = parseScope(req.headers.authorization);
    if (!scope) return respondXml(res, requestId, stsError('MissingAuthenticationToken', 'Request is missing Authentication Token', requestId));
    if (scope.service !== 'sts') {
      stats.unknownOperations.push(`${action} (signed for ${scope.service})`);
      return respondXml(res, requestId, stsError('SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'.`, requestId, 403));
    }
    if (action !== 'GetCallerIdentity') stats.unknownOperations.push(`sts:${action}`);
    stats.sts++;
    const key = estate.accessKeys[scope.accessKeyId];
    if (!key) return respondXml(res, requestId, stsError('InvalidClientTokenId', 'The security token included in the request is invalid.', requestId, 403));
    if (key.expired) return respondXml(res, requestId, stsError('ExpiredToken', 'The security token included in the request is expired', requestId, 400));
    // STS fails only when a fault names it: a Config fault without an operation leaves the identity call alone.
    const fault = faults.take(`sts:${action}`, (f) => f.operation === action && (!f.region || f.region === scope.region) && (!f.account || f.account === key.account));
    if (fault) {
      stats.faulted++;
      if (fault.kind === 'connection-reset') {
        req.socket.destroy();
        return;
      }
      return respondXml(res, requestId, stsFault(fault, action, key.account, requestId));
    }
    return respondXml(res, requestId, handleSts(estate, scope.accessKeyId, form, requestId));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    if (req.method === 'POST' && /^application\/x-www-form-urlencoded/.test(String(req.headers['content-type'] ?? ''))) return handleQuery(req, res, body);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
      stats.unknownOperations.push(`${req.method ?? '?'} ${target || req.url || '/'}`);
      return fail(res, new AwsApiError('UnknownOperationException', 'Unknown operation', req.method === 'POST' ? 400 : 404));
    }
    const op = target.slice(TARGET_PREFIX.length);
    stats.requests++;
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;
    if (stats.sequence.length < 10_000) stats.sequence.push(op);
    const agent = String(req.headers['user-agent'] ?? '');
    if (agent && !stats.userAgents.includes(agent)) stats.userAgents.push(agent);

    const scope = parseScope(req.headers.authorization);
    if (!scope) return fail(res, new AwsApiError('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    stats.byRegion[scope.region] = (stats.byRegion[scope.region] ?? 0) + 1;
    if (scope.service !== 'config') {
      return fail(res, new AwsApiError('InvalidSignatureException', `Credential should be scoped to correct service: 'config'.`));
    }
    const key = estate.accessKeys[scope.accessKeyId];
    if (!key) return fail(res, new AwsApiError('UnrecognizedClientException', 'The security token included in the request is invalid.'));
    if (key.expired) return fail(res, new AwsApiError('ExpiredTokenException', 'The security token included in the request is expired'));
    const caller: Caller = { account: key.account, region: scope.region, accessKeyId: scope.accessKeyId };

    const fault = faults.take(op, (f) => (!f.operation || f.operation === op) && (!f.region || f.region === caller.region)
      && (!f.account || f.account === caller.account) && (f.kind !== 'repeat-page' || PAGINATED.has(op)));
    let mangle: Mangle | undefined;
    if (fault) {
      stats.faulted++;
      switch (fault.kind) {
        case 'repeat-page':
          break;
        case 'connection-reset':
          req.socket.destroy();
          return;
        case 'never-ends':
        case 'truncated-body':
        case 'malformed-json':
        case 'empty-body':
          mangle = fault.kind;
          break;
        default: {
          const answer = faultError(fault, op, caller);
          return respond(res, answer.status, answer.body, answer.headers ? { headers: answer.headers } : {});
        }
      }
    }

    const handler = OPERATIONS[op];
    if (!handler) {
      stats.unknownOperations.push(op);
      return fail(res, new AwsApiError('UnknownOperationException', `Operation ${op} is not supported by this fake.`));
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return fail(res, new AwsApiError('SerializationException', 'Start of structure or map found where not expected.'));
    }
    // The repeated token stands for the first page, whether or not the fault still holds.
    if (input.NextToken === REPEAT_TOKEN) delete input.NextToken;

    const list = AGGREGATE_LISTS[op];
    if (list && opts.emptyAggregatePages) {
      if (input.NextToken === undefined) return respond(res, 200, { [list]: [], NextToken: EMPTY_PAGE_TOKEN }, mangle ? { mangle } : {});
      if (input.NextToken === EMPTY_PAGE_TOKEN) delete input.NextToken;
    }
    const answer = handler(estate, caller, input);
    for (const o of opts.omitMembers ?? []) if (o.operation === op) omitMember(answer, o.member.split('.'));
    if (fault?.kind === 'repeat-page') answer.NextToken = REPEAT_TOKEN;
    return respond(res, 200, answer, mangle ? { mangle } : {});
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const err = e instanceof AwsApiError ? e : new AwsApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
      if (!res.headersSent) void fail(res, err);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setFaults: (next) => faults.reset(next),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
