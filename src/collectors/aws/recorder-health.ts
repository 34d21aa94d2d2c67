/**
 * Whether AWS Config's own evidence can be trusted in a region: the recorder exists, is recording,
 * records all supported resource types, last recorded successfully, and a delivery channel
 * delivers. Pure: takes what the four Describe calls returned. Every AWS collector checks this
 * before it trusts a region, because a stopped recorder leaves rules judging stale data.
 */
import type {
  ConfigurationRecorder, ConfigurationRecorderStatus, DeliveryChannel, DeliveryChannelStatus,
} from '@aws-sdk/client-config-service';
import type { Gap } from '../types.js';

export interface RecorderSnapshot {
  region: string;
  recorder?: ConfigurationRecorder;
  status?: ConfigurationRecorderStatus;
  channel?: DeliveryChannel;
  channelStatus?: DeliveryChannelStatus;
}

export type RecorderProblem =
  | 'no-recorder' | 'stopped' | 'partial-recording' | 'last-recording-failed' | 'no-delivery-channel' | 'delivery-failing'
  // What AWS did not say: "could not tell" is never trusted.
  | 'status-unknown' | 'recording-group-unknown' | 'delivery-status-unknown'
  // Aggregator mode: the aggregator holds no configuration item for the source's recorder.
  | 'no-recorder-record';

export interface RegionHealth {
  trusted: boolean;
  problems: RecorderProblem[];
}

/** Upper-case form of Config's mixed-case status enums: 'Success' → 'SUCCESS', 'Not_Applicable' → 'NOT_APPLICABLE'. */
export function upperStatus(status: string | undefined): string {
  return status ? status.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : 'NONE';
}

/**
 * Whether a recorder records every supported resource type: false without a recorder, null when
 * AWS did not send its recording group (could not tell).
 */
