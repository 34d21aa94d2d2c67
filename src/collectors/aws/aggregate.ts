/**
 * Aggregator mode: the same questions asked through an AWS Config aggregator, which AWS already
 * runs across accounts and regions. Reads are made in the aggregator's home region (the first
 * region in scope) and memoized per run. An account and region whose data is not arriving
 * (source status FAILED or OUTDATED, or older than the evaluation age) is not trusted, just as a
 * stopped recorder is not in single-account mode.
 */
import type {
  AggregateComplianceByConfigRule, AggregatedSourceStatus, AggregateEvaluationResult,
} from '@aws-sdk/client-config-service';
import type { CollectContext, Gap } from '../types.js';
import { paginateAws } from './call.js';
import { PAGE, type Shared } from './regional.js';

export interface AggregatorScope {
  name: string;
  /** Region the aggregator lives in: the first region in scope. */
  homeRegion: string;
}

export function aggregatorScope(ctx: CollectContext): AggregatorScope | undefined {
  const aws = ctx.aws;
  if (!aws?.aggregator) return undefined;
  return { name: aws.aggregator, homeRegion: aws.regions[0]! };
}

/** Every account and region the aggregator collects from, with how current its data is. */
export function aggregatorSources(ctx: CollectContext, agg: AggregatorScope): Promise<Shared<AggregatedSourceStatus[]>> {
  return ctx.memo(`aws:aggregator-sources:${agg.name}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeConfigurationAggregatorSourcesStatus', { ConfigurationAggregatorName: agg.name },
      'AggregatedSourceStatusList', { region: agg.homeRegion, resource: agg.name },
      { pageSizeKey: 'Limit', pageSize: PAGE.DescribeConfigurationAggregatorSourcesStatus });
    if (!r.ok) return { calls: [r.call], gaps: [aggregatorGap(r.gap, agg)] };
    // Organization aggregators may list an organization-level row; only account rows are sources.
    return { value: r.items.filter((s) => /^\d{12}$/.test(s.SourceId ?? '') && s.AwsRegion), calls: [r.call], gaps: [] };
  });
}

/** Rule-level compliance of every rule in every source that has results (others are omitted by AWS). */
export function aggregateRuleCompliance(ctx: CollectContext, agg: AggregatorScope): Promise<Shared<AggregateComplianceByConfigRule[]>> {
  return ctx.memo(`aws:aggregate-rule-compliance:${agg.name}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeAggregateComplianceByConfigRules', { ConfigurationAggregatorName: agg.name },
      'AggregateComplianceByConfigRules', { region: agg.homeRegion, resource: agg.name },
      { pageSizeKey: 'Limit', pageSize: PAGE.DescribeAggregateComplianceByConfigRules });
    return r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [aggregatorGap(r.gap, agg)] };
  });
}

/** Per-resource results of one rule in one account and region, through the aggregator. */
export function aggregateComplianceDetails(
  ctx: CollectContext, agg: AggregatorScope, ruleName: string, account: string, region: string,
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

export interface SourceTrust {
  trusted: boolean;
  gap?: Gap;
}

/** Whether an aggregator source's data is current enough to trust. */
export function sourceTrust(source: AggregatedSourceStatus, agg: AggregatorScope, now: Date, maxAgeHours: number): SourceTrust {
  const account = source.SourceId!;
  const region = source.AwsRegion!;
  const updated = source.LastUpdateTime;
  const ageHours = updated ? (now.getTime() - updated.getTime()) / 3_600_000 : Infinity;
  let reason: string | undefined;
  if (source.LastUpdateStatus !== 'SUCCEEDED') {
    reason = `the aggregator's last update from it ${source.LastUpdateStatus === 'FAILED' ? 'failed' : 'is outdated'}` +
      `${source.LastErrorCode ? ` (${source.LastErrorCode}${source.LastErrorMessage ? `: ${source.LastErrorMessage}` : ''})` : ''}`;
  } else if (ageHours > maxAgeHours) {
    reason = `the aggregator last received data from it ${Math.floor(ageHours)} hours ago (more than ${maxAgeHours})`;
  }
  if (!reason) return { trusted: true };
  return {
    trusted: false,
    gap: {
      kind: 'precondition',
      resource: `${account}/${region}`,
      message: `AWS Config data from account ${account} in ${region} is not current in aggregator "${agg.name}": ${reason}; ` +
        `evidence from this account and region cannot be trusted. Check that the recorder is running there and that the account ` +
        `still authorizes the aggregator (Config console → Aggregators → ${agg.name} → source status), then run soc2 again.`,
    },
  };
}
