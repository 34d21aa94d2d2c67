import { describe, expect, it } from 'vitest';
import type { ConfigRule } from '@aws-sdk/client-config-service';
import { evaluationProblem, matchRuleName, matchRules, resultsProblem } from '../../../../src/collectors/aws/rule-match.js';
import { aggregatedRecorderHealth, regionHealth, untrustedRegionGap, upperStatus } from '../../../../src/collectors/aws/recorder-health.js';

const NOW = new Date('2026-04-01T09:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const rule = (name: string, identifier: string, state = 'ACTIVE'): ConfigRule =>
  ({ ConfigRuleName: name, Source: { Owner: 'AWS', SourceIdentifier: identifier }, ConfigRuleState: state }) as ConfigRule;

describe('collectors/aws/rule-match', () => {
  it('matches deployed rules by source identifier whatever their name, or by exact name', () => {
    const deployed = [
      rule('s3-bucket-server-side-encryption-enabled', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'),
      rule('s3-bucket-server-side-encryption-enabled-conformance-pack-abc', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'),
      rule('acme-encryption', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'),
      rule('going-away', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'DELETING'),
      rule('rds-storage-encrypted', 'RDS_STORAGE_ENCRYPTED'),
    ];
    expect(matchRules('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', deployed).map((r) => r.ConfigRuleName)).toEqual([
      's3-bucket-server-side-encryption-enabled', 's3-bucket-server-side-encryption-enabled-conformance-pack-abc', 'acme-encryption',
    ]);
    expect(matchRules('acme-encryption', deployed).map((r) => r.ConfigRuleName)).toEqual(['acme-encryption']);
    expect(matchRules('EFS_ENCRYPTED_CHECK', deployed)).toEqual([]);
  });

  it.each([
    ['S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled', true],
    ['S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled-conformance-pack-k3x9q2ab1', true],
    ['S3_BUCKET_VERSIONING_ENABLED', 'OrgConfigRule-s3-bucket-versioning-enabled-a1b2c3d4', true],
    ['S3_BUCKET_VERSIONING_ENABLED', 's3-bucket-versioning-enabled-by-hand', false],
    ['S3_BUCKET_VERSIONING_ENABLED', 'x-s3-bucket-versioning-enabled', false],
    ['ROOT_ACCOUNT_MFA_ENABLED', 'root-account-hardware-mfa-enabled', false],
    ['my-custom-rule', 'my-custom-rule', true],
    ['my-custom-rule', 'my-custom-rule-conformance-pack-abc', false],
    // AWS's own name for a managed rule whose name is not its identifier's.
    ['INCOMING_SSH_DISABLED', 'restricted-ssh', true],
    ['INCOMING_SSH_DISABLED', 'incoming-ssh-disabled', true],
    ['INCOMING_SSH_DISABLED', 'restricted-ssh-conformance-pack-k3x9q2ab1', true],
    ['RESTRICTED_INCOMING_TRAFFIC', 'restricted-common-ports', true],
    ['INCOMING_SSH_DISABLED', 'restricted-common-ports', false],
    // A pack name cut to Config's 64-character limit.
    ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 's3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1', true],
    ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 's3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2a', false],
    ['EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK', 'ec2-managedinstance-association-compl-conformance-pack-abcdefghi', true],
    ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 's3-bucket-server-side-conformance-pack-abcdefghijklmnopqrstuvwxy', true],
    // A longer rule's name cut to the length of a shorter one is the shorter one: a name that is complete for one rule is that rule.
    ['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', 's3-account-level-public-access-blocks-conformance-pack-abcdefghi', true],
    // The periodic sibling is a different rule, not a suffix.
    ['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', 's3-account-level-public-access-blocks-periodic', false],
    ['EC2_SECURITY_GROUP_ATTACHED_TO_ENI', 'ec2-security-group-attached-to-eni-periodic', false],
  ])('aggregator name matching: %s ~ %s → %s', (requested, name, expected) => {
    expect(matchRuleName(requested, name).kind).toBe(expected ? 'match' : 'no');
  });

  it('does not guess between two rules a cut name could stand for', () => {
    // Cut to 35 characters, this is the start of both s3-account-level-public-access-blocks and its -periodic sibling.
    const name = 's3-account-level-public-access-bloc-conformance-pack-abcdefghijk';
    expect(name).toHaveLength(64);
    expect(matchRuleName('S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', name)).toEqual({
      kind: 'ambiguous', candidates: ['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC'],
    });
  });

  it('dates a rule by its newest aggregate result, and cannot date results without times', () => {
    const result = (recorded?: Date, invoked?: Date) => ({ ResultRecordedTime: recorded, ConfigRuleInvokedTime: invoked });
    expect(resultsProblem([result(hoursAgo(200)), result(hoursAgo(3))], NOW, 48)).toBeUndefined();
    expect(resultsProblem([result(hoursAgo(200)), result(undefined, hoursAgo(60))], NOW, 48)).toMatchObject({ kind: 'stale', message: expect.stringContaining('60 hours before this run (the limit is 48)') });
    expect(resultsProblem([result(), result()], NOW, 48)?.kind).toBe('undated');
    expect(resultsProblem([], NOW, 48)).toBeUndefined();
  });

  it.each([
    ['a recent success', { LastSuccessfulEvaluationTime: hoursAgo(2) }, undefined],
    ['a failure after the last success', { LastSuccessfulEvaluationTime: hoursAgo(30), LastFailedEvaluationTime: hoursAgo(2), LastErrorCode: 'X' }, 'failed'],
    ['a failed invocation after the last success', { LastSuccessfulInvocationTime: hoursAgo(30), LastFailedInvocationTime: hoursAgo(2) }, 'failed'],
    ['an old failure before a recent success', { LastSuccessfulEvaluationTime: hoursAgo(2), LastFailedEvaluationTime: hoursAgo(30) }, undefined],
    ['no evaluation at all', { FirstEvaluationStarted: false }, 'never'],
    ['no status for the rule', undefined, 'never'],
    ['a success older than the limit', { LastSuccessfulEvaluationTime: hoursAgo(49) }, 'stale'],
  ] as const)('evaluation with %s', (_what, status, kind) => {
    expect(evaluationProblem(status as never, NOW, 48)?.kind).toBe(kind);
  });
});

describe('collectors/aws/recorder-health', () => {
  const recorder = { name: 'default', recordingGroup: { allSupported: true, includeGlobalResourceTypes: true } };
  const healthy = {
    region: 'us-east-1', recorder, status: { name: 'default', recording: true, lastStatus: 'Success' as const }, channel: { name: 'default', s3BucketName: 'b' },
    channelStatus: { name: 'default', configHistoryDeliveryInfo: { lastStatus: 'Success' as const } },
  };

  it('trusts only a recording, all-types recorder whose last recording succeeded and which has a channel', () => {
    expect(regionHealth(healthy)).toEqual({ trusted: true, problems: [] });
    expect(regionHealth({ region: 'x' }).problems).toEqual(['no-recorder', 'no-delivery-channel']);
    expect(regionHealth({ ...healthy, status: { ...healthy.status, recording: false } }).problems).toEqual(['stopped']);
    expect(regionHealth({ ...healthy, status: { ...healthy.status, lastStatus: 'Failure' } }).problems).toEqual(['last-recording-failed']);
    expect(regionHealth({ ...healthy, recorder: { ...recorder, recordingGroup: { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] } } }).problems).toEqual(['partial-recording']);
    expect(regionHealth({ ...healthy, channelStatus: { name: 'default', configHistoryDeliveryInfo: { lastStatus: 'Failure' } } }).problems).toEqual(['delivery-failing']);
  });

  it('never trusts what AWS did not say: a missing status, recording group or delivery status is "could not tell"', () => {
    const { status: _s, ...noStatus } = healthy;
    expect(regionHealth(noStatus)).toEqual({ trusted: false, problems: ['status-unknown'] });
    expect(regionHealth({ ...healthy, status: { name: 'default', lastStatus: 'Success' } }).problems).toEqual(['status-unknown']);
    expect(regionHealth({ ...healthy, status: { name: 'default', recording: true } }).problems).toEqual(['status-unknown']);
    expect(regionHealth({ ...healthy, recorder: { name: 'default' } }).problems).toEqual(['recording-group-unknown']);
    expect(regionHealth({ ...healthy, recorder: { name: 'default', recordingGroup: { includeGlobalResourceTypes: true } } }).problems).toEqual(['recording-group-unknown']);
    const { channelStatus: _c, ...noDelivery } = healthy;
    expect(regionHealth(noDelivery).problems).toEqual(['delivery-status-unknown']);
    const gap = untrustedRegionGap(noStatus, regionHealth(noStatus));
    expect(gap.message).toMatch(/^soc2 could not tell whether AWS Config is recording in us-east-1 \(AWS did not report the recorder's status\)/);
    expect(gap.message).toContain('config:DescribeConfigurationRecorderStatus');
  });

  it('judges an aggregated recorder by its configuration item, and an absent item or member as "could not tell"', () => {
    const item = { name: 'default', itemStatus: 'OK', recording: true, allSupported: true, useOnly: 'ALL_SUPPORTED_RESOURCE_TYPES', includeGlobalResourceTypes: false };
    expect(aggregatedRecorderHealth(item)).toEqual({ trusted: true, problems: [] });
    expect(aggregatedRecorderHealth({ ...item, recording: false }).problems).toEqual(['stopped']);
    expect(aggregatedRecorderHealth({ ...item, recording: null }).problems).toEqual(['status-unknown']);
    expect(aggregatedRecorderHealth({ ...item, allSupported: null }).problems).toEqual(['recording-group-unknown']);
    expect(aggregatedRecorderHealth({ ...item, allSupported: false, useOnly: 'INCLUSION_BY_RESOURCE_TYPES' }).problems).toEqual(['partial-recording']);
    expect(aggregatedRecorderHealth({ ...item, itemStatus: 'ResourceDeleted' }).problems).toEqual(['no-recorder']);
    expect(aggregatedRecorderHealth(undefined)).toEqual({ trusted: false, problems: ['no-recorder-record'] });
    const gap = untrustedRegionGap({ region: 'eu-west-1', recorder: { name: 'default' } }, aggregatedRecorderHealth({ ...item, recording: false }), '111111111111');
    expect(gap).toMatchObject({ kind: 'precondition', resource: '111111111111/eu-west-1' });
    expect(gap.message).toMatch(/^AWS Config is not recording in account 111111111111 in eu-west-1 \(recorder stopped\)/);
  });

  it('says what happened and what to do', () => {
    const s = { ...healthy, region: 'eu-west-1', status: { ...healthy.status, recording: false } };
    expect(untrustedRegionGap(s, regionHealth(s)).message).toBe(
      'AWS Config is not recording in eu-west-1 (recorder stopped): evidence from this region cannot be trusted; start the recorder ' +
      '(Config console → Settings → Recorder → Start recording, or `aws configservice start-configuration-recorder --configuration-recorder-name default --region eu-west-1`). Then run soc2 again.');
  });

  it('upper-cases Config\'s mixed-case statuses', () => {
    expect([upperStatus('Success'), upperStatus('Not_Applicable'), upperStatus('NotApplicable'), upperStatus(undefined)]).toEqual(['SUCCESS', 'NOT_APPLICABLE', 'NOT_APPLICABLE', 'NONE']);
  });
});
