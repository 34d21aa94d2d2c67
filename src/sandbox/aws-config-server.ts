/**
 * A fake AWS Config endpoint on 127.0.0.1 that speaks AWS JSON 1.1 the way the service does, so the
 * real AWS SDK (signing, error parsing, retries, pagination) runs against it unchanged. The caller's
 * region and access key come from the SigV4 credential scope, so one server serves every region
 * and account of an estate. Used by `soc2 demo`, the tests and the benchmark; deterministic
 * (request ids are a counter) and robust (bad input gets the service's error, never a crash).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsEstate } from './estate/aws.js';
import { AwsApiError, OPERATIONS, type Caller } from './aws-config-ops.js';
import { handleSts, stsError } from './aws-sts.js';

export type AwsFaultKind = 'throttle' | 'access-denied' | 'server-error' | 'expired-token';

/** A failure to inject. Matching requests fail `times` times (default: forever), then succeed. */
export interface AwsFault {
  kind: AwsFaultKind;
  /** Operation name, e.g. 'GetComplianceDetailsByConfigRule'; default: every Config operation. STS's GetCallerIdentity fails only when named. */
  operation?: string;
  region?: string;
  account?: string;
  times?: number;
  /** For 'server-error': 500 InternalFailure (default) or 503 ServiceUnavailable. */
  status?: 500 | 503;
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
}

const TARGET_PREFIX = 'StarlingDoveService.';
const MAX_BODY = 1024 * 1024;

/** List member of each aggregate operation, for the empty-page quirk. */
const AGGREGATE_LISTS: Record<string, string> = {
  DescribeAggregateComplianceByConfigRules: 'AggregateComplianceByConfigRules',
  GetAggregateComplianceDetailsByConfigRule: 'AggregateEvaluationResults',
  DescribeAggregateComplianceByConformancePacks: 'AggregateComplianceByConformancePacks',
};
const EMPTY_PAGE_TOKEN = 'soc2-fake-empty-page';

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

function faultError(fault: AwsFault, op: string, caller: Caller): AwsApiError {
  switch (fault.kind) {
    case 'throttle':
      return new AwsApiError('ThrottlingException', 'Rate exceeded');
    case 'access-denied':
      return new AwsApiError('AccessDeniedException',
        `User: arn:aws:iam::${caller.account}:user/soc2-auditor is not authorized to perform: config:${op} on resource: * because no identity-based policy allows the config:${op} action`);
    case 'expired-token':
      return new AwsApiError('ExpiredTokenException', 'The security token included in the request is expired');
    case 'server-error':
      return fault.status === 503
        ? new AwsApiError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503)
        : new AwsApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
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
  const stats: FakeAwsConfigStats = { requests: 0, byOperation: {}, byRegion: {}, faulted: 0, userAgents: [], sequence: [], unknownOperations: [], sts: 0 };
  const faults = (opts.faults ?? []).map((f) => ({ ...f, left: f.times ?? Infinity }));
  const latency = opts.latencyMs ?? 0;
  let requestCounter = 0;

  const respond = async (res: ServerResponse, status: number, body: unknown): Promise<void> => {
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    const text = JSON.stringify(body);
    requestCounter++;
    res.writeHead(status, {
      'Content-Type': 'application/x-amz-json-1.1',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`,
    });
    res.end(text);
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
    const fault = faults.find((f) => f.left > 0 && f.operation === action && (!f.region || f.region === scope.region) && (!f.account || f.account === key.account));
    if (fault) {
      fault.left--;
      stats.faulted++;
      const e = faultError(fault, action, { account: key.account, region: scope.region, accessKeyId: scope.accessKeyId });
      return respondXml(res, requestId, stsError(e.code === 'AccessDeniedException' ? 'AccessDenied' : e.code, e.message.replace(/config:/g, 'sts:'), requestId, e.status));
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

    const fault = faults.find((f) => f.left > 0 && (!f.operation || f.operation === op) && (!f.region || f.region === caller.region)
      && (!f.account || f.account === caller.account));
    if (fault) {
      fault.left--;
      stats.faulted++;
      return fail(res, faultError(fault, op, caller));
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

    const list = AGGREGATE_LISTS[op];
    if (list && opts.emptyAggregatePages) {
      if (input.NextToken === undefined) return respond(res, 200, { [list]: [], NextToken: EMPTY_PAGE_TOKEN });
      if (input.NextToken === EMPTY_PAGE_TOKEN) delete input.NextToken;
    }
    const answer = handler(estate, caller, input);
    for (const o of opts.omitMembers ?? []) if (o.operation === op) omitMember(answer, o.member.split('.'));
    return respond(res, 200, answer);
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
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
