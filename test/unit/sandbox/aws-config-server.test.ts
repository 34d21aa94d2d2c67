import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAwsConfig, type FakeAwsConfig, type FakeAwsConfigOptions } from '../../../src/sandbox/aws-config-server.js';
import type { AwsEstate } from '../../../src/sandbox/estate/aws.js';
import { ACCOUNT, KEY, NOW, OTHER_ACCOUNT, OTHER_KEY, buckets, estate, region, rule } from '../../fakes/aws-estates.js';

let server: FakeAwsConfig | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function testEstate(): AwsEstate {
  const sse = rule(ACCOUNT, 'us-east-1', { identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', resources: buckets('b', 25), outcomes: { 'b-00003': { compliance: 'NON_COMPLIANT', annotation: 'no' } } });
  const empty = rule(ACCOUNT, 'us-east-1', { identifier: 'RDS_STORAGE_ENCRYPTED' });
  return estate([
    { id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [sse, empty]), 'eu-west-1': region(ACCOUNT, 'eu-west-1') } },
    { id: OTHER_ACCOUNT, regions: { 'us-east-1': region(OTHER_ACCOUNT, 'us-east-1', [rule(OTHER_ACCOUNT, 'us-east-1', { identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', resources: buckets('o', 2) })]) } },
  ], { aggregators: [{ name: 'agg', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
    { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
    { account: OTHER_ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
  ] }] });
}

async function start(opts: FakeAwsConfigOptions = {}, e: AwsEstate = testEstate()): Promise<FakeAwsConfig> {
  server = await startFakeAwsConfig(e, opts);
  return server;
}

interface Raw { status: number; headers: Headers; body: Record<string, unknown> }

/** A request as the SDK sends it; the fake reads the credential scope, not the signature. */
async function call(op: string, input: unknown, opts: { region?: string; key?: string | null; target?: string; rawBody?: string } = {}): Promise<Raw> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': opts.target ?? `StarlingDoveService.${op}` };
  if (opts.key !== null) headers.Authorization = `AWS4-HMAC-SHA256 Credential=${opts.key ?? KEY}/20260401/${opts.region ?? 'us-east-1'}/config/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
  const res = await fetch(server!.url, { method: 'POST', headers, body: opts.rawBody ?? JSON.stringify(input) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

describe('sandbox/aws-config-server', () => {
  it('answers in AWS JSON 1.1 with epoch-second timestamps, real member names and a request id', async () => {
    await start();
    const r = await call('DescribeConfigurationRecorderStatus', {});
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(r.headers.get('x-amzn-requestid')).toBe('00000000-0000-4000-8000-000000000001');
    const [status] = r.body.ConfigurationRecordersStatus as Array<Record<string, unknown>>;
    expect(status).toMatchObject({ name: 'default', recording: true, lastStatus: 'Success', lastStatusChangeTime: Date.parse('2026-04-01T08:00:00Z') / 1000 });
    expect(typeof status!.lastStartTime).toBe('number');
  });

  it('serves the region and account named in the SigV4 credential scope', async () => {
    await start();
    const us = await call('DescribeConfigRules', {}, { region: 'us-east-1' });
    const eu = await call('DescribeConfigRules', {}, { region: 'eu-west-1' });
    const other = await call('DescribeConfigRules', {}, { key: OTHER_KEY });
    expect((us.body.ConfigRules as unknown[]).length).toBe(2);
    expect(eu.body.ConfigRules).toEqual([]);
    expect((other.body.ConfigRules as Array<{ ConfigRuleArn: string }>)[0]!.ConfigRuleArn).toContain(`:${OTHER_ACCOUNT}:config-rule/`);
    expect(server!.stats.byRegion).toEqual({ 'us-east-1': 2, 'eu-west-1': 1 });
  });

  it('pages with the real defaults and caps, and binds NextToken to its request', async () => {
    await start();
    const first = await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 's3-bucket-server-side-encryption-enabled' });
    expect((first.body.EvaluationResults as unknown[]).length).toBe(10); // default page size 10
    expect(first.body.NextToken).toEqual(expect.any(String));
    const zero = await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', Limit: 0 });
    expect((zero.body.EvaluationResults as unknown[]).length).toBe(10); // 0 means the default
    const big = await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', Limit: 101 });
    expect(big).toMatchObject({ status: 400, body: { __type: 'ValidationException', message: "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100" } });
    const second = await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', NextToken: first.body.NextToken });
    expect((second.body.EvaluationResults as Array<{ EvaluationResultIdentifier: { EvaluationResultQualifier: { ResourceId: string } } }>)[0]!.EvaluationResultIdentifier.EvaluationResultQualifier.ResourceId).toBe('b-00010');
    const misused = await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 'rds-storage-encrypted', NextToken: first.body.NextToken });
    expect(misused).toMatchObject({ status: 400, body: { __type: 'InvalidNextTokenException' } });
    const forged = await call('DescribeConfigRules', { NextToken: 'not-a-token' });
    expect(forged.body.__type).toBe('InvalidNextTokenException');
  });

  it('answers with the service\'s errors for invalid input', async () => {
    await start();
    expect((await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 'nope' })).body).toEqual({
      __type: 'NoSuchConfigRuleException', message: "The ConfigRule 'nope' provided in the request is invalid. Please check the configRule name.",
    });
    expect((await call('GetComplianceDetailsByConfigRule', { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', ComplianceTypes: ['INSUFFICIENT_DATA'] })).body.__type).toBe('InvalidParameterValueException');
    expect((await call('GetComplianceDetailsByConfigRule', {})).body).toMatchObject({ __type: 'ValidationException', message: expect.stringContaining("at 'configRuleName'") });
    expect((await call('DescribeConfigurationRecorders', { ConfigurationRecorderNames: ['a', 'b'] })).body.__type).toBe('ValidationException');
    expect((await call('DescribeConfigurationRecorders', { ConfigurationRecorderNames: ['other'] })).body.__type).toBe('NoSuchConfigurationRecorderException');
    expect((await call('DescribeAggregateComplianceByConfigRules', { ConfigurationAggregatorName: 'agg' }, { region: 'eu-west-1' })).body.__type).toBe('NoSuchConfigurationAggregatorException');
    expect((await call('SelectAggregateResourceConfig', { ConfigurationAggregatorName: 'agg', Expression: 'SELECT *' })).body.__type).toBe('InvalidExpressionException');
    expect((await call('DescribeConfigRules', null, { rawBody: '{not json' })).body.__type).toBe('SerializationException');
    expect(await call('ListTagsForResource', {})).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
    expect(await call('DescribeConfigRules', {}, { target: 'Other.DescribeConfigRules' })).toMatchObject({ status: 400, body: { __type: 'UnknownOperationException' } });
    // Strict: what it does not serve is counted, so a test can fail on it instead of reading a gap.
    expect(server!.stats.unknownOperations).toEqual(['ListTagsForResource', 'POST Other.DescribeConfigRules']);
  });

  it('rejects requests without credentials or with unknown or expired keys, as AWS does', async () => {
    const e = testEstate();
    e.accessKeys['ASIA' + 'EXPIRED0000000001'] = { account: ACCOUNT, expired: true };
    await start({}, e);
    expect((await call('DescribeConfigRules', {}, { key: null })).body.__type).toBe('MissingAuthenticationTokenException');
    expect((await call('DescribeConfigRules', {}, { key: 'AKIA' + 'UNKNOWN000000000' })).body).toEqual({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    expect((await call('DescribeConfigRules', {}, { key: 'ASIA' + 'EXPIRED0000000001' })).body.__type).toBe('ExpiredTokenException');
  });

  it('rule-level compliance is never NOT_APPLICABLE and is INSUFFICIENT_DATA for a rule without results', async () => {
    await start();
    const r = await call('DescribeComplianceByConfigRule', {});
    expect(r.body.ComplianceByConfigRules).toEqual([
      { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', Compliance: { ComplianceType: 'NON_COMPLIANT', ComplianceContributorCount: { CappedCount: 1, CapExceeded: false } } },
      { ConfigRuleName: 'rds-storage-encrypted', Compliance: { ComplianceType: 'INSUFFICIENT_DATA' } },
    ]);
  });

  it('aggregates across accounts, omits rules without results, and can emit empty pages that carry a token', async () => {
    await start({ emptyAggregatePages: true });
    const first = await call('DescribeAggregateComplianceByConfigRules', { ConfigurationAggregatorName: 'agg' });
    expect(first.body).toEqual({ AggregateComplianceByConfigRules: [], NextToken: expect.any(String) });
    const second = await call('DescribeAggregateComplianceByConfigRules', { ConfigurationAggregatorName: 'agg', NextToken: first.body.NextToken });
    expect((second.body.AggregateComplianceByConfigRules as Array<{ AccountId: string; ConfigRuleName: string }>).map((r) => [r.AccountId, r.ConfigRuleName])).toEqual([
      [ACCOUNT, 's3-bucket-server-side-encryption-enabled'], [OTHER_ACCOUNT, 's3-bucket-server-side-encryption-enabled'],
    ]);
    expect(second.body.NextToken).toBeUndefined();
  });

  it('serves every source\'s recorder to advanced queries as its configuration item, with the property names of its Config schema', async () => {
    const e = testEstate();
    const eu = e.accounts[0]!.regions['eu-west-1']!;
    eu.recorder = { ...eu.recorder!, recording: false };
    e.accounts[1]!.regions['us-east-1']!.recorderItem = null;
    e.aggregators[0]!.sources.push({ account: ACCOUNT, region: 'eu-west-1', status: 'SUCCEEDED', lastUpdateTime: NOW });
    await start({}, e);
    const expression = "SELECT accountId, awsRegion, configuration.Recording, configuration.RecordingGroup.AllSupported, configuration.RecordingGroup.RecordingStrategy.UseOnly WHERE resourceType = 'AWS::Config::ConfigurationRecorder'";
    const r = await call('SelectAggregateResourceConfig', { ConfigurationAggregatorName: 'agg', Expression: expression, Limit: 100 });
    expect((r.body.Results as string[]).map((x) => JSON.parse(x))).toEqual([
      { accountId: ACCOUNT, awsRegion: 'us-east-1', configuration: { Recording: true, RecordingGroup: { AllSupported: true, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } } } },
      { accountId: ACCOUNT, awsRegion: 'eu-west-1', configuration: { Recording: false, RecordingGroup: { AllSupported: true, RecordingStrategy: { UseOnly: 'ALL_SUPPORTED_RESOURCE_TYPES' } } } },
    ]);
    expect((await call('SelectAggregateResourceConfig', { ConfigurationAggregatorName: 'agg', Expression: expression, Limit: 101 })).body.__type).toBe('InvalidLimitException');
    expect((await call('SelectAggregateResourceConfig', { ConfigurationAggregatorName: 'agg', Expression: expression, MaxResults: 1 })).body.NextToken).toEqual(expect.any(String));
  });

  it('answers aggregate per-resource results with COMPLIANT and NON_COMPLIANT only, as the service model says', async () => {
    const e = testEstate();
    e.accounts[0]!.regions['us-east-1']!.rules[0]!.results[0]!.compliance = 'NOT_APPLICABLE';
    await start({}, e);
    const input = { ConfigurationAggregatorName: 'agg', ConfigRuleName: 's3-bucket-server-side-encryption-enabled', AccountId: ACCOUNT, AwsRegion: 'us-east-1', Limit: 100 };
    const r = await call('GetAggregateComplianceDetailsByConfigRule', input);
    const results = r.body.AggregateEvaluationResults as Array<{ ComplianceType: string; AccountId: string; AwsRegion: string; ResultRecordedTime: number }>;
    expect(results).toHaveLength(24);
    expect(new Set(results.map((x) => x.ComplianceType))).toEqual(new Set(['COMPLIANT', 'NON_COMPLIANT']));
    expect(results[0]).toMatchObject({ AccountId: ACCOUNT, AwsRegion: 'us-east-1', ResultRecordedTime: expect.any(Number) });
    expect((await call('GetAggregateComplianceDetailsByConfigRule', { ...input, ComplianceType: 'NOT_APPLICABLE' })).body.__type).toBe('ValidationException');
    expect((await call('GetAggregateComplianceDetailsByConfigRule', { ...input, AccountId: '123' })).body.__type).toBe('ValidationException');
    const paged = await call('GetAggregateComplianceDetailsByConfigRule', { ...input, Limit: undefined });
    expect((paged.body.AggregateEvaluationResults as unknown[]).length).toBe(24); // default page 50
    expect((await call('GetAggregateComplianceDetailsByConfigRule', { ...input, Limit: 101 })).body.__type).toBe('InvalidLimitException');
  });

  it('lists source status per account, or per region for an organization source, and checks the status filter', async () => {
    const e = testEstate();
    e.aggregators[0]!.sources[1]!.status = 'FAILED';
    await start({}, e);
    const all = await call('DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: 'agg' });
    expect(all.body.AggregatedSourceStatusList).toEqual([
      { SourceId: ACCOUNT, SourceType: 'ACCOUNT', AwsRegion: 'us-east-1', LastUpdateStatus: 'SUCCEEDED', LastUpdateTime: Date.parse(NOW) / 1000 },
      { SourceId: OTHER_ACCOUNT, SourceType: 'ACCOUNT', AwsRegion: 'us-east-1', LastUpdateStatus: 'FAILED', LastUpdateTime: Date.parse(NOW) / 1000 },
    ]);
    const failed = await call('DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: 'agg', UpdateStatus: ['FAILED'] });
    expect((failed.body.AggregatedSourceStatusList as Array<{ SourceId: string }>).map((x) => x.SourceId)).toEqual([OTHER_ACCOUNT]);
    expect((await call('DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: 'agg', UpdateStatus: ['BROKEN'] })).body.__type).toBe('ValidationException');
    expect((await call('DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: 'agg', Limit: 101 })).body.__type).toBe('InvalidLimitException');
    await server!.close();
    const org = testEstate();
    org.aggregators[0]!.organizationId = 'o-a1b2c3d4e5';
    await start({}, org);
    const rows = await call('DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: 'agg' });
    expect(rows.body.AggregatedSourceStatusList).toEqual([
      { SourceId: 'o-a1b2c3d4e5', SourceType: 'ORGANIZATION', AwsRegion: 'us-east-1', LastUpdateStatus: 'SUCCEEDED', LastUpdateTime: Date.parse(NOW) / 1000 },
    ]);
  });

  it('returns advanced-query rows as JSON strings', async () => {
    const e = testEstate();
    e.accounts[0]!.regions['us-east-1']!.resources = [{ resourceType: 'AWS::S3::Bucket', resourceId: 'x', configuration: { a: { b: 1 } }, configurationItemCaptureTime: NOW }];
    await start({}, e);
    const r = await call('SelectAggregateResourceConfig', { ConfigurationAggregatorName: 'agg', Expression: "SELECT resourceId, configuration.a.b WHERE resourceType = 'AWS::S3::Bucket' AND accountId = '" + ACCOUNT + "'" });
    expect(r.body).toEqual({ Results: ['{"resourceId":"x","configuration":{"a":{"b":1}}}'], QueryInfo: { SelectFields: [{ Name: 'resourceId' }, { Name: 'configuration.a.b' }] } });
  });

  it('injects throttling N times then succeeds, access denied for one operation, and 500s', async () => {
    await start({ faults: [
      { kind: 'throttle', operation: 'DescribeConfigRules', times: 2 },
      { kind: 'access-denied', operation: 'DescribeDeliveryChannels' },
      { kind: 'server-error', operation: 'DescribeConfigRuleEvaluationStatus', times: 1 },
    ] });
    // AWS's own shape: the code namespaced in __type and repeated in x-amzn-ErrorType (the SDK keeps what follows '#').
    const throttled = await call('DescribeConfigRules', {});
    expect(throttled).toMatchObject({ status: 400, body: { __type: 'com.amazon.coral.availability#ThrottlingException', message: 'Rate exceeded' } });
    expect(throttled.headers.get('x-amzn-errortype')).toMatch(/^ThrottlingException:/);
    expect((await call('DescribeConfigRules', {})).status).toBe(400);
    expect((await call('DescribeConfigRules', {})).status).toBe(200);
    const denied = await call('DescribeDeliveryChannels', {});
    expect(denied).toMatchObject({ status: 400, body: { __type: 'AccessDeniedException' } });
    expect(denied.body.message).toContain(`is not authorized to perform: config:DescribeDeliveryChannels`);
    expect(await call('DescribeConfigRuleEvaluationStatus', {})).toMatchObject({ status: 500, body: { __type: 'InternalFailure' } });
    expect((await call('DescribeConfigRuleEvaluationStatus', {})).status).toBe(200);
    expect(server!.stats).toMatchObject({ requests: 6, faulted: 4, byOperation: { DescribeConfigRules: 3, DescribeDeliveryChannels: 1, DescribeConfigRuleEvaluationStatus: 2 } });
  });

  it('adds the configured latency to every response', async () => {
    await start({ latencyMs: 40 });
    const t0 = performance.now();
    await call('DescribeConfigRules', {});
    expect(performance.now() - t0).toBeGreaterThanOrEqual(38);
  });

  it('keeps serving after malformed requests', async () => {
    await start();
    const res = await fetch(server!.url, { method: 'GET' });
    expect(res.status).toBe(404);
    await call('DescribeConfigRules', null, { rawBody: '[1,2' });
    expect((await call('DescribeConfigRules', {})).status).toBe(200);
  });
});
