/**
 * aws.conformance-pack: compliance of a named conformance pack, per rule and per resource, in every
 * region in scope — or through an aggregator in every account and region that has the pack.
 *
 * The same refusals as aws.config-rules apply: a pack missing from a region, a pack rule with
 * INSUFFICIENT_DATA or a failed or stale evaluation, and an untrusted recorder are gaps, and
 * COMPLIANT results behind them are withheld.
 */
import { z } from 'zod';
import type { AggregateEvaluationResult, ConformancePackEvaluationResult } from '@aws-sdk/client-config-service';
import type { CollectContext, CollectedResource, Collector, Evidence, Gap } from '../types.js';
import {
  aggregateComplianceDetails, aggregateRuleCompliance, aggregatorScope, aggregatorView, placeTrust, type AggregatorScope,
} from './aggregate.js';
import { paginateAws } from './call.js';
import type { EvidenceBuilder } from '../evidence-builder.js';
import { awsEvidence, inParallel, requireAws, sortByKey } from './evidence.js';
import { untrustedRegionGap } from './recorder-health.js';
import { PAGE, evaluationStatusIn, recorderIn, type Shared } from './regional.js';
import { evaluationProblem, resultsProblem } from './rule-match.js';

const ID = 'aws.conformance-pack';

const paramsSchema = z.strictObject({
  pack: z.string().regex(/^[a-zA-Z][-a-zA-Z0-9]*$/, 'expected a conformance pack name (letters, digits and dashes)').max(256)
    .describe('Conformance pack name, as shown in Config console → Conformance packs.'),
  rules: z.array(z.string().min(1)).min(1).optional().describe('Only these rules of the pack (exact names); default: all.'),
});
export type ConformancePackParams = z.output<typeof paramsSchema>;

const resourceSchema = z.object({
  evaluation: z.string().describe('AWS Config evaluation'),
  pack: z.string().describe('conformance pack'),
  rule: z.string().describe('AWS Config rule'),
  compliance: z.enum(['COMPLIANT', 'NON_COMPLIANT']).describe('compliance with its rule'),
  resourceType: z.string().describe('resource type'),
  annotation: z.string().nullable().describe("AWS Config's explanation"),
  evaluatedAt: z.string().nullable().describe('last evaluated'),
  controls: z.array(z.string()).describe('controls the pack maps the rule to'),
});
export type PackResult = z.output<typeof resourceSchema>;

interface PackRead {
  /** Rule name → pack-level compliance and the pack's control mapping. */
  rules: Map<string, { compliance: string; controls: string[] }>;
  results: ConformancePackEvaluationResult[];
}

/** The pack's rule list and per-resource results in one region, read once per run. */
function packIn(ctx: CollectContext, region: string, pack: string): Promise<Shared<PackRead>> {
  return ctx.memo(`aws:conformance-pack:${region}:${pack}`, async (ctx) => {
    const target = { region, resource: `${pack}@${region}` };
    // Both reads in flight together: a missing pack fails both the same way, and one gap says so.
    const [rules, details] = await Promise.all([
      paginateAws(ctx, 'DescribeConformancePackCompliance', { ConformancePackName: pack }, 'ConformancePackRuleComplianceList', target,
        { pageSizeKey: 'Limit', pageSize: PAGE.DescribeConformancePackCompliance }),
      paginateAws(ctx, 'GetConformancePackComplianceDetails', { ConformancePackName: pack }, 'ConformancePackRuleEvaluationResults', target,
        { pageSizeKey: 'Limit', pageSize: PAGE.GetConformancePackComplianceDetails }),
    ]);
    const calls = [rules.call, details.call];
    if (!rules.ok) return { calls, gaps: [notDeployed(rules.gap, pack, region)] };
    if (!details.ok) return { calls, gaps: [details.gap] };
    const byRule = new Map(rules.items.map((r) => [r.ConfigRuleName ?? '', { compliance: r.ComplianceType ?? 'INSUFFICIENT_DATA', controls: r.Controls ?? [] }]));
    return { value: { rules: byRule, results: details.items }, calls, gaps: [] };
  });
}

