import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsContext, gapFromAwsError, suppliedEnvSettings } from '../../../../src/collectors/aws/client.js';
import { collector as rules } from '../../../../src/collectors/aws/config-rules.js';
import { CollectorError } from '../../../../src/errors.js';
import { awsSettingsSchema } from '../../../../src/config/schema.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../../../src/sandbox/aws-config-server.js';
import { startAwsHarness, runContext, type AwsHarness } from '../../../fakes/aws-harness.js';
import { ACCOUNT, KEY, NOW, buckets, estate, region, rule } from '../../../fakes/aws-estates.js';

const nowhere = join(tmpdir(), 'soc2-test-no-such-dir', 'none');
const settings = (over: Record<string, unknown> = {}) => awsSettingsSchema.parse({ maxAttempts: 2, ...over });

/** An environment with nothing for the SDK to find: no keys, no profile files, no metadata service. */
function emptyAwsEnvironment(): void {
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) vi.stubEnv(key, undefined);
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', nowhere);
  vi.stubEnv('AWS_CONFIG_FILE', nowhere);
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

async function rejection(p: Promise<unknown>): Promise<CollectorError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(CollectorError);
  return e as CollectorError;
}

describe('collectors/aws/client', () => {
  let server: FakeAwsConfig | undefined;
  let harness: AwsHarness | undefined;
  beforeEach(() => emptyAwsEnvironment());
  afterEach(async () => {
    vi.unstubAllEnvs();
    await harness?.close();
    await server?.close();
    server = undefined;
    harness = undefined;
  });

  it('says where the SDK looked and what to set when there are no credentials', async () => {
    const e = await rejection(createAwsContext(settings({ regions: ['us-east-1'] }), { env: process.env, userAgent: 'soc2/1.2.3' }));
    expect(e.kind).toBe('credentials');
    expect(e.message).toMatch(/^No AWS credentials found\. The AWS SDK looked in: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; profile "default" in /);
    expect(e.message).toContain('the EC2 instance metadata service (skipped: AWS_EC2_METADATA_DISABLED is set)');
    expect(e.remediation).toContain('aws sso login');
    expect(e.remediation).toContain('AWS_ACCESS_KEY_ID');
  });

  it('names the profile that could not be used', async () => {
    const e = await rejection(createAwsContext(settings({ regions: ['us-east-1'], profile: 'audit' }), { env: process.env, userAgent: 'soc2/1.2.3' }));
    expect(e.kind).toBe('credentials');
    expect(e.message).toContain('profile "audit"');
    expect(e.message).toContain('(skipped because a profile is named)');
  });

  it('says what to set when no region is configured', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const e = await rejection(createAwsContext(settings(), { env: process.env, userAgent: 'soc2/1.2.3' }));
    expect(e.kind).toBe('credentials');
    expect(e.message).toContain('No AWS region is configured: soc2.config.yaml has no aws.regions, AWS_REGION is not set');
    expect(e.remediation).toContain('export AWS_REGION=us-east-1');
  });

  it('refuses credentials that have already expired, using the run clock', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', '2026-04-01T08:00:00Z');
    const e = await rejection(createAwsContext(settings({ regions: ['us-east-1'] }), { env: process.env, userAgent: 'soc2/1.2.3', now: () => new Date(NOW) }));
    expect(e.message).toBe('The AWS credentials from AWS_ACCESS_KEY_ID/AWS_SESSION_TOKEN expired at 2026-04-01T08:00:00.000Z.');
    expect(e.remediation).toContain('aws sso login');
  });

  it('lets the SDK resolve endpoint, keys and region from the environment, and sends the soc2 user agent with adaptive retries', async () => {
    server = await startFakeAwsConfig(estate([{ id: ACCOUNT, regions: { 'us-west-2': region(ACCOUNT, 'us-west-2') } }]));
    vi.stubEnv('AWS_ENDPOINT_URL_CONFIG_SERVICE', server.url);
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9'); // the service-specific variable wins
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEY);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_REGION', 'us-west-2');
    const aws = await createAwsContext(settings({ maxAttempts: 5 }), { env: process.env, userAgent: 'soc2/1.2.3 (+https://example.test/soc2)' });
    expect(aws.regions).toEqual(['us-west-2']);
    const client = aws.client('us-west-2');
    expect(aws.client('us-west-2')).toBe(client);
    const strategy = (await client.config.retryStrategy()) as { mode?: string };
    expect(strategy.mode).toBe('adaptive');
    expect(await client.config.maxAttempts()).toBe(5);
    const ctx = runContext(aws, () => new Date(NOW));
    const ev = await rules.collect(ctx, rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }));
    expect(ev.gaps[0]?.message).toContain('is not deployed in us-west-2');
    expect(server.stats.byRegion).toEqual({ 'us-west-2': server.stats.requests });
    expect(server.stats.userAgents.length).toBeGreaterThan(0);
    expect(server.stats.userAgents.every((ua) => / soc2\/1\.2\.3$/.test(ua))).toBe(true);
    client.destroy();
  });

  it('takes endpoint and keys from a supplied environment over the process environment (soc2 demo)', async () => {
    server = await startFakeAwsConfig(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1') } }]));
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIA' + 'REALACCOUNTKEY01');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'real-secret');
    const env = { AWS_ENDPOINT_URL_CONFIG_SERVICE: server.url, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: 'demo', AWS_REGION: 'us-east-1' };
    expect(suppliedEnvSettings(env, process.env)).toMatchObject({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: KEY } });
    expect(suppliedEnvSettings(process.env, process.env)).toEqual({});
    const aws = await createAwsContext(settings(), { env, userAgent: 'soc2/1.2.3' });
    const ctx = runContext(aws, () => new Date(NOW));
    await rules.collect(ctx, rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }));
    expect(server.stats.requests).toBeGreaterThan(0);
    aws.client('us-east-1').destroy();
  });

  it('turns 500s into an unavailable gap after the retries, and recovers from a single one', async () => {
    const sse = rule(ACCOUNT, 'us-east-1', { identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', resources: buckets('b', 2) });
    const e = () => estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [sse]) } }]);
    harness = await startAwsHarness(e(), { faults: [{ kind: 'server-error', operation: 'GetComplianceDetailsByConfigRule' }] });
    const down = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }));
    expect(down.gaps).toEqual([expect.objectContaining({ kind: 'unavailable', message: expect.stringMatching(/InternalFailure, HTTP 500.* after 3 attempts/) })]);
    await harness.close();
    harness = await startAwsHarness(e(), { faults: [{ kind: 'server-error', status: 503, operation: 'GetComplianceDetailsByConfigRule', times: 1 }] });
    const up = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }));
    expect(up.complete).toBe(true);
    expect(up.resources).toHaveLength(2);
  });

  describe('gapFromAwsError', () => {
    const site = { operation: 'DescribeConfigRules', region: 'eu-west-1' };
    const sdkError = (name: string, status: number, extra: Record<string, unknown> = {}) =>
      Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status, requestId: 'req-1', attempts: 1, ...extra } });

    it.each([
      ['AccessDeniedException', 400, 'permission'],
      ['ExpiredTokenException', 400, 'credentials'],
      ['ExpiredToken', 400, 'credentials'],
      ['InvalidClientTokenId', 403, 'credentials'],
      ['UnrecognizedClientException', 400, 'credentials'],
      ['ThrottlingException', 400, 'rate-limit'],
      ['TooManyRequestsException', 429, 'rate-limit'],
      ['InternalFailure', 500, 'unavailable'],
      ['ServiceUnavailable', 503, 'unavailable'],
      ['NoSuchConfigRuleException', 400, 'not-found'],
      ['InvalidParameterValueException', 400, 'other'],
    ])('maps %s (HTTP %i) to a %s gap', (name, status, kind) => {
      expect(gapFromAwsError(sdkError(name, status), site).kind).toBe(kind);
    });

    it('names the missing IAM action for AccessDenied', () => {
      const gap = gapFromAwsError(sdkError('AccessDeniedException', 400), site);
      expect(gap).toMatchObject({ permission: 'config:DescribeConfigRules', resource: 'eu-west-1' });
      expect(gap.message).toContain('lack the IAM action config:DescribeConfigRules');
      expect(gap.message).toContain('soc2 permissions');
    });

    it('maps network failures and timeouts', () => {
      expect(gapFromAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), site).kind).toBe('unavailable');
      expect(gapFromAwsError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), site).kind).toBe('timeout');
      expect(gapFromAwsError(Object.assign(new Error('x'), { name: 'CredentialsProviderError' }), site).kind).toBe('credentials');
    });
  });
});
