/**
 * Turns what the AWS SDK throws into a Gap a person can act on. Matching is on `name` (the error
 * code), never `instanceof`: unmodeled codes such as AccessDeniedException and ThrottlingException
 * arrive as a plain ConfigServiceServiceException whose `name` is the code.
 */
import { errorRequestId, errorStatus } from '../../util/error-status.js';
import type { Gap } from '../types.js';

/** Where a failed call was made, for the sentence in the gap. */
export interface AwsCallSite {
  /** Config API operation, e.g. 'DescribeConfigRules' (the IAM action is 'config:' + this). */
  operation: string;
  region: string;
  /** Account, when known (aggregator mode, or from an ARN). */
  account?: string;
  /** What the gap concerns: a region, 'account/region', a rule name. Defaults to the region. */
  resource?: string;
}

/** The facts of an SDK error that decide how it is reported. */
export interface AwsErrorFacts {
  kind: Gap['kind'];
  /** Error code: 'AccessDeniedException', 'CredentialsProviderError', 'ECONNREFUSED', … */
  code: string;
  message: string;
  httpStatus?: number;
  requestId?: string;
  /** Attempts the SDK made, including the first. */
  attempts?: number;
}

const PERMISSION_CODES = new Set(['AccessDeniedException', 'AccessDenied', 'NotAuthorized', 'UnauthorizedOperation', 'OptInRequired']);
const CREDENTIAL_CODES = new Set([
  'ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'InvalidClientTokenId', 'UnrecognizedClientException',
  'SignatureDoesNotMatch', 'IncompleteSignature', 'MissingAuthenticationToken', 'MissingAuthenticationTokenException',
  'InvalidSignatureException', 'CredentialsProviderError', 'TokenProviderError',
]);
// The SDK's own throttling list (smithy service-error-classification), so "throttled" here means
// exactly what the retry strategy retried.
const THROTTLING_CODES = new Set([
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'BandwidthLimitExceeded',
  'SlowDown', 'PriorRequestNotComplete', 'EC2ThrottledException', 'TransactionInProgressException',
]);
const UNAVAILABLE_CODES = new Set([
  'InternalFailure', 'InternalServerError', 'InternalError', 'ServiceUnavailable', 'ServiceUnavailableException',
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN',
]);
const TIMEOUT_CODES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'AbortError']);

function field(err: unknown, key: string): unknown {
  return err !== null && typeof err === 'object' ? (err as Record<string, unknown>)[key] : undefined;
}

/** Reads code, status, request id and attempts from whatever the SDK threw. */
export function awsErrorFacts(err: unknown): AwsErrorFacts {
  const metadata = field(err, '$metadata') as { attempts?: number } | undefined;
  const httpStatus = errorStatus(err);
  // Node network errors carry the useful code in `code`; SDK errors in `name`.
  const nodeCode = field(err, 'code');
  const name = field(err, 'name');
  // An answer the SDK could not parse (half a JSON body, a gateway's HTML page) is a SyntaxError
  // carrying the raw response, with a hint about inspecting it that means nothing in a report.
  const unparsable = name === 'SyntaxError' && field(err, '$response') !== undefined;
  const code = typeof nodeCode === 'string' && /^E[A-Z]+$/.test(nodeCode) ? nodeCode : unparsable ? 'UnparsableAnswer' : typeof name === 'string' ? name : 'Error';
  const message = unparsable ? `the answer${httpStatus !== undefined ? ` (HTTP ${httpStatus})` : ''} was not complete JSON` : err instanceof Error ? err.message : String(err);
  let kind: Gap['kind'];
  if (PERMISSION_CODES.has(code)) kind = 'permission';
  else if (CREDENTIAL_CODES.has(code) || message === 'Region is missing') kind = 'credentials';
  else if (THROTTLING_CODES.has(code) || httpStatus === 429) kind = 'rate-limit';
  else if (TIMEOUT_CODES.has(code)) kind = 'timeout';
  else if (UNAVAILABLE_CODES.has(code) || (httpStatus !== undefined && httpStatus >= 500)) kind = 'unavailable';
  else if (code.startsWith('NoSuch')) kind = 'not-found';
  else kind = 'other';
  const facts: AwsErrorFacts = { kind, code, message };
  if (httpStatus !== undefined) facts.httpStatus = httpStatus;
  const requestId = errorRequestId(err);
  if (requestId) facts.requestId = requestId;
  if (metadata?.attempts !== undefined) facts.attempts = metadata.attempts;
  return facts;
}

function where(site: AwsCallSite): string {
  return site.account ? `account ${site.account} in ${site.region}` : site.region;
}

/**
 * Maps an SDK error to a Gap: AccessDenied → 'permission' naming the IAM action; expired or
 * invalid credentials → 'credentials'; throttled after the SDK's retries → 'rate-limit';
 * 5xx and network failures → 'unavailable'.
 */
export function gapFromAwsError(err: unknown, site: AwsCallSite): Gap {
  const facts = awsErrorFacts(err);
  const action = `config:${site.operation}`;
  const resource = site.resource ?? (site.account ? `${site.account}/${site.region}` : site.region);
  const ref = facts.requestId ? ` (request id ${facts.requestId})` : '';
  const base = { kind: facts.kind, resource };
  switch (facts.kind) {
    case 'permission':
      return {
        ...base,
        permission: action,
        message: `AWS denied ${action} in ${where(site)}${ref}: the credentials soc2 runs with lack the IAM action ${action}. ` +
          `Add it to the role or user's policy (\`soc2 permissions\` prints the complete read-only policy) and run again.`,
      };
    case 'credentials':
      return {
        ...base,
        message: `AWS rejected the credentials for ${action} in ${where(site)} (${facts.code}: ${facts.message})${ref}. ` +
          `The session token has expired or the key is not valid: refresh the session (\`aws sso login\`, or assume the role again) and run again.`,
      };
    case 'rate-limit':
      return {
        ...base,
        message: `AWS Config kept throttling ${action} in ${where(site)}${ref}; the request still failed after ${facts.attempts ?? 'all'} attempts. ` +
          `Run again later, lower \`concurrency\` in soc2.config.yaml, or raise aws.maxAttempts.`,
      };
    case 'timeout':
      return { ...base, message: `${action} in ${where(site)} did not finish in time (${facts.code}); run again, or raise timeoutSeconds.` };
    case 'unavailable':
      return {
        ...base,
        message: `AWS Config could not be reached or failed for ${action} in ${where(site)} (${facts.code}${facts.httpStatus ? `, HTTP ${facts.httpStatus}` : ''})${ref}` +
          `${facts.attempts ? ` after ${facts.attempts} attempts` : ''}. Check the network path to the Config endpoint and run again.`,
      };
    case 'not-found':
      return { ...base, message: `${action} in ${where(site)} answered ${facts.code}: ${facts.message}` };
    default:
      return { ...base, message: `${action} in ${where(site)} failed (${facts.code}: ${facts.message})${ref}.` };
  }
}