function notDeployed<G extends { kind: string; message: string; resource?: string }>(gap: G, pack: string, where: string): G {
  if (gap.kind !== 'not-found') return gap;
  return {
    ...gap,
    message: `Conformance pack ${pack} is not deployed in ${where}: deploy it (Config console → Conformance packs → Deploy conformance pack, ` +
      `or \`aws configservice put-conformance-pack --conformance-pack-name ${pack} --template-s3-uri <template>\`), or take the region out of scope.`,
  };
}

function toResource(pack: string, rule: string, controls: string[], r: ConformancePackEvaluationResult | AggregateEvaluationResult, where: { region: string; account?: string }): CollectedResource<PackResult> | undefined {
  const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
  const compliance = r.ComplianceType;
  if (!q?.ResourceId || (compliance !== 'COMPLIANT' && compliance !== 'NON_COMPLIANT')) return undefined;
  const resource: CollectedResource<PackResult> = {
    id: q.ResourceId,
    type: q.ResourceType ?? 'unknown',
    region: where.region,
    data: {
      evaluation: `${compliance} with rule ${rule} (pack ${pack})${r.Annotation ? `: ${r.Annotation}` : ''}`,
      pack, rule, compliance,
      resourceType: q.ResourceType ?? 'unknown',
      annotation: r.Annotation ?? null,
      evaluatedAt: (r.ResultRecordedTime ?? r.ConfigRuleInvokedTime)?.toISOString() ?? null,
      controls,
    },
  };
  if (where.account) resource.account = where.account;
  return resource;
}

async function collectRegion(ctx: CollectContext, region: string, params: ConformancePackParams, out: EvidenceBuilder<PackResult>, withheld: { n: number }): Promise<void> {
  const aws = ctx.aws!;
  const [recorderRead, packRead, statusRead] = await Promise.all([recorderIn(ctx, region), packIn(ctx, region, params.pack), evaluationStatusIn(ctx, region)]);
  const recorder = out.use(recorderRead);
  const pack = out.use(packRead);
  const statuses = out.use(statusRead);
  if (!pack) return;
  const trusted = recorder?.health.trusted ?? false;
  if (recorder && !trusted) out.addGap(untrustedRegionGap(recorder, recorder.health));
  const wanted = params.rules ?? [...pack.rules.keys()];
  const unreliable = new Set<string>();
  for (const name of wanted) {
    const rule = pack.rules.get(name);
    if (!rule) {
      out.addGap({ kind: 'not-found', resource: `${name}@${region}`, message: `Rule ${name} is not part of conformance pack ${params.pack} in ${region}; check the rule names in the control's params.` });
      continue;
    }
    const problem = statuses ? evaluationProblem(statuses.get(name), ctx.now(), aws.maxEvaluationAgeHours) : undefined;
    if (rule.compliance === 'INSUFFICIENT_DATA' || problem) {
      unreliable.add(name);
      out.addGap({
        kind: 'precondition', resource: `${name}@${region}`,
        message: `Rule ${name} of conformance pack ${params.pack} in ${region} ${rule.compliance === 'INSUFFICIENT_DATA' ? 'reports INSUFFICIENT_DATA' : 'cannot be relied on'}` +
          `${problem ? `: ${problem.message}` : ': it has no current evaluation results'}. Open Config console → Conformance packs → ${params.pack} → ${name}, fix the rule, and re-evaluate it.`,
      });
    }
  }
  const account = recorder?.account ?? aws.accountId;
  const unreadable = new Map<string, number>();
  for (const r of pack.results) {
    const name = r.EvaluationResultIdentifier?.EvaluationResultQualifier?.ConfigRuleName ?? '';
    if (name && !wanted.includes(name)) continue;
    const resource = name ? toResource(params.pack, name, pack.rules.get(name)?.controls ?? [], r, { region, ...(account ? { account } : {}) }) : undefined;
    if (!resource) {
      unreadable.set(name, (unreadable.get(name) ?? 0) + 1);
      continue;
    }
    if ((!trusted || unreliable.has(name) || !statuses) && resource.data.compliance !== 'NON_COMPLIANT') {
      withheld.n++;
      continue;
    }
    out.add(resource);
  }
  for (const [name, count] of unreadable) out.addGap(unreadableGap(count, name || '(unnamed)', params.pack, region, `${name || params.pack}@${region}`));
}

