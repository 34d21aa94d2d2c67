/**
 * Reads that many controls share, made once per run through ctx.memo: the rule list, rule
 * evaluation status and rule-level compliance of a region, the recorder's state, and the
 * per-resource results of one rule. Each result carries the ApiCalls that produced it (so every
 * evidence file that relies on it lists them) and the gaps met on the way.
 */
import type {
  ComplianceType, ConfigRule, ConfigRuleEvaluationStatus, EvaluationResult,
} from '@aws-sdk/client-config-service';
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { callAws, paginateAws } from './call.js';
import { regionHealth, type RecorderSnapshot, type RegionHealth } from './recorder-health.js';

export interface Shared<T> {
  /** Present when the read finished; absent when a gap stopped it. */
  value?: T;
  calls: ApiCall[];
  gaps: Gap[];
}

/** Page sizes soc2 asks for: the maximum each operation allows, so reads take the fewest requests. */
export const PAGE = {
  GetComplianceDetailsByConfigRule: 100,
  DescribeConfigRuleEvaluationStatus: 50,
  DescribeConfigurationAggregatorSourcesStatus: 100,
  DescribeAggregateComplianceByConfigRules: 1000,
  GetAggregateComplianceDetailsByConfigRule: 100,
  SelectAggregateResourceConfig: 100,
} as const;

/** A region's rule list being read, with the rules listed so far and who wants to hear of more. */
interface RuleListing {
  result: Promise<Shared<ConfigRule[]>>;
  listed: ConfigRule[];
  listeners: Array<(rules: readonly ConfigRule[]) => void>;
}

function ruleListing(ctx: CollectContext<'aws'>, region: string): Promise<RuleListing> {
  return ctx.memo(`aws:rules:${region}`, async (ctx) => {
    const listing: RuleListing = { listed: [], listeners: [], result: undefined as unknown as RuleListing['result'] };
    listing.result = paginateAws(ctx, 'DescribeConfigRules', {}, 'ConfigRules', { region }, {
      onPage: (items) => {
        const rules = items as ConfigRule[];
        listing.listed.push(...rules);
        for (const listener of listing.listeners) listener(rules);
      },
    }).then((r) => (r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [r.gap] }));
    return listing;
  });
}

/** Every rule in a region (DescribeConfigRules has no page-size member: the service picks it). */
export async function rulesIn(ctx: CollectContext<'aws'>, region: string): Promise<Shared<ConfigRule[]>> {
  return (await ruleListing(ctx, region)).result;
}

/**
 * Calls `onRules` with the rules of a region already listed, then with each further page as it
 * arrives. Lets a collector start reading a rule's results while later pages of the (sequential)
 * rule list are still on their way, instead of after the last one.
 */
export async function onRulesListed(ctx: CollectContext<'aws'>, region: string, onRules: (rules: readonly ConfigRule[]) => void): Promise<void> {
  const listing = await ruleListing(ctx, region);
  if (listing.listed.length) onRules(listing.listed);
  listing.listeners.push(onRules);
}

