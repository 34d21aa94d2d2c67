/**
 * Aggregator mode: the same questions asked through an AWS Config aggregator, which AWS already
 * runs across accounts and regions. Reads are made in the aggregator's home region (the first
 * region in scope) and memoized per run.
 *
 * The same rules hold as region by region. An account and region (a "place") is trusted only when
 * both are known to be true:
 * - its data reaches the aggregator: its source status is SUCCEEDED and recent. That status only
 *   says the aggregator may collect from it, not that anything is being recorded there;
 * - its recorder records every resource type: the aggregator holds the recorder's own
 *   configuration item (AWS::Config::ConfigurationRecorder, queried with
 *   SelectAggregateResourceConfig), and it says Recording is true.
 * Where the aggregate APIs cannot tell, the place is not trusted: "could not tell" is never a pass.
 */
import type {
  AggregateComplianceByConfigRule, AggregatedSourceStatus, AggregateEvaluationResult,
} from '@aws-sdk/client-config-service';
import type { CollectContext, Gap } from '../types.js';
import { paginateAws } from './call.js';
import { aggregatedRecorderHealth, untrustedRegionGap, type RecorderItem, type RegionHealth } from './recorder-health.js';
import { PAGE, type Shared } from './regional.js';

export interface AggregatorScope {
  name: string;
  /** Region the aggregator lives in: the first region in scope. */
  homeRegion: string;
}

export function aggregatorScope(ctx: CollectContext<'aws'>): AggregatorScope | undefined {
  const aws = ctx.aws;
  if (!aws?.aggregator) return undefined;
  return { name: aws.aggregator, homeRegion: aws.regions[0]! };
}

/** An account and region the aggregator collects from. */
export interface Place {
  account: string;
  region: string;
}

export function placeKey(p: Place): string {
  return `${p.account}/${p.region}`;
}

/**
 * What the aggregator says about its sources. A part is undefined when its read failed (the
 * read's own gap says why); every place is then untrusted, but known failures are still reported.
 */
export interface AggregatorView {
  /** Source status rows: one per account and region, or per region for an organization source. */
  statuses?: AggregatedSourceStatus[];
  /** The recorder's configuration item of each place, by placeKey. */
  recorders?: Map<string, RecorderItem>;
}

