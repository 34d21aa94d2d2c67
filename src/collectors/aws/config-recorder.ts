/**
 * aws.config-recorder: the state of AWS Config itself in every region in scope — the precondition
 * for trusting any other AWS evidence. One resource per region: does a recorder exist, is it
 * recording all supported resource types, did its last recording succeed, does a delivery channel
 * deliver, and are global resource types (IAM) recorded somewhere in scope.
 *
 * A region without a recorder is a resource whose `exists` is false — a failure, never an empty
 * (and so possibly passing) population.
 */
import { z } from 'zod';
import type { CollectContext, CollectedResource, Collector, Evidence } from '../types.js';
import type { ConfigurationRecorder } from '@aws-sdk/client-config-service';
import { aggregatorPlaces, aggregatorScope, aggregatorView, placeKey, placeTrust } from './aggregate.js';
import type { EvidenceBuilder } from '../evidence-builder.js';
import { awsEvidence } from './evidence.js';
import { fanOut, mapPool } from '../../util/pool.js';
import { describeProblems, recordsAllTypes, upperStatus, type RecorderItem } from './recorder-health.js';
import { recorderIn, type RecorderRead } from './regional.js';

const ID = 'aws.config-recorder';

const paramsSchema = z.strictObject({});
export type ConfigRecorderParams = z.output<typeof paramsSchema>;

const LAST_STATUS = ['SUCCESS', 'PENDING', 'FAILURE', 'NOT_APPLICABLE', 'NONE'] as const;
const DELIVERY_STATUS = ['SUCCESS', 'FAILURE', 'NOT_APPLICABLE', 'NONE'] as const;

const resourceSchema = z.object({
  exists: z.boolean().describe('a configuration recorder exists'),
  recording: z.boolean().nullable().describe('recording'),
  allSupported: z.boolean().nullable().describe('records all supported resource types'),
  includesGlobalResourceTypes: z.boolean().nullable().describe('records global resource types (IAM) in this region'),
  globalResourceTypesRecordedInScope: z.boolean().nullable().describe('global resource types are recorded in at least one region in scope'),
  lastStatus: z.enum(LAST_STATUS).nullable().describe('last recording status'),
  lastErrorCode: z.string().nullable().describe('last recording error'),
  lastStatusChangeAt: z.string().nullable().describe('last status change'),
  deliveryChannelExists: z.boolean().nullable().describe('a delivery channel exists'),
  deliveryChannel: z.string().nullable().describe('delivery channel'),
  deliveryBucket: z.string().nullable().describe('delivery S3 bucket'),
  lastDeliveryStatus: z.enum(DELIVERY_STATUS).nullable().describe('last delivery status'),
  trusted: z.boolean().describe('AWS Config evidence from this region can be trusted'),
  problems: z.array(z.string()).describe('problems found'),
});
export type RecorderState = z.output<typeof resourceSchema>;

function pick<T extends string>(allowed: readonly T[], value: string): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : ('NONE' as T);
}

/** Null when a recorder exists but AWS did not send the value: "could not tell", never false. */
function stateOf(read: RecorderRead, globalInScope: boolean | null): RecorderState {
  const { recorder, status, channel, channelStatus } = read;
  const lastDelivery = channelStatus?.configHistoryDeliveryInfo?.lastStatus;
  return {
    exists: recorder !== undefined,
    recording: recorder ? status?.recording ?? null : false,
    allSupported: recordsAllTypes(recorder),
    includesGlobalResourceTypes: recorder ? recorder.recordingGroup?.includeGlobalResourceTypes ?? null : false,
    globalResourceTypesRecordedInScope: globalInScope,
    lastStatus: !recorder ? 'NONE' : status?.lastStatus === undefined ? null : pick(LAST_STATUS, upperStatus(status.lastStatus)),
    lastErrorCode: status?.lastErrorCode ?? null,
    lastStatusChangeAt: status?.lastStatusChangeTime?.toISOString() ?? null,
    deliveryChannelExists: channel !== undefined,
    deliveryChannel: channel?.name ?? null,
    deliveryBucket: channel?.s3BucketName ?? null,
    lastDeliveryStatus: !channel ? 'NONE' : lastDelivery === undefined ? null : pick(DELIVERY_STATUS, upperStatus(lastDelivery)),
    trusted: read.health.trusted,
    problems: read.health.problems.length ? describeProblems(read.health.problems).split(', ') : [],
  };
}

/** True when one place records global types; null when none does for sure but one might. */
function anyRecordsGlobal(states: ReadonlyArray<Pick<RecorderState, 'recording' | 'includesGlobalResourceTypes'>>): boolean | null {
  if (states.some((s) => s.recording === true && s.includesGlobalResourceTypes === true)) return true;
  if (states.some((s) => s.recording !== false && s.includesGlobalResourceTypes !== false)) return null;
  return false;
}

/**
 * Aggregator mode: one resource per account and region, from the recorder's own configuration
 * item in the aggregator. That item says whether the recorder exists, records, and what; it does
 * not carry the last recording status or the delivery channel, which stay null (could not tell:
 * only the member account's own Describe calls reveal them).
 */
