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
  | 'no-recorder' | 'stopped' | 'partial-recording' | 'last-recording-failed' | 'no-delivery-channel' | 'delivery-failing';

export interface RegionHealth {
  trusted: boolean;
  problems: RecorderProblem[];
}

/** Upper-case form of Config's mixed-case status enums: 'Success' → 'SUCCESS', 'Not_Applicable' → 'NOT_APPLICABLE'. */
export function upperStatus(status: string | undefined): string {
  return status ? status.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() : 'NONE';
}

export function recordsAllTypes(recorder: ConfigurationRecorder | undefined): boolean {
  const group = recorder?.recordingGroup;
  if (!group) return false;
  const strategy = group.recordingStrategy?.useOnly;
  return group.allSupported === true && (strategy === undefined || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES');
}

export function regionHealth(s: RecorderSnapshot): RegionHealth {
  const problems: RecorderProblem[] = [];
  if (!s.recorder) {
    problems.push('no-recorder');
  } else {
    if (s.status?.recording !== true) problems.push('stopped');
    if (!recordsAllTypes(s.recorder)) problems.push('partial-recording');
    // Pending is a recorder that has just started and not yet finished a first recording.
    if (s.status?.recording === true && upperStatus(s.status.lastStatus) !== 'SUCCESS') problems.push('last-recording-failed');
  }
  if (!s.channel) problems.push('no-delivery-channel');
  else if (upperStatus(s.channelStatus?.configHistoryDeliveryInfo?.lastStatus) === 'FAILURE'
    || upperStatus(s.channelStatus?.configSnapshotDeliveryInfo?.lastStatus) === 'FAILURE') problems.push('delivery-failing');
  return { trusted: problems.length === 0, problems };
}

const WORDS: Record<RecorderProblem, string> = {
  'no-recorder': 'no configuration recorder',
  stopped: 'recorder stopped',
  'partial-recording': 'records only selected resource types',
  'last-recording-failed': 'last recording attempt failed',
  'no-delivery-channel': 'no delivery channel',
  'delivery-failing': 'delivery to S3 failing',
};

export function describeProblems(problems: readonly RecorderProblem[]): string {
  return problems.map((p) => WORDS[p]).join(', ');
}

function todo(problem: RecorderProblem, region: string, s: RecorderSnapshot): string {
  const name = s.recorder?.name ?? 'default';
  switch (problem) {
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
  const headline = notRecording ? `AWS Config is not recording in ${where}` : `AWS Config in ${where} is not fully recording`;
  const gap: Gap = {
    kind: 'precondition',
    resource: account ? `${account}/${s.region}` : s.region,
    message: `${headline} (${describeProblems(health.problems)}): evidence from this region cannot be trusted; ` +
      `${health.problems.map((p) => todo(p, s.region, s)).join('; then ')}. Then run soc2 again.`,
  };
  return gap;
}
