import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/aws/config-recorder.js';
import type { AwsRegionEstate } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness, type AwsHarnessOptions } from '../../../fakes/aws-harness.js';
import { ACCOUNT, NOW, OTHER_ACCOUNT, estate, region } from '../../../fakes/aws-estates.js';

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function collect(regions: Record<string, AwsRegionEstate>, opts: AwsHarnessOptions = {}) {
  harness = await startAwsHarness(estate([{ id: ACCOUNT, regions }]), opts);
  return collector.collect(harness.ctx(), collector.params.parse({}));
}

describe('collectors/aws/config-recorder', () => {
  it('reports one healthy recorder per region in scope', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1'), 'eu-west-1': region(ACCOUNT, 'eu-west-1') });
    expect(ev.complete).toBe(true);
    expect(ev.resources.map((r) => [r.region, r.id, r.type, r.account])).toEqual([
      ['us-east-1', 'default', 'AWS::Config::ConfigurationRecorder', ACCOUNT],
      ['eu-west-1', 'default', 'AWS::Config::ConfigurationRecorder', ACCOUNT],
    ]);
    expect(ev.resources[0]!.data).toEqual({
      exists: true, recording: true, allSupported: true, includesGlobalResourceTypes: true, globalResourceTypesRecordedInScope: true,
      lastStatus: 'SUCCESS', lastErrorCode: null, lastStatusChangeAt: '2026-04-01T08:00:00.000Z',
      deliveryChannelExists: true, deliveryChannel: 'default', deliveryBucket: `config-bucket-${ACCOUNT}`, lastDeliveryStatus: 'SUCCESS',
      trusted: true, problems: [],
    });
    expect(ev.resources[1]!.data.includesGlobalResourceTypes).toBe(false);
    expect(ev.calls.map((c) => c.operation).sort()).toEqual([
      'config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorders',
      'config:DescribeConfigurationRecorders', 'config:DescribeDeliveryChannelStatus', 'config:DescribeDeliveryChannelStatus',
      'config:DescribeDeliveryChannels', 'config:DescribeDeliveryChannels',
    ]);
  });

  it('reports a region without a recorder as a resource that does not exist, never as an empty population', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1'), 'ap-south-1': region(ACCOUNT, 'ap-south-1', [], { recorder: undefined, deliveryChannel: undefined }) });
    const missing = ev.resources.find((r) => r.region === 'ap-south-1');
    expect(missing).toMatchObject({
      id: 'config-recorder', account: ACCOUNT,
      data: { exists: false, recording: false, allSupported: false, lastStatus: 'NONE', deliveryChannelExists: false, lastDeliveryStatus: 'NONE', trusted: false,
        problems: ['no configuration recorder', 'no delivery channel'] },
    });
    expect(ev.facts).toMatchObject({ regionsWithoutRecorder: ['ap-south-1'], untrustedRegions: ['ap-south-1'] });
  });

  it('reports a stopped recorder, partial recording and failing delivery', async () => {
    const eu = region(ACCOUNT, 'eu-west-1');
    eu.recorder = { ...eu.recorder!, recording: false, allSupported: false, resourceTypes: ['AWS::S3::Bucket'] };
    eu.deliveryChannel = { ...eu.deliveryChannel!, lastStatus: 'Failure', lastErrorCode: 'AccessDenied', lastErrorMessage: 'Access Denied' };
    const ev = await collect({ 'eu-west-1': eu });
    expect(ev.resources[0]!.data).toMatchObject({
      recording: false, allSupported: false, lastDeliveryStatus: 'FAILURE', trusted: false, globalResourceTypesRecordedInScope: false,
      problems: ['recorder stopped', 'records only selected resource types', 'delivery to S3 failing'],
    });
    expect(ev.facts).toMatchObject({ regionsNotRecording: ['eu-west-1'], globalResourceTypesRecorded: false });
  });

  it('reports a failed last recording with its error code', async () => {
    const us = region(ACCOUNT, 'us-east-1');
    us.recorder = { ...us.recorder!, lastStatus: 'Failure', lastErrorCode: 'AccessDeniedException' };
    const ev = await collect({ 'us-east-1': us });
    expect(ev.resources[0]!.data).toMatchObject({ lastStatus: 'FAILURE', lastErrorCode: 'AccessDeniedException', problems: ['last recording attempt failed'] });
  });

  it('leaves out a region it could not read and says which permission is missing', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1'), 'eu-west-1': region(ACCOUNT, 'eu-west-1') },
      { faults: [{ kind: 'access-denied', operation: 'DescribeDeliveryChannelStatus', region: 'eu-west-1' }] });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'permission', permission: 'config:DescribeDeliveryChannelStatus', resource: 'eu-west-1' })]);
    expect(ev.resources.map((r) => r.region)).toEqual(['us-east-1']);
  });

  it('in aggregator mode reports each recorder from its configuration item, and what the aggregator cannot show as "could not tell"', async () => {
    const stopped = region(OTHER_ACCOUNT, 'eu-west-1');
    stopped.recorder = { ...stopped.recorder!, recording: false };
    harness = await startAwsHarness(estate(
      [
        { id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1') } },
        { id: OTHER_ACCOUNT, regions: { 'us-east-1': region(OTHER_ACCOUNT, 'us-east-1'), 'eu-west-1': stopped, 'us-west-2': region(OTHER_ACCOUNT, 'us-west-2', [], { recorderItem: null }) } },
      ],
      { aggregators: [{ name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: '2026-04-01T08:00:00Z' },
        { account: OTHER_ACCOUNT, region: 'us-east-1', status: 'FAILED', lastUpdateTime: '2026-03-20T08:00:00Z', errorCode: 'AccessDeniedException' },
        { account: OTHER_ACCOUNT, region: 'eu-west-1', status: 'SUCCEEDED', lastUpdateTime: '2026-04-01T08:00:00Z' },
        { account: OTHER_ACCOUNT, region: 'us-west-2', status: 'SUCCEEDED', lastUpdateTime: '2026-04-01T08:00:00Z' },
      ] }] },
    ), { settings: { regions: ['us-east-1'], aggregator: 'org' } });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({}));
    expect(ev.resources.map((r) => [r.account, r.region, r.data.exists, r.data.recording, r.data.allSupported, r.data.trusted])).toEqual([
      [ACCOUNT, 'us-east-1', true, true, true, true],
      [OTHER_ACCOUNT, 'eu-west-1', true, false, true, false],
      [OTHER_ACCOUNT, 'us-east-1', true, true, true, false],
    ]);
    // The aggregator does not carry these: "could not tell", never a value.
    expect(ev.resources[0]!.data).toMatchObject({ lastStatus: null, deliveryChannelExists: null, lastDeliveryStatus: null });
    expect(collector.revealedBy).toMatchObject({ lastStatus: 'config:DescribeConfigurationRecorderStatus', deliveryChannelExists: 'config:DescribeDeliveryChannels' });
    expect(ev.complete).toBe(false);
    expect(ev.gaps.map((g) => [g.kind, g.resource])).toEqual([['precondition', `${OTHER_ACCOUNT}/us-east-1`], ['precondition', `${OTHER_ACCOUNT}/us-west-2`]]);
    expect(ev.gaps[0]!.message).toContain('failed (AccessDeniedException)');
    expect(ev.gaps[1]!.message).toContain(`holds no configuration item for a recorder in account ${OTHER_ACCOUNT} in us-west-2, so soc2 could not tell`);
    expect(ev.facts?.sources).toHaveLength(4);
    expect(harness.server.stats.byOperation.SelectAggregateResourceConfig).toBe(1);
  });

  it.each([
    ['whether the recorder is recording', 'DescribeConfigurationRecorderStatus', 'ConfigurationRecordersStatus.*.recording', { recording: null }, "AWS did not report the recorder's status"],
    ['the recorder\'s status at all', 'DescribeConfigurationRecorderStatus', 'ConfigurationRecordersStatus', { recording: null, lastStatus: null }, "AWS did not report the recorder's status"],
    ['the last recording status', 'DescribeConfigurationRecorderStatus', 'ConfigurationRecordersStatus.*.lastStatus', { recording: true, lastStatus: null }, "AWS did not report the recorder's status"],
    ['the recording group', 'DescribeConfigurationRecorders', 'ConfigurationRecorders.*.recordingGroup', { allSupported: null, includesGlobalResourceTypes: null, globalResourceTypesRecordedInScope: null }, 'AWS did not report which resource types it records'],
    ['the delivery status', 'DescribeDeliveryChannelStatus', 'DeliveryChannelsStatus.*.configHistoryDeliveryInfo', { lastDeliveryStatus: null }, 'AWS did not report the delivery status'],
  ] as const)('reports %s, when AWS leaves it out, as null ("could not tell"), never as false', async (_what, operation, member, expected, problem) => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1') }, { omitMembers: [{ operation, member }] });
    expect(ev.resources[0]!.data).toMatchObject({ ...expected, exists: true, trusted: false, problems: [problem] });
    for (const key of Object.keys(expected)) expect(collector.revealedBy?.[key], key).toMatch(/^config:Describe/);
  });

  it('does not read an answer without its recorder list as "no recorder"', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1') }, { omitMembers: [{ operation: 'DescribeConfigurationRecorders', member: 'ConfigurationRecorders' }] });
    expect(ev.resources).toEqual([]);
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ resource: 'us-east-1', message: expect.stringContaining('could not tell whether AWS Config is set up there') })]);
  });

  it('takes no parameters', () => {
    expect(collector.params.parse({})).toEqual({});
    expect(collector.params.safeParse({ regions: ['x'] }).success).toBe(false);
  });
});