/**
 * Through an aggregator: which accounts and regions have the pack comes from
 * DescribeAggregateComplianceByConformancePacks; the pack's rules are the rules of that source whose
 * names carry a conformance-pack suffix — unambiguous only when the source has one pack, so a
 * source with several packs is a gap rather than a guess.
 */
async function collectAggregate(ctx: CollectContext, agg: AggregatorScope, params: ConformancePackParams, out: EvidenceBuilder<PackResult>, withheld: { n: number }): Promise<void> {
  const maxAge = ctx.aws!.maxEvaluationAgeHours;
  const [viewRead, packsRead, rowsRead] = await Promise.all([
    aggregatorView(ctx, agg),
    ctx.memo(`aws:aggregate-packs:${agg.name}`, async (ctx): Promise<Shared<Array<{ pack: string; account: string; region: string; compliance: string }>>> => {
      const r = await paginateAws(ctx, 'DescribeAggregateComplianceByConformancePacks', { ConfigurationAggregatorName: agg.name }, 'AggregateComplianceByConformancePacks',
        { region: agg.homeRegion, resource: agg.name }, { pageSizeKey: 'Limit', pageSize: PAGE.DescribeAggregateComplianceByConformancePacks });
      if (!r.ok) return { calls: [r.call], gaps: [r.gap] };
      return { value: r.items.map((p) => ({ pack: p.ConformancePackName ?? '', account: p.AccountId ?? '', region: p.AwsRegion ?? '', compliance: p.Compliance?.ComplianceType ?? 'INSUFFICIENT_DATA' })), calls: [r.call], gaps: [] };
    }),
    aggregateRuleCompliance(ctx, agg),
  ]);
  const view = out.use(viewRead) ?? {};
  const packs = out.use(packsRead);
  const rows = out.use(rowsRead);
  if (!packs || !rows) return;
  const holders = packs.filter((p) => p.pack === params.pack);
  out.facts.aggregator = agg.name;
  out.facts.sourcesWithPack = holders.map((h) => `${h.account}/${h.region}`);
  if (holders.length === 0) {
    out.addGap(notDeployed({ kind: 'not-found', resource: params.pack, message: '' }, params.pack, `any account or region of aggregator "${agg.name}"`));
    return;
  }
  const now = ctx.now();
  await inParallel(holders, async (holder) => {
    const where = `${holder.account}/${holder.region}`;
    const trust = placeTrust({ account: holder.account, region: holder.region }, view, agg, now, maxAge);
    trust.gaps.forEach((g) => out.addGap(g));
    if (packs.filter((p) => p.account === holder.account && p.region === holder.region).length > 1) {
      out.addGap({ kind: 'other', resource: where, message: `Account ${holder.account} in ${holder.region} has several conformance packs, and the aggregate APIs do not say which rule belongs to which; run soc2 in that account without aws.aggregator to read ${params.pack}.` });
      return;
    }
    const packRules = rows.filter((r) => r.AccountId === holder.account && r.AwsRegion === holder.region && /-conformance-pack-[a-z0-9]+$/.test(r.ConfigRuleName ?? ''))
      .filter((r) => !params.rules || params.rules.includes(r.ConfigRuleName ?? ''));
    await inParallel(packRules, async (row) => {
      const name = row.ConfigRuleName!;
      const results = out.use(await aggregateComplianceDetails(ctx, agg, name, holder.account, holder.region));
      if (!results) return;
      const insufficient = row.Compliance?.ComplianceType === 'INSUFFICIENT_DATA' && results.some((r) => r.ComplianceType !== 'NOT_APPLICABLE');
      if (insufficient) out.addGap({ kind: 'precondition', resource: `${name}@${where}`, message: `Rule ${name} of conformance pack ${params.pack} in account ${holder.account} in ${holder.region} reports INSUFFICIENT_DATA; re-evaluate it in that account.` });
      // The aggregate APIs have no evaluation status: the age of the rule's newest result stands in for it.
      const problem = resultsProblem(results, now, maxAge);
      if (problem) {
        out.addGap({
          kind: 'precondition', resource: `${name}@${where}`,
          message: `Rule ${name} of conformance pack ${params.pack} in account ${holder.account} in ${holder.region} cannot be relied on: ${problem.message}. ` +
            `Re-evaluate it in that account (Config console → Conformance packs → ${params.pack} → ${name}) and run soc2 again.`,
        });
      }
      let unreadable = 0;
      for (const r of results) {
        const resource = toResource(params.pack, name, [], r, { region: holder.region, account: holder.account });
        if (!resource) {
          if (r.ComplianceType !== 'NOT_APPLICABLE') unreadable++;
          continue;
        }
        if ((!trust.trusted || insufficient || problem) && resource.data.compliance !== 'NON_COMPLIANT') {
          withheld.n++;
          continue;
        }
        out.add(resource);
      }
      if (unreadable) out.addGap(unreadableGap(unreadable, name, params.pack, `account ${holder.account} in ${holder.region}`, `${name}@${where}`));
    });
  });
}