/** Last successful and failed evaluation of every rule in a region, by rule name. */
export function evaluationStatusIn(ctx: CollectContext<'aws'>, region: string): Promise<Shared<Map<string, ConfigRuleEvaluationStatus>>> {
  return ctx.memo(`aws:rule-evaluation-status:${region}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeConfigRuleEvaluationStatus', {}, 'ConfigRulesEvaluationStatus', { region },
      { pageSizeKey: 'Limit', pageSize: PAGE.DescribeConfigRuleEvaluationStatus });
    if (!r.ok) return { calls: [r.call], gaps: [r.gap] };
    return { value: new Map(r.items.map((s) => [s.ConfigRuleName ?? '', s])), calls: [r.call], gaps: [] };
  });
}

/** Rule-level compliance (COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA) of every rule in a region. */
export function ruleComplianceIn(ctx: CollectContext<'aws'>, region: string): Promise<Shared<Map<string, ComplianceType | undefined>>> {
  return ctx.memo(`aws:rule-compliance:${region}`, async (ctx) => {
    const r = await paginateAws(ctx, 'DescribeComplianceByConfigRule', {}, 'ComplianceByConfigRules', { region });
    if (!r.ok) return { calls: [r.call], gaps: [r.gap] };
    return { value: new Map(r.items.map((c) => [c.ConfigRuleName ?? '', c.Compliance?.ComplianceType])), calls: [r.call], gaps: [] };
  });
}

/**
 * Every per-resource result of one rule. COMPLIANT, NON_COMPLIANT and NOT_APPLICABLE are named
 * explicitly rather than relying on the service's default filter.
 */
export function complianceDetails(ctx: CollectContext<'aws'>, region: string, ruleName: string): Promise<Shared<EvaluationResult[]>> {
  return ctx.memo(`aws:compliance-details:${region}:${ruleName}`, async (ctx) => {
    const r = await paginateAws(ctx, 'GetComplianceDetailsByConfigRule',
      { ConfigRuleName: ruleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE'] }, 'EvaluationResults',
      { region, resource: `${ruleName}@${region}` }, { pageSizeKey: 'Limit', pageSize: PAGE.GetComplianceDetailsByConfigRule });
    return r.ok ? { value: r.items, calls: [r.call], gaps: [] } : { calls: [r.call], gaps: [r.gap] };
  });
}

export interface RecorderRead extends RecorderSnapshot {
  health: RegionHealth;
  /** Account, from the recorder's ARN when there is one. */
  account?: string;
}

/** The recorder, its status, the delivery channel and its status: four calls, made together. */
export function recorderIn(ctx: CollectContext<'aws'>, region: string): Promise<Shared<RecorderRead>> {
  return ctx.memo(`aws:recorder:${region}`, async (ctx) => {
    const target = { region };
    const [rec, st, ch, chs] = await Promise.all([
      callAws(ctx, 'DescribeConfigurationRecorders', {}, target),
      callAws(ctx, 'DescribeConfigurationRecorderStatus', {}, target),
      callAws(ctx, 'DescribeDeliveryChannels', {}, target),
      callAws(ctx, 'DescribeDeliveryChannelStatus', {}, target),
    ]);
    const calls = [rec.call, st.call, ch.call, chs.call];
    const gaps = [rec, st, ch, chs].flatMap((r) => (r.ok ? [] : [r.gap]));
    if (!rec.ok || !st.ok || !ch.ok || !chs.ok) return { calls, gaps };
    // An answer without its list is not "none": whether a recorder or channel exists could not be told.
    const unsaid = [
      rec.value.ConfigurationRecorders === undefined ? 'DescribeConfigurationRecorders (ConfigurationRecorders)' : '',
      ch.value.DeliveryChannels === undefined ? 'DescribeDeliveryChannels (DeliveryChannels)' : '',
    ].filter(Boolean);
    if (unsaid.length > 0) {
      return {
        calls,
        gaps: [{
          kind: 'other', resource: region,
          message: `AWS answered ${unsaid.join(' and ')} in ${region} without the list, so soc2 could not tell whether AWS Config is set up there. Run soc2 again; if it persists, report it to AWS Support.`,
        }],
      };
    }
    const recorder = rec.value.ConfigurationRecorders?.[0];
    const snapshot: RecorderSnapshot = { region };
    if (recorder) snapshot.recorder = recorder;
    const status = st.value.ConfigurationRecordersStatus?.find((s) => s.name === recorder?.name) ?? st.value.ConfigurationRecordersStatus?.[0];
    if (status) snapshot.status = status;
    const channel = ch.value.DeliveryChannels?.[0];
    if (channel) snapshot.channel = channel;
    const channelStatus = chs.value.DeliveryChannelsStatus?.find((s) => s.name === channel?.name);
    if (channelStatus) snapshot.channelStatus = channelStatus;
    const value: RecorderRead = { ...snapshot, health: regionHealth(snapshot) };
    const account = accountFromArn(recorder?.arn ?? status?.arn);
    if (account) value.account = account;
    return { value, calls, gaps };
  });
}

/** 'arn:aws:config:us-east-1:123456789012:config-rule/…' → '123456789012'. */
export function accountFromArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}
