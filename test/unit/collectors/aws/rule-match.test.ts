import { describe, expect, it } from 'vitest';
import type { ConfigRule } from '@aws-sdk/client-config-service';
import { evaluationProblem, matchRules, nameMatches } from '../../../../src/collectors/aws/rule-match.js';
import { regionHealth, untrustedRegionGap, upperStatus } from '../../../../src/collectors/aws/recorder-health.js';

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
  ])('aggregator name matching: %s ~ %s → %s', (requested, name, expected) => {
    expect(nameMatches(requested, name)).toBe(expected);
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
  const healthy = { region: 'us-east-1', recorder, status: { name: 'default', recording: true, lastStatus: 'Success' as const }, channel: { name: 'default', s3BucketName: 'b' } };

  it('trusts only a recording, all-types recorder whose last recording succeeded and which has a channel', () => {
    expect(regionHealth(healthy)).toEqual({ trusted: true, problems: [] });
    expect(regionHealth({ region: 'x' }).problems).toEqual(['no-recorder', 'no-delivery-channel']);
    expect(regionHealth({ ...healthy, status: { ...healthy.status, recording: false } }).problems).toEqual(['stopped']);
    expect(regionHealth({ ...healthy, status: { ...healthy.status, lastStatus: 'Failure' } }).problems).toEqual(['last-recording-failed']);
    expect(regionHealth({ ...healthy, recorder: { ...recorder, recordingGroup: { allSupported: false, resourceTypes: ['AWS::S3::Bucket'] } } }).problems).toEqual(['partial-recording']);
    expect(regionHealth({ ...healthy, channelStatus: { name: 'default', configHistoryDeliveryInfo: { lastStatus: 'Failure' } } }).problems).toEqual(['delivery-failing']);
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
