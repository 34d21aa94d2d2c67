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
import { aggregatorScope, aggregatorSources, sourceTrust } from './aggregate.js';
import { EvidenceBuilder, inParallel, requireAws } from './evidence.js';
import { describeProblems, recordsAllTypes, upperStatus } from './recorder-health.js';
import { recorderIn, type RecorderRead } from './regional.js';

const ID = 'aws.config-recorder';

const paramsSchema = z.strictObject({});
export type ConfigRecorderParams = z.output<typeof paramsSchema>;

const LAST_STATUS = ['SUCCESS', 'PENDING', 'FAILURE', 'NOT_APPLICABLE', 'NONE'] as const;
const DELIVERY_STATUS = ['SUCCESS', 'FAILURE', 'NOT_APPLICABLE', 'NONE'] as const;

const resourceSchema = z.object({
  exists: z.boolean().describe('a configuration recorder exists'),
  recording: z.boolean().describe('recording'),
  allSupported: z.boolean().describe('records all supported resource types'),
  includesGlobalResourceTypes: z.boolean().describe('records global resource types (IAM) in this region'),
  globalResourceTypesRecordedInScope: z.boolean().describe('global resource types are recorded in at least one region in scope'),
  lastStatus: z.enum(LAST_STATUS).describe('last recording status'),
  lastErrorCode: z.string().nullable().describe('last recording error'),
  lastStatusChangeAt: z.string().nullable().describe('last status change'),
  deliveryChannelExists: z.boolean().describe('a delivery channel exists'),
  deliveryChannel: z.string().nullable().describe('delivery channel'),
  deliveryBucket: z.string().nullable().describe('delivery S3 bucket'),
  lastDeliveryStatus: z.enum(DELIVERY_STATUS).describe('last delivery status'),
  trusted: z.boolean().describe('AWS Config evidence from this region can be trusted'),
  problems: z.array(z.string()).describe('problems found'),
});
export type RecorderState = z.output<typeof resourceSchema>;

function pick<T extends string>(allowed: readonly T[], value: string): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : ('NONE' as T);
}

function stateOf(read: RecorderRead, globalInScope: boolean): RecorderState {
  const { recorder, status, channel, channelStatus } = read;
  return {
    exists: recorder !== undefined,
    recording: status?.recording === true,
    allSupported: recordsAllTypes(recorder),
    includesGlobalResourceTypes: recorder?.recordingGroup?.includeGlobalResourceTypes === true,
    globalResourceTypesRecordedInScope: globalInScope,
    lastStatus: pick(LAST_STATUS, recorder ? upperStatus(status?.lastStatus) : 'NONE'),
    lastErrorCode: status?.lastErrorCode ?? null,
    lastStatusChangeAt: status?.lastStatusChangeTime?.toISOString() ?? null,
    deliveryChannelExists: channel !== undefined,
    deliveryChannel: channel?.name ?? null,
    deliveryBucket: channel?.s3BucketName ?? null,
    lastDeliveryStatus: pick(DELIVERY_STATUS, channel ? upperStatus(channelStatus?.configHistoryDeliveryInfo?.lastStatus) : 'NONE'),
    trusted: read.health.trusted,
    problems: read.health.problems.length ? describeProblems(read.health.problems).split(', ') : [],
  };
}

/**
 * Aggregator mode: the aggregate APIs do not expose member accounts' recorders, only whether each
 * account and region still sends data. soc2 reports that, and says plainly that recording groups
 * could not be verified (evidence incomplete) rather than guessing them.
 */
async function collectAggregate(ctx: CollectContext, out: EvidenceBuilder<RecorderState>): Promise<void> {
  const agg = aggregatorScope(ctx)!;
  const sources = out.use(await aggregatorSources(ctx, agg));
  if (!sources) return;
  const now = ctx.now();
  out.facts.aggregator = agg.name;
  out.facts.sources = sources.map((s) => ({
    account: s.SourceId, region: s.AwsRegion, status: s.LastUpdateStatus ?? 'NONE', lastUpdate: s.LastUpdateTime?.toISOString() ?? null,
  }));
  for (const s of sources) {
    const trust = sourceTrust(s, agg, now, ctx.aws!.maxEvaluationAgeHours);
    if (trust.gap) out.addGap(trust.gap);
  }
  out.addGap({
    kind: 'other',
    resource: agg.name,
    message: `Through aggregator "${agg.name}" soc2 can see that ${sources.length} account/region sources send AWS Config data, but not how each ` +
      `recorder is set up (all resource types, global types, delivery channel): AWS exposes no aggregate API for that. Run soc2 once per ` +
      `account without aws.aggregator (for example from a CI matrix with one role per account) to verify the recorders.`,
  });
}

export const collector: Collector<ConfigRecorderParams, RecorderState> = {
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
  ],
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

  async collect(ctx: CollectContext, _params: ConfigRecorderParams): Promise<Evidence<RecorderState>> {
    const aws = requireAws(ctx, ID);
    const out = new EvidenceBuilder<RecorderState>();
    if (aggregatorScope(ctx)) {
      await collectAggregate(ctx, out);
      return out.build();
    }
    const reads = await inParallel(aws.regions, async (region) => ({ region, read: out.use(await recorderIn(ctx, region)) }));
    const known = reads.filter((r): r is { region: string; read: RecorderRead } => r.read !== undefined);
    const globalInScope = known.some(({ read }) => read.status?.recording === true && read.recorder?.recordingGroup?.includeGlobalResourceTypes === true);
    // Every region's recorder belongs to the same account; one that has none borrows it.
    const account = known.find((r) => r.read.account)?.read.account ?? aws.accountId;
    for (const { region, read } of known) {
      const resource: CollectedResource<RecorderState> = {
        id: read.recorder?.name ?? 'config-recorder',
        type: 'AWS::Config::ConfigurationRecorder',
        region,
        data: stateOf(read, globalInScope),
      };
      const owner = read.account ?? account;
      if (owner) resource.account = owner;
      out.resources.push(resource);
    }
    out.facts.regionsWithoutRecorder = known.filter((r) => !r.read.recorder).map((r) => r.region);
    out.facts.regionsNotRecording = known.filter((r) => r.read.recorder && r.read.status?.recording !== true).map((r) => r.region);
    out.facts.untrustedRegions = known.filter((r) => !r.read.health.trusted).map((r) => r.region);
    out.facts.globalResourceTypesRecorded = globalInScope;
    return out.build();
  },
};