/** Every source status row the aggregator lists. */
function aggregatorSources(ctx: CollectContext<'aws'>, agg: AggregatorScope): Promise<Shared<AggregatedSourceStatus[]>> {
  return ctx.memo(`aws:aggregator-sources:${agg.name}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: agg.name },
      'AggregatedSourceStatusList', { region: agg.homeRegion, resource: agg.name },
      { pageSizeKey: 'Limit', pageSize: PAGE.DescribeConfigurationAggregatorSourcesStatus });
    return r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [aggregatorGap(r.gap, agg)] };
  });
}

/** The advanced query for every source's recorder item; property names from the resource's Config schema. */
export const RECORDER_QUERY = 'SELECT accountId, awsRegion, resourceId, resourceName, configurationItemStatus, configuration.Name, ' +
  'configuration.Recording, configuration.RecordingGroup.AllSupported, configuration.RecordingGroup.IncludeGlobalResourceTypes, ' +
  "configuration.RecordingGroup.RecordingStrategy.UseOnly WHERE resourceType = 'AWS::Config::ConfigurationRecorder'";

/** Service-linked recorders record for one AWS service only; the customer-managed recorder is the one that matters. */
const SERVICE_LINKED_RECORDER = /^AWSConfigurationRecorderFor/;

function recorderItemOf(row: Record<string, unknown>): RecorderItem {
  const conf = (typeof row.configuration === 'object' && row.configuration !== null ? row.configuration : {}) as Record<string, unknown>;
  const group = (typeof conf.RecordingGroup === 'object' && conf.RecordingGroup !== null ? conf.RecordingGroup : {}) as Record<string, unknown>;
  const strategy = (typeof group.RecordingStrategy === 'object' && group.RecordingStrategy !== null ? group.RecordingStrategy : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return {
    name: str(conf.Name) ?? str(row.resourceName) ?? str(row.resourceId),
    itemStatus: str(row.configurationItemStatus),
    recording: bool(conf.Recording),
    allSupported: bool(group.AllSupported),
    useOnly: str(strategy.UseOnly),
    includeGlobalResourceTypes: bool(group.IncludeGlobalResourceTypes),
  };
}

/** Each place's customer-managed recorder, as its configuration item in the aggregator says. */
function aggregatorRecorders(ctx: CollectContext<'aws'>, agg: AggregatorScope): Promise<Shared<Map<string, RecorderItem>>> {
  return ctx.memo(`aws:aggregator-recorders:${agg.name}`, async (ctx) => {
    const r = await paginateAws(ctx, 'SelectAggregateResourceConfig', { Expression: RECORDER_QUERY, ConfigurationAggregatorName: agg.name },
      'Results', { region: agg.homeRegion, resource: agg.name }, { pageSizeKey: 'Limit', pageSize: PAGE.SelectAggregateResourceConfig });
    if (!r.ok) return { calls: [r.call], gaps: [aggregatorGap(r.gap, agg)] };
    const byPlace = new Map<string, RecorderItem>();
    let unreadable = 0;
    for (const text of r.items) {
      let row: unknown;
      try {
        row = JSON.parse(text);
      } catch {
        row = undefined;
      }
      const rec = row !== null && typeof row === 'object' ? (row as Record<string, unknown>) : undefined;
      if (!rec || typeof rec.accountId !== 'string' || typeof rec.awsRegion !== 'string') {
        unreadable++;
        continue;
      }
      const item = recorderItemOf(rec);
      const key = placeKey({ account: rec.accountId, region: rec.awsRegion });
      if (item.name && SERVICE_LINKED_RECORDER.test(item.name)) continue;
      byPlace.set(key, item);
    }
    const gaps: Gap[] = unreadable === 0 ? [] : [{
      kind: 'other', resource: agg.name,
      message: `${unreadable} configuration item(s) of AWS Config recorders returned through aggregator "${agg.name}" did not say which account and region ` +
        'they belong to; those places count as not known to be recording. Run soc2 again; if it persists, report it to AWS Support.',
    }];
    return { value: byPlace, calls: [r.call], gaps };
  });
}

/** The source statuses and recorder items, read together; each part may have failed on its own. */
export async function aggregatorView(ctx: CollectContext<'aws'>, agg: AggregatorScope): Promise<Shared<AggregatorView>> {
  const [statuses, recorders] = await Promise.all([aggregatorSources(ctx, agg), aggregatorRecorders(ctx, agg)]);
  const view: AggregatorView = {};
  if (statuses.value) view.statuses = statuses.value;
  if (recorders.value) view.recorders = recorders.value;
  return { value: view, calls: [...statuses.calls, ...recorders.calls], gaps: [...statuses.gaps, ...recorders.gaps] };
}

/** Rule-level compliance of every rule in every source that has results (others are omitted by AWS). */
export function aggregateRuleCompliance(ctx: CollectContext<'aws'>, agg: AggregatorScope): Promise<Shared<AggregateComplianceByConfigRule[]>> {
  return ctx.memo(`aws:aggregate-rule-compliance:${agg.name}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeAggregateComplianceByConfigRules', { ConfigurationAggregatorName: agg.name },
      'AggregateComplianceByConfigRules', { region: agg.homeRegion, resource: agg.name },
      { pageSizeKey: 'Limit', pageSize: PAGE.DescribeAggregateComplianceByConfigRules });
    return r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [aggregatorGap(r.gap, agg)] };
  });
}

/** Per-resource results of one rule in one account and region, through the aggregator. */
export function aggregateComplianceDetails(
  ctx: CollectContext<'aws'>, agg: AggregatorScope, ruleName: string, account: string, region: string,
): Promise<Shared<AggregateEvaluationResult[]>> {
  return ctx.memo(`aws:aggregate-compliance-details:${agg.name}:${account}:${region}:${ruleName}`, async (ctx) => {
    const r = await paginateAws(ctx, 'GetAggregateComplianceDetailsByConfigRule',
      { ConfigurationAggregatorName: agg.name, ConfigRuleName: ruleName, AccountId: account, AwsRegion: region },
      'AggregateEvaluationResults', { region: agg.homeRegion, account, resource: `${ruleName}@${account}/${region}` },
      { pageSizeKey: 'Limit', pageSize: PAGE.GetAggregateComplianceDetailsByConfigRule });
    return r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [r.gap] };
  });
}

/** A missing aggregator is a configuration problem: say which setting to fix. */
function aggregatorGap(gap: Gap, agg: AggregatorScope): Gap {
  if (gap.kind !== 'not-found') return gap;
  return {
    ...gap,
    message: `AWS Config aggregator "${agg.name}" does not exist in ${agg.homeRegion} for these credentials. ` +
      `Check aws.aggregator in soc2.config.yaml, and make the aggregator's home region the first entry of aws.regions.`,
  };
}