async function collectAggregate(ctx: CollectContext<'aws'>, out: EvidenceBuilder<RecorderState>): Promise<void> {
  const agg = aggregatorScope(ctx)!;
  const view = out.use(await aggregatorView(ctx, agg)) ?? {};
  const now = ctx.now();
  const places = aggregatorPlaces(view);
  out.facts.aggregator = agg.name;
  out.facts.sources = (view.statuses ?? []).map((s) => ({
    source: s.SourceId ?? null, type: s.SourceType ?? null, region: s.AwsRegion ?? null,
    status: s.LastUpdateStatus ?? null, lastUpdate: s.LastUpdateTime?.toISOString() ?? null,
  }));
  if (!view.recorders) return;
  const states = places.map((place) => {
    const trust = placeTrust(place, view, agg, now, ctx.aws.maxEvaluationAgeHours);
    // The aggregator's status is about data arriving, not about the recorder: it is a gap, while
    // the recorder's own state below is what the control judges.
    if (trust.statusGap) out.addGap(trust.statusGap);
    const item = trust.recorder;
    const exists = item !== undefined && !item.itemStatus?.startsWith('ResourceDeleted');
    const state: RecorderState = {
      exists,
      recording: exists ? item.recording : false,
      allSupported: exists ? recordsAllTypes({ recordingGroup: groupOf(item) }) : false,
      includesGlobalResourceTypes: exists ? item.includeGlobalResourceTypes : false,
      globalResourceTypesRecordedInScope: null,
      lastStatus: exists ? null : 'NONE',
      lastErrorCode: null,
      lastStatusChangeAt: null,
      deliveryChannelExists: null,
      deliveryChannel: null,
      deliveryBucket: null,
      lastDeliveryStatus: null,
      trusted: trust.trusted,
      problems: trust.health && trust.health.problems.length ? describeProblems(trust.health.problems).split(', ') : [],
    };
    return { place, state, item };
  });
  for (const { place, state, item } of states) {
    const sameAccount = states.filter((s) => s.place.account === place.account).map((s) => s.state);
    state.globalResourceTypesRecordedInScope = anyRecordsGlobal(sameAccount);
    // No configuration item at all: whether a recorder exists could not be told.
    if (!item) {
      out.addGap({
        kind: 'precondition', resource: placeKey(place),
        message: `Aggregator "${agg.name}" holds no configuration item for a recorder in account ${place.account} in ${place.region}, so soc2 could not tell ` +
          `whether AWS Config is set up and recording there. Set up and start AWS Config in that account and region, or check that the account still authorizes the aggregator, then run soc2 again.`,
      });
      continue;
    }
    out.add({
      id: item.name ?? 'config-recorder', type: 'AWS::Config::ConfigurationRecorder', region: place.region, account: place.account, data: state,
    });
  }
}

function groupOf(item: RecorderItem): NonNullable<ConfigurationRecorder['recordingGroup']> {
  const group: NonNullable<ConfigurationRecorder['recordingGroup']> = {};
  if (item.allSupported !== null) group.allSupported = item.allSupported;
  if (item.useOnly !== null) group.recordingStrategy = { useOnly: item.useOnly as 'ALL_SUPPORTED_RESOURCE_TYPES' };
  return group;
}

export const collector: Collector<'aws', ConfigRecorderParams, RecorderState> = {
  id: ID,
  source: 'aws',
  description: 'State of AWS Config in every region in scope: recorder, recording group, last status, delivery channel.',
  params: paramsSchema,
  resource: resourceSchema,
  permissions: [
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeDeliveryChannelStatus',
    'config:DescribeConfigurationAggregatorSourcesStatus',
    'config:SelectAggregateResourceConfig',
  ],
  revealedBy: {
    recording: 'config:DescribeConfigurationRecorderStatus',
    allSupported: 'config:DescribeConfigurationRecorders',
    includesGlobalResourceTypes: 'config:DescribeConfigurationRecorders',
    globalResourceTypesRecordedInScope: 'config:DescribeConfigurationRecorders',
    lastStatus: 'config:DescribeConfigurationRecorderStatus',
    deliveryChannelExists: 'config:DescribeDeliveryChannels',
    lastDeliveryStatus: 'config:DescribeDeliveryChannelStatus',
  },
  defaultWhenEmpty: 'error',
  example: [
    'collector: aws.config-recorder',
    'assert:',
    '  all:',
    '    - { key: exists, op: eq, value: true }',
    '    - { key: recording, op: eq, value: true }',
    '    - { key: allSupported, op: eq, value: true }',
    '    - { key: lastStatus, op: eq, value: SUCCESS }',
  ].join('\n'),

  async collect(ctx: CollectContext<'aws'>, _params: ConfigRecorderParams): Promise<Evidence<RecorderState>> {
    const aws = ctx.aws;
    const out = awsEvidence<RecorderState>();
    if (aggregatorScope(ctx)) {
      await collectAggregate(ctx, out);
      return out.build();
    }
    const reads = await mapPool(aws.regions, fanOut(ctx), async (region) => ({ region, read: out.use(await recorderIn(ctx, region)) }));
    const known = reads.filter((r): r is { region: string; read: RecorderRead } => r.read !== undefined);
    const states = known.map(({ read }) => stateOf(read, null));
    const globalInScope = anyRecordsGlobal(states);
    // Every region's recorder belongs to the same account; one that has none borrows it.
    const account = known.find((r) => r.read.account)?.read.account ?? aws.accountId;
    known.forEach(({ region, read }, i) => {
      const data = { ...states[i]!, globalResourceTypesRecordedInScope: globalInScope };
      const resource: CollectedResource<RecorderState> = { id: read.recorder?.name ?? 'config-recorder', type: 'AWS::Config::ConfigurationRecorder', region, data };
      const owner = read.account ?? account;
      if (owner) resource.account = owner;
      out.add(resource);
    });
    out.facts.regionsWithoutRecorder = known.filter((r) => !r.read.recorder).map((r) => r.region);
    out.facts.regionsNotRecording = known.filter((r) => r.read.recorder && r.read.status?.recording === false).map((r) => r.region);
    out.facts.untrustedRegions = known.filter((r) => !r.read.health.trusted).map((r) => r.region);
    out.facts.globalResourceTypesRecorded = globalInScope;
    return out.build();
  },
};