/** Results without a resource or a compliance type could be failures: a gap, never dropped in silence. */
function unreadableGap(count: number, rule: string, pack: string, where: string, resource: string): Gap {
  return {
    kind: 'other', resource,
    message: `${count} result(s) of rule ${rule} of conformance pack ${pack} in ${where} did not say which resource they concern or whether it complies, ` +
      'so they could not be read. Re-evaluate the rule and run soc2 again.',
  };
}

export const collector: Collector<ConformancePackParams, PackResult> = {
  id: ID,
  source: 'aws',
  description: 'Compliance of a named AWS Config conformance pack, per rule and per resource, in every region in scope or across an aggregator.',
  params: paramsSchema,
  resource: resourceSchema,
  permissions: [
    'config:DescribeConformancePackCompliance',
    'config:GetConformancePackComplianceDetails',
    'config:DescribeConfigRuleEvaluationStatus',
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeDeliveryChannelStatus',
    'config:DescribeConfigurationAggregatorSourcesStatus',
    'config:DescribeAggregateComplianceByConformancePacks',
    'config:DescribeAggregateComplianceByConfigRules',
    'config:GetAggregateComplianceDetailsByConfigRule',
    'config:SelectAggregateResourceConfig',
  ],
  defaultWhenEmpty: 'error',
  example: [
    'collector: aws.conformance-pack',
    'params: { pack: soc2-automated-controls }',
    'assert: { key: evaluation, op: matches, value: ^COMPLIANT, message: COMPLIANT with the rule }',
  ].join('\n'),

  async collect(ctx: CollectContext, params: ConformancePackParams): Promise<Evidence<PackResult>> {
    const aws = requireAws(ctx, ID);
    const out = awsEvidence<PackResult>();
    const withheld = { n: 0 };
    const agg = aggregatorScope(ctx);
    if (agg) await collectAggregate(ctx, agg, params, out, withheld);
    else await inParallel(aws.regions, (region) => collectRegion(ctx, region, params, out, withheld));
    out.orderResourcesBy((r) => `${r.account ?? ''}|${r.region ?? ''}|${r.data.rule}|${r.id}`);
    out.facts.pack = params.pack;
    if (withheld.n) out.facts.compliantResultsWithheld = withheld.n;
    return out.build();
  },
};
