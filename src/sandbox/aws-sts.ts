/**
 * The one STS operation soc2 calls, GetCallerIdentity, served beside the fake AWS Config the way
 * STS serves it: the AWS Query protocol (a form-encoded POST with Action and Version) answered in
 * XML in the 2011-06-15 namespace, errors as an <ErrorResponse>. The shapes follow the SDK's
 * model (@aws-sdk/client-sts: GetCallerIdentityResponse = UserId, Account, Arn).
 */
import type { AwsEstate } from './estate/aws.js';

export const STS_VERSION = '2011-06-15';
const NS = `https://sts.amazonaws.com/doc/${STS_VERSION}/`;

export interface StsAnswer {
  status: number;
  body: string;
}

/** The principal an access key of the estate signs as: the key's own ARN, or a read-only auditor user. */
export function principalArn(estate: AwsEstate, accessKeyId: string): string | undefined {
  const key = estate.accessKeys[accessKeyId];
  if (!key) return undefined;
  return key.arn ?? `arn:aws:iam::${key.account}:user/soc2-auditor`;
}

function xmlText(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

export function stsError(code: string, message: string, requestId: string, status = 400): StsAnswer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    body: `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${xmlText(code)}</Code>\n    <Message>${xmlText(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
  };
}

/** Answers one STS request: `form` is the parsed request body, the caller already authenticated. */
export function handleSts(estate: AwsEstate, accessKeyId: string, form: URLSearchParams, requestId: string): StsAnswer {
  const action = form.get('Action');
  if (form.get('Version') !== STS_VERSION) return stsError('InvalidAction', `Could not find operation ${action ?? ''} for version ${form.get('Version') ?? 'NO_VERSION_SPECIFIED'}`, requestId);
  if (action !== 'GetCallerIdentity') return stsError('InvalidAction', `Could not find operation ${action ?? ''} for version ${STS_VERSION}`, requestId);
  const key = estate.accessKeys[accessKeyId]!;
  const arn = principalArn(estate, accessKeyId)!;
  // AWS's UserId is the principal's unique id (AIDA… for a user, AROA…:session for a role).
  const userId = `AIDA${accessKeyId.slice(4, 20).padEnd(16, 'X')}`;
  return {
    status: 200,
    body: `<GetCallerIdentityResponse xmlns="${NS}">\n  <GetCallerIdentityResult>\n    <Arn>${xmlText(arn)}</Arn>\n    <UserId>${xmlText(userId)}</UserId>\n    <Account>${xmlText(key.account)}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n`,
  };
}