const isAccountRow = (s: AggregatedSourceStatus) => s.SourceType !== 'ORGANIZATION' && /^\d{12}$/.test(s.SourceId ?? '');

/**
 * Every place the aggregator shows: account rows of the source status, recorder items, and any
 * further places the caller saw data from (rule rows). An organization source lists regions, not
 * accounts, so its accounts are known only from their data.
 */
export function aggregatorPlaces(view: AggregatorView, seen: readonly Place[] = []): Place[] {
  const places = new Map<string, Place>();
  const add = (p: Place) => places.set(placeKey(p), p);
  for (const s of view.statuses ?? []) if (isAccountRow(s) && s.AwsRegion) add({ account: s.SourceId!, region: s.AwsRegion });
  for (const key of view.recorders?.keys() ?? []) {
    const [account, region] = key.split('/') as [string, string];
    add({ account, region });
  }
  seen.forEach(add);
  return [...places.values()].sort((a, b) => (placeKey(a) < placeKey(b) ? -1 : placeKey(a) > placeKey(b) ? 1 : 0));
}

/** The status row that covers a place: its own account row, else its region's organization row. */
function statusOf(place: Place, statuses: readonly AggregatedSourceStatus[]): AggregatedSourceStatus | undefined {
  return statuses.find((s) => isAccountRow(s) && s.SourceId === place.account && s.AwsRegion === place.region)
    ?? statuses.find((s) => s.SourceType === 'ORGANIZATION' && s.AwsRegion === place.region);
}

/** Why a place's aggregated data is not current, or undefined when it is. */
function statusProblem(source: AggregatedSourceStatus | undefined, now: Date, maxAgeHours: number): string | undefined {
  if (!source) return 'the aggregator lists no source status for it, so whether its data is current could not be told';
  if (source.LastUpdateStatus !== 'SUCCEEDED') {
    const state = source.LastUpdateStatus === 'FAILED' ? 'failed' : source.LastUpdateStatus === 'OUTDATED' ? 'is outdated' : 'has no status';
    return `the aggregator's last update from it ${state}` +
      `${source.LastErrorCode ? ` (${source.LastErrorCode}${source.LastErrorMessage ? `: ${source.LastErrorMessage}` : ''})` : ''}`;
  }
  if (!source.LastUpdateTime) return 'the aggregator does not say when it last received data from it';
  const ageHours = (now.getTime() - source.LastUpdateTime.getTime()) / 3_600_000;
  if (ageHours > maxAgeHours) return `the aggregator last received data from it ${Math.floor(ageHours)} hours ago (more than ${maxAgeHours})`;
  return undefined;
}

export interface PlaceTrust {
  trusted: boolean;
  /** Why not: the recorder's state and the aggregator's status, each a gap on `account/region`. */
  gaps: Gap[];
  /** The recorder does not record everything, or the aggregator could not tell. */
  recorderGap?: Gap;
  /** The aggregator's data from the place is not current, or its status could not be told. */
  statusGap?: Gap;
  /** The recorder's health as far as the aggregator shows it (undefined when the recorder items could not be read). */
  health?: RegionHealth;
  recorder?: RecorderItem;
}

/** Whether evidence from one account and region, read through the aggregator, can be trusted. */
export function placeTrust(place: Place, view: AggregatorView, agg: AggregatorScope, now: Date, maxAgeHours: number): PlaceTrust {
  const gaps: Gap[] = [];
  const out: PlaceTrust = { trusted: false, gaps };
  let trusted = view.statuses !== undefined && view.recorders !== undefined;
  if (view.recorders) {
    const item = view.recorders.get(placeKey(place));
    const health = aggregatedRecorderHealth(item);
    out.health = health;
    if (item) out.recorder = item;
    if (!health.trusted) {
      trusted = false;
      const recorder = item?.name ? { name: item.name } : {};
      out.recorderGap = untrustedRegionGap({ region: place.region, recorder }, health, place.account);
      gaps.push(out.recorderGap);
    }
  }
  if (view.statuses) {
    const problem = statusProblem(statusOf(place, view.statuses), now, maxAgeHours);
    if (problem) {
      trusted = false;
      out.statusGap = {
        kind: 'precondition',
        resource: placeKey(place),
        message: `AWS Config data from account ${place.account} in ${place.region} is not current in aggregator "${agg.name}": ${problem}; ` +
          `evidence from this account and region cannot be trusted. Check that the account still authorizes the aggregator ` +
          `(Config console → Aggregators → ${agg.name} → source status), then run soc2 again.`,
      };
      gaps.push(out.statusGap);
    }
  }
  out.trusted = trusted;
  return out;
}