export function recordsAllTypes(recorder: Pick<ConfigurationRecorder, 'recordingGroup'> | undefined): boolean | null {
  if (!recorder) return false;
  const group = recorder.recordingGroup;
  if (group?.allSupported === undefined) return null;
  const strategy = group.recordingStrategy?.useOnly;
  return group.allSupported && (strategy === undefined || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES');
}

export function regionHealth(s: RecorderSnapshot): RegionHealth {
  const problems: RecorderProblem[] = [];
  if (!s.recorder) {
    problems.push('no-recorder');
  } else {
    const recording = s.status?.recording;
    if (recording === undefined || (recording && s.status?.lastStatus === undefined)) problems.push('status-unknown');
    else if (!recording) problems.push('stopped');
    const all = recordsAllTypes(s.recorder);
    if (all === null) problems.push('recording-group-unknown');
    else if (!all) problems.push('partial-recording');
    // Pending is a recorder that has just started and not yet finished a first recording.
    if (recording === true && s.status?.lastStatus !== undefined && upperStatus(s.status.lastStatus) !== 'SUCCESS') problems.push('last-recording-failed');
  }
  if (!s.channel) problems.push('no-delivery-channel');
  else if (s.channelStatus?.configHistoryDeliveryInfo?.lastStatus === undefined) problems.push('delivery-status-unknown');
  else if (upperStatus(s.channelStatus.configHistoryDeliveryInfo.lastStatus) === 'FAILURE'
    || upperStatus(s.channelStatus.configSnapshotDeliveryInfo?.lastStatus) === 'FAILURE') problems.push('delivery-failing');
  return { trusted: problems.length === 0, problems };
}

/**
 * What an aggregator holds about a source's recorder: the configuration item AWS Config keeps of
 * the recorder itself (resource type AWS::Config::ConfigurationRecorder, recorded by default at no
 * charge, and changed when the recorder is stopped, started, reconfigured or deleted). A member
 * the item does not carry is null: AWS did not say.
 */
export interface RecorderItem {
  name: string | null;
  /** configurationItemStatus: OK, ResourceDiscovered, ResourceDeleted, ResourceDeletedNotRecorded, … */
  itemStatus: string | null;
  recording: boolean | null;
  allSupported: boolean | null;
  /** RecordingGroup.RecordingStrategy.UseOnly */
  useOnly: string | null;
  includeGlobalResourceTypes: boolean | null;
}

/**
 * Region health as far as an aggregator can tell it. The recorder's configuration item says
 * whether it records and what; it does not carry the last recording status or the delivery
 * channel, which only the member account's own Describe calls show (aws.config-recorder reports
 * those as "could not tell" in aggregator mode). Rule results do not depend on the delivery
 * channel, and a recorder that fails to record shows in the age of the results, which
 * aggregator mode checks rule by rule.
 */
export function aggregatedRecorderHealth(item: RecorderItem | undefined): RegionHealth {
  if (!item) return { trusted: false, problems: ['no-recorder-record'] };
  if (item.itemStatus?.startsWith('ResourceDeleted')) return { trusted: false, problems: ['no-recorder'] };
  const problems: RecorderProblem[] = [];
  if (item.recording === null) problems.push('status-unknown');
  else if (!item.recording) problems.push('stopped');
  const group: NonNullable<ConfigurationRecorder['recordingGroup']> = {};
  if (item.allSupported !== null) group.allSupported = item.allSupported;
  if (item.useOnly !== null) group.recordingStrategy = { useOnly: item.useOnly as 'ALL_SUPPORTED_RESOURCE_TYPES' };
  const all = recordsAllTypes({ recordingGroup: group });
  if (all === null) problems.push('recording-group-unknown');
  else if (!all) problems.push('partial-recording');
  return { trusted: problems.length === 0, problems };
}

const WORDS: Record<RecorderProblem, string> = {
  'no-recorder': 'no configuration recorder',
  stopped: 'recorder stopped',
  'partial-recording': 'records only selected resource types',
  'last-recording-failed': 'last recording attempt failed',
  'no-delivery-channel': 'no delivery channel',
  'delivery-failing': 'delivery to S3 failing',
  'status-unknown': "AWS did not report the recorder's status",
  'recording-group-unknown': 'AWS did not report which resource types it records',
  'delivery-status-unknown': 'AWS did not report the delivery status',
  'no-recorder-record': 'no record of a configuration recorder reached the aggregator',
};

export function describeProblems(problems: readonly RecorderProblem[]): string {
  return problems.map((p) => WORDS[p]).join(', ');
}

function todo(problem: RecorderProblem, region: string, s: RecorderSnapshot, account?: string): string {
  const name = s.recorder?.name ?? 'default';
  const inAccount = account ? `run soc2 with credentials for account ${account} (without aws.aggregator) so that` : 'check that';
  switch (problem) {
    case 'status-unknown':
      return `${inAccount} config:DescribeConfigurationRecorderStatus can read the recorder's state in ${region}`;
    case 'recording-group-unknown':
      return `${inAccount} config:DescribeConfigurationRecorders can read the recorder's recording group in ${region}`;
    case 'delivery-status-unknown':
      return `${inAccount} config:DescribeDeliveryChannelStatus can read the delivery channel's status in ${region}`;
    case 'no-recorder-record':
      return `set up and start AWS Config in ${region}${account ? ` of account ${account}` : ''} if it has none (Config console → Get started), check that the account ` +
        'still authorizes the aggregator, and, if the aggregator collects only some resource types, add AWS::Config::ConfigurationRecorder to them';
    case 'no-recorder':
      return `set up AWS Config in ${region} (Config console → Get started → record all resource types, or deploy it with CloudFormation StackSets / Control Tower)`;
    case 'stopped':
      return `start the recorder (Config console → Settings → Recorder → Start recording, or \`aws configservice start-configuration-recorder --configuration-recorder-name ${name} --region ${region}\`)`;
    case 'partial-recording':
      return `record all supported resource types (Config console → Settings → Edit → Recording strategy: All resource types)`;
    case 'last-recording-failed':
      return `fix the recorder error${s.status?.lastErrorCode ? ` ${s.status.lastErrorCode}` : ''}${s.status?.lastErrorMessage ? ` ("${s.status.lastErrorMessage}")` : ''}: check that role ${s.recorder?.roleARN ?? 'the recorder role'} exists and may read resources`;
    case 'no-delivery-channel':
      return `create a delivery channel (\`aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket> --region ${region}\`)`;
    case 'delivery-failing':
      return `fix delivery to s3://${s.channel?.s3BucketName ?? '<bucket>'}${s.channelStatus?.configHistoryDeliveryInfo?.lastErrorCode ? ` (${s.channelStatus.configHistoryDeliveryInfo.lastErrorCode})` : ''}: check the bucket policy allows config.amazonaws.com to write`;
  }
}

/**
 * The gap every AWS control gets for a region whose recorder is not healthy, e.g. "AWS Config is
 * not recording in eu-west-1 (recorder stopped): evidence from this region cannot be trusted; …".
 */
export function untrustedRegionGap(s: RecorderSnapshot, health: RegionHealth, account?: string): Gap {
  const where = account ? `account ${account} in ${s.region}` : s.region;
  const notRecording = health.problems.includes('no-recorder') || health.problems.includes('stopped');
  const unknown = !notRecording && health.problems.some((p) => p.endsWith('-unknown') || p === 'no-recorder-record');
  const headline = notRecording ? `AWS Config is not recording in ${where}`
    : unknown ? `soc2 could not tell whether AWS Config is recording in ${where}` : `AWS Config in ${where} is not fully recording`;
  const gap: Gap = {
    kind: 'precondition',
    resource: account ? `${account}/${s.region}` : s.region,
    message: `${headline} (${describeProblems(health.problems)}): evidence from this region cannot be trusted; ` +
      `${health.problems.map((p) => todo(p, s.region, s, account)).join('; then ')}. Then run soc2 again.`,
  };
  return gap;
}
