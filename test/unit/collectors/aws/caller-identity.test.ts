import { afterEach, describe, expect, it } from 'vitest';
import { createAwsContext } from '../../../../src/collectors/aws/client.js';
import { awsSettingsSchema } from '../../../../src/config/schema.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../../../src/sandbox/aws-config-server.js';
import { DEMO_AWS_KEYS, demoAwsEstate } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../../fakes/aws-harness.js';

let harness: AwsHarness | undefined;
let server: FakeAwsConfig | undefined;
afterEach(async () => {
  await harness?.close();
  await server?.close();
  harness = undefined;
  server = undefined;
});

describe('collectors/aws/client: who the credentials belong to (STS GetCallerIdentity)', () => {
  it('answers with the account and ARN through the real STS client, once, and records the call and the hosts reached', async () => {
    const estate = demoAwsEstate();
    harness = await startAwsHarness(estate);
    const id = await harness.aws.callerIdentity!();
    const account = estate.accessKeys[DEMO_AWS_KEYS.prod]!.account;
    expect(id.account).toBe(account);
    expect(id.arn).toBe(`arn:aws:iam::${account}:user/soc2-auditor`);
    expect(id.call).toMatchObject({ source: 'aws-sts', operation: 'sts:GetCallerIdentity', status: 200, region: 'us-east-1', requestId: expect.stringMatching(/^00000000-0000-4000-8000-/) });
    expect(await harness.aws.callerIdentity!()).toBe(id);
    expect(harness.server.stats.sts).toBe(1);
    // The STS request is not a Config request: the Config counters are unchanged.
    expect(harness.server.stats.requests).toBe(0);
    const host = new URL(harness.server.url).host;
    expect(harness.aws.hostsContacted!()).toEqual([{ service: 'sts', region: 'us-east-1', host }]);
  });

  it('names the principal an access key belongs to, e.g. an assumed role with its session', async () => {
    const estate = demoAwsEstate();
    const arn = 'arn:aws:sts::210987654321:assumed-role/soc2-readonly/dana@example.com';
    estate.accessKeys[DEMO_AWS_KEYS.prod] = { ...estate.accessKeys[DEMO_AWS_KEYS.prod]!, arn };
    harness = await startAwsHarness(estate);
    expect((await harness.aws.callerIdentity!()).arn).toBe(arn);
  });

  it('rejects with the reason (never a crash) when STS refuses the credentials', async () => {
    const estate = demoAwsEstate();
    harness = await startAwsHarness(estate, { faults: [{ kind: 'access-denied', operation: 'GetCallerIdentity' }] });
    await expect(harness.aws.callerIdentity!()).rejects.toThrow(/^STS GetCallerIdentity in us-east-1 failed \(HTTP 403\): AccessDenied: User: arn:aws:iam::\d+:user\/soc2-auditor is not authorized to perform: sts:GetCallerIdentity/);
  });

  it('uses the same endpoint rules as the Config client: AWS_ENDPOINT_URL_STS from a supplied environment', async () => {
    const estate = demoAwsEstate();
    server = await startFakeAwsConfig(estate);
    const aws = await createAwsContext(awsSettingsSchema.parse({ regions: ['eu-west-1'], maxAttempts: 1 }), {
      env: { AWS_ENDPOINT_URL_CONFIG_SERVICE: server.url, AWS_ENDPOINT_URL_STS: server.url, AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.staging, AWS_SECRET_ACCESS_KEY: 'x' },
      userAgent: 'soc2/0.0.0-test',
    });
    const id = await aws.callerIdentity!();
    expect(id.account).toBe(estate.accessKeys[DEMO_AWS_KEYS.staging]!.account);
    expect(id.call.region).toBe('eu-west-1');
    expect(server.stats.sts).toBe(1);
  });
});

describe('sandbox/aws-sts: the Query protocol as STS speaks it', () => {
  it('answers an unsigned request with an XML ErrorResponse, and an unknown action as unknown', async () => {
    server = await startFakeAwsConfig(demoAwsEstate());
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(server!.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, body });
    const unsigned = await post('Action=GetCallerIdentity&Version=2011-06-15');
    expect(unsigned.status).toBe(400);
    expect(unsigned.headers.get('content-type')).toBe('text/xml');
    const text = await unsigned.text();
    expect(text).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    expect(text).toContain('<Code>MissingAuthenticationToken</Code>');
    const auth = `AWS4-HMAC-SHA256 Credential=${DEMO_AWS_KEYS.prod}/20260401/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0`;
    const ok = await post('Action=GetCallerIdentity&Version=2011-06-15', { authorization: auth });
    const body = await ok.text();
    expect(ok.status).toBe(200);
    // The SDK model's GetCallerIdentityResponse: UserId, Account, Arn inside GetCallerIdentityResult.
    expect(body).toMatch(/<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<GetCallerIdentityResult>\s*<Arn>arn:aws:iam::\d{12}:user\/soc2-auditor<\/Arn>\s*<UserId>AIDA\w+<\/UserId>\s*<Account>\d{12}<\/Account>\s*<\/GetCallerIdentityResult>\s*<ResponseMetadata>\s*<RequestId>[\w-]+<\/RequestId>/);
    expect((await ok.headers.get('x-amzn-requestid'))).toBe(/<RequestId>([\w-]+)<\/RequestId>/.exec(body)![1]);
    const other = await post('Action=AssumeRole&Version=2011-06-15', { authorization: auth });
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('<Code>InvalidAction</Code>');
    expect(server.stats.unknownOperations).toEqual(['sts:AssumeRole']);
  });
});
