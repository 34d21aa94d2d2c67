/**
 * aws.config-rules: per-resource results of AWS Config rules, found by managed rule identifier
 * (or name) in every region in scope, or through an aggregator across accounts.
 *
 * What it refuses to call a pass: a rule not deployed in a region in scope, a rule whose last
 * evaluation failed, never ran or is older than the evaluation age, rule-level INSUFFICIENT_DATA,
 * and anything from a region whose recorder is not healthy. Each of these is a gap (the control
 * ends in `error`), and COMPLIANT results from such a rule or region are withheld; NON_COMPLIANT
 * results are kept, because a failure is a failure whatever the state of the recorder.
 */
import { z } from 'zod';
import type { AggregateComplianceByConfigRule, ConfigRule, EvaluationResult } from '@aws-sdk/client-config-service';
import type { CollectContext, CollectedResource, Collector, Evidence } from '../types.js';
import {
  aggregateComplianceDetails, aggregateRuleCompliance, aggregatorPlaces, aggregatorScope, aggregatorView, placeKey, placeTrust, type AggregatorScope,
} from './aggregate.js';
import type { EvidenceBuilder } from '../evidence-builder.js';
import { awsEvidence, sortByKey } from './evidence.js';
import { fanOut, mapPool } from '../../util/pool.js';
import {
  accountFromArn, complianceDetails, evaluationStatusIn, onRulesListed, recorderIn, ruleComplianceIn, rulesIn,
} from './regional.js';
import { untrustedRegionGap } from './recorder-health.js';
import {
  evaluationProblem, isManagedIdentifier, matchRuleName, matchRules, newestResultTime, resultsProblem, type EvaluationProblem,
} from './rule-match.js';
import { MAX_RULE_NAME, namesFor } from './rule-names.js';

const ID = 'aws.config-rules';

const paramsSchema = z.strictObject({
  rules: z.array(z.string().min(1)).min(1)
    .describe('Managed rule identifiers (S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED) or exact rule names.'),
  global: z.boolean().default(false)
    .describe('The rules check global or account-wide things (IAM, the root user, CloudFront): deployed in one region in scope is enough.'),
  maxEvaluationAgeHours: z.number().int().positive().optional()
    .describe('Override aws.maxEvaluationAgeHours for these rules (e.g. for rules on a weekly schedule).'),
});
export type ConfigRulesParams = z.output<typeof paramsSchema>;

const resourceSchema = z.object({
  evaluation: z.string().describe('AWS Config evaluation'),
  rule: z.string().describe('AWS Config rule'),
  ruleIdentifier: z.string().nullable().describe('managed rule'),
  compliance: z.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE']).describe('compliance with its AWS Config rule'),
  resourceType: z.string().describe('resource type'),
  annotation: z.string().nullable().describe("AWS Config's explanation"),
  evaluatedAt: z.string().nullable().describe('last evaluated'),
  conformancePack: z.string().nullable().describe('conformance pack'),
});
export type RuleResult = z.output<typeof resourceSchema>;
// `evaluation` exists for the finding sentence: the engine words a failure as "<id>: <label> is
// <value>", so the value carries the rule's name and Config's annotation.

/** One deployed rule answering a request, for the evidence's facts. */
interface Deployment {
  requested: string;
  rule: string;
  region: string;
  account?: string;
  compliance?: string;
  lastEvaluatedAt?: string;
}

const PACK_SUFFIX = /-(conformance-pack-[a-z0-9]+)$/;

function packOf(name: string): string | null {
  return PACK_SUFFIX.exec(name)?.[1] ?? null;
}

function reEvaluate(rule: string, region: string): string {
  return `\`aws configservice start-config-rules-evaluation --config-rule-names ${rule} --region ${region}\``;
}

function evaluationGapMessage(rule: string, region: string, where: string, problem: EvaluationProblem, ruleLevel: string | undefined): string {
  const insufficient = ruleLevel === 'INSUFFICIENT_DATA' ? ' reports INSUFFICIENT_DATA and' : '';
  const head = `AWS Config rule ${rule} in ${where}${insufficient} cannot be relied on: ${problem.message}.`;
  switch (problem.kind) {
    case 'failed':
      return `${head} Open Config console → Rules → ${rule} to see the error, fix the rule's parameters or permissions, then re-evaluate (${reEvaluate(rule, region)}).`;
    case 'stale':
      return `${head} Re-evaluate it (${reEvaluate(rule, region)}), or raise aws.maxEvaluationAgeHours if its schedule is longer.`;
    case 'never':
      return `${head} Start an evaluation (${reEvaluate(rule, region)}) and run soc2 again once it has finished.`;
    case 'undated':
      return `${head} Re-evaluate it (${reEvaluate(rule, region)}) and run soc2 again; if its results still carry no time, report it to AWS Support.`;
  }
}

interface Counters {
  withheld: number;
  noResourcesInScope: string[];
  deployments: Deployment[];
}

/** Adds one rule's results; withholds COMPLIANT/NOT_APPLICABLE ones when `reliable` is false. */
function addResults(
  out: EvidenceBuilder<RuleResult>, counters: Counters, results: readonly EvaluationResult[],
  where: { rule: string; identifier: string | null; region: string; account?: string; reliable: boolean; aggregated?: boolean },
): void {
  let unreadable = 0;
  for (const r of results) {
    const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
    const compliance = r.ComplianceType;
    if (!q?.ResourceId || (compliance !== 'COMPLIANT' && compliance !== 'NON_COMPLIANT' && compliance !== 'NOT_APPLICABLE')) {
      unreadable++;
      continue;
    }
    if (!where.reliable && compliance !== 'NON_COMPLIANT') {
      counters.withheld++;
      continue;
    }
    const resource: CollectedResource<RuleResult> = {
      id: q.ResourceId,
      type: q.ResourceType ?? 'unknown',
      region: where.region,
      data: {
        evaluation: `${compliance} with rule ${where.rule}${r.Annotation ? `: ${r.Annotation}` : ''}`,
        rule: where.rule,
        ruleIdentifier: where.identifier,
        compliance,
        resourceType: q.ResourceType ?? 'unknown',
        annotation: r.Annotation ?? null,
        evaluatedAt: (r.ResultRecordedTime ?? r.ConfigRuleInvokedTime)?.toISOString() ?? null,
        conformancePack: packOf(where.rule),
      },
    };
    if (where.account) resource.account = where.account;
    if (compliance === 'NOT_APPLICABLE') resource.notApplicable = `AWS Config rule ${where.rule} reports NOT_APPLICABLE for this resource.`;
    out.add(resource);
  }
  // A result without a resource or a compliance type could be a failure: it is a gap, never dropped in silence.
  if (unreadable > 0) {
    const inAccount = where.aggregated && where.account;
    out.addGap({
      kind: 'other', resource: `${where.rule}@${inAccount ? `${where.account}/` : ''}${where.region}`,
      message: `${unreadable} result(s) of AWS Config rule ${where.rule} in ${inAccount ? `account ${where.account} in ` : ''}${where.region} did not say which resource ` +
        'they concern or whether it complies, so they could not be read. Re-evaluate the rule and run soc2 again.',
    });
  }
}

function notDeployedMessage(requested: string, where: string, global = false): string {
  const deploy = global ? 'deploy it in one region (it checks global resources)' : 'deploy it';
  return `AWS Config rule ${requested} is not deployed in ${where}: ${deploy} or the SOC 2 conformance pack ` +
    `(Config console → Rules → Add rule → ${isManagedIdentifier(requested) ? requested : 'your rule'}), then run soc2 again.`;
}

// ── Single account, region by region ──────────────────────────────────────────────────────────

async function collectRegion(ctx: CollectContext<'aws'>, region: string, params: ConfigRulesParams, out: EvidenceBuilder<RuleResult>, counters: Counters, found: Map<string, string[]>): Promise<void> {
  const aws = ctx.aws;
  const maxAge = params.maxEvaluationAgeHours ?? aws.maxEvaluationAgeHours;
  // Every deployed rule that matches a requested one has its results read below; start each read
  // as soon as its rule is listed, so it overlaps the remaining pages of the rule list. The reads
  // are memoised, so this adds no request; their outcome is taken (and any gap recorded) below.
  // Nobody awaits these promises here: once this collector's timeout stops it waiting they reject,
  // and a rejection nobody handles would end the whole process, so it is dropped (the reads below report it).
  onRulesListed(ctx, region, (listed) => {
    for (const requested of params.rules) {
      for (const rule of matchRules(requested, listed)) complianceDetails(ctx, region, rule.ConfigRuleName!).catch(() => {});
    }
  }).catch(() => {});
  const [rulesRead, recorderRead, statusRead, complianceRead] = await Promise.all([
    rulesIn(ctx, region), recorderIn(ctx, region), evaluationStatusIn(ctx, region), ruleComplianceIn(ctx, region),
  ]);
  const rules = out.use(rulesRead);
  const recorder = out.use(recorderRead);
  const statuses = out.use(statusRead);
  const ruleLevel = out.use(complianceRead);
  if (!rules) return;

  const matched = params.rules.map((requested) => ({ requested, rules: matchRules(requested, rules) }));
  // A global control's evidence comes only from the regions its rules are deployed in.
  const regionMatters = !params.global || matched.some((m) => m.rules.length > 0);
  const trusted = recorder?.health.trusted ?? false;
  if (recorder && !trusted && regionMatters) out.addGap(untrustedRegionGap(recorder, recorder.health));

  await mapPool(matched, fanOut(ctx), async ({ requested, rules: deployed }) => {
    if (deployed.length === 0) {
      if (!params.global) out.addGap({ kind: 'not-found', resource: `${requested}@${region}`, message: notDeployedMessage(requested, region) });
      return;
    }
    found.set(requested, [...(found.get(requested) ?? []), region]);
    await mapPool(deployed, fanOut(ctx), async (rule: ConfigRule) => {
      const name = rule.ConfigRuleName!;
      const account = accountFromArn(rule.ConfigRuleArn) ?? recorder?.account ?? aws.accountId;
      const status = statuses?.get(name);
      const level = ruleLevel?.get(name);
      const deployment: Deployment = { requested, rule: name, region };
      if (account) deployment.account = account;
      if (level) deployment.compliance = level;
      const lastOk = status?.LastSuccessfulEvaluationTime ?? status?.LastSuccessfulInvocationTime;
      if (lastOk) deployment.lastEvaluatedAt = lastOk.toISOString();
      counters.deployments.push(deployment);

      let reliable = trusted && statuses !== undefined && ruleLevel !== undefined;
      const problem = statuses ? evaluationProblem(status, ctx.now(), maxAge) : undefined;
      if (problem) {
        reliable = false;
        out.addGap({ kind: 'precondition', resource: `${name}@${region}`, message: evaluationGapMessage(name, region, region, problem, level) });
      }
      if (params.global && recorder && recordsNoGlobalTypes(recorder.recorder?.recordingGroup?.includeGlobalResourceTypes, rule)) {
        reliable = false;
        out.addGap({
          kind: 'precondition', resource: `${name}@${region}`,
          message: `AWS Config rule ${name} in ${region} evaluates IAM resources, but the recorder in ${region} does not record global resource types, ` +
            `so its results are incomplete. Record global resource types in ${region} (Config console → Settings → Edit → include globally recorded IAM resource types).`,
        });
      }
      const results = out.use(await complianceDetails(ctx, region, name));
      if (!results) return;
      // INSUFFICIENT_DATA with a healthy, recent evaluation and no results at all means the rule
      // found nothing in scope (no resources of its types): not an error, and not a pass either.
      if (level === 'INSUFFICIENT_DATA' && !problem && results.length === 0) counters.noResourcesInScope.push(`${name}@${region}`);
      addResults(out, counters, results, { rule: name, identifier: rule.Source?.SourceIdentifier ?? null, region, ...(account ? { account } : {}), reliable });
    });
  });
}

function recordsNoGlobalTypes(includeGlobal: boolean | undefined, rule: ConfigRule): boolean {
  return includeGlobal !== true && (rule.Scope?.ComplianceResourceTypes ?? []).some((t) => t.startsWith('AWS::IAM::'));
}

// ── Aggregator: every account and region it collects from ─────────────────────────────────────

/** Aggregate rows that say which account, region and rule they belong to; the others are counted. */
function placedRows(rows: readonly AggregateComplianceByConfigRule[]): { placed: Array<AggregateComplianceByConfigRule & { AccountId: string; AwsRegion: string; ConfigRuleName: string }>; unplaced: number } {
  const placed = rows.filter((r): r is AggregateComplianceByConfigRule & { AccountId: string; AwsRegion: string; ConfigRuleName: string } =>
    Boolean(r.AccountId && r.AwsRegion && r.ConfigRuleName));
  return { placed, unplaced: rows.length - placed.length };
}

async function collectAggregate(ctx: CollectContext<'aws'>, agg: AggregatorScope, params: ConfigRulesParams, out: EvidenceBuilder<RuleResult>, counters: Counters, found: Map<string, string[]>): Promise<void> {
  const aws = ctx.aws;
  const maxAge = params.maxEvaluationAgeHours ?? aws.maxEvaluationAgeHours;
  const [viewRead, rowsRead] = await Promise.all([aggregatorView(ctx, agg), aggregateRuleCompliance(ctx, agg)]);
  const view = out.use(viewRead) ?? {};
  const rowList = out.use(rowsRead);
  if (!rowList) return;
  const { placed: rows, unplaced } = placedRows(rowList);
  if (unplaced > 0) {
    out.addGap({
      kind: 'other', resource: agg.name,
      message: `${unplaced} rule compliance row(s) from aggregator "${agg.name}" did not say which account, region or rule they belong to, ` +
        'so their results could not be read. Run soc2 again; if it persists, report it to AWS Support.',
    });
  }
  const places = aggregatorPlaces(view, rows.map((r) => ({ account: r.AccountId, region: r.AwsRegion })));
  out.facts.aggregator = agg.name;
  out.facts.sources = places.map(placeKey);
  const now = ctx.now();

  await mapPool(places, fanOut(ctx), async (place) => {
    const { account, region } = place;
    const where = `account ${account} in ${region}`;
    const here = rows.filter((r) => r.AccountId === account && r.AwsRegion === region);
    const matched = params.rules.map((requested) => {
      const verdicts = here.map((row) => ({ row, match: matchRuleName(requested, row.ConfigRuleName) }));
      return {
        requested,
        rows: verdicts.filter((v) => v.match.kind === 'match').map((v) => v.row),
        ambiguous: verdicts.flatMap((v) => (v.match.kind === 'ambiguous' ? [{ name: v.row.ConfigRuleName, candidates: v.match.candidates }] : [])),
      };
    });
    const trust = placeTrust(place, view, agg, now, maxAge);
    if (!params.global || matched.some((m) => m.rows.length > 0)) trust.gaps.forEach((g) => out.addGap(g));

    await mapPool(matched, fanOut(ctx), async ({ requested, rows: deployed, ambiguous }) => {
      for (const a of ambiguous) {
        out.addGap({
          kind: 'other', resource: `${a.name}@${account}/${region}`,
          message: `AWS Config rule ${a.name} in ${where} has a name cut to ${MAX_RULE_NAME} characters that could stand for any of ${a.candidates.join(', ')}; ` +
            `the aggregate APIs do not say which, and soc2 does not guess. Give the rule a shorter name in the conformance pack template, or run soc2 in that account without aws.aggregator.`,
        });
      }
      if (deployed.length === 0) {
        if (!params.global && ambiguous.length === 0) {
          const names = isManagedIdentifier(requested) ? namesFor(requested).join(' or ') : requested;
          out.addGap({
            kind: 'not-found', resource: `${requested}@${account}/${region}`,
            message: `AWS Config rule ${requested} has no results from ${where} in aggregator "${agg.name}": no rule there named ${names} ` +
              `(alone, with a conformance pack's suffix, or as an organization rule) has produced a result, and the aggregate APIs list only rules ` +
              `with results. Deploy it or the SOC 2 conformance pack in that account and region, then run soc2 again.`,
          });
        }
        return;
      }
      found.set(requested, [...(found.get(requested) ?? []), placeKey(place)]);
      await mapPool(deployed, fanOut(ctx), async (row) => {
        const name = row.ConfigRuleName;
        const level = row.Compliance?.ComplianceType;
        const results = out.use(await aggregateComplianceDetails(ctx, agg, name, account, region));
        const deployment: Deployment = { requested, rule: name, region, account, ...(level ? { compliance: level } : {}) };
        counters.deployments.push(deployment);
        if (!results) return;
        let reliable = trust.trusted;
        // The same age rule as region by region, asked of the results: the aggregate APIs have no evaluation status.
        const problem = resultsProblem(results, now, maxAge);
        const newest = newestResultTime(results);
        if (newest) deployment.lastEvaluatedAt = newest.toISOString();
        if (problem) {
          reliable = false;
          out.addGap({ kind: 'precondition', resource: `${name}@${account}/${region}`, message: evaluationGapMessage(name, region, where, problem, level) });
        }
        // Rules without results are omitted by AWS, so INSUFFICIENT_DATA here has only
        // NOT_APPLICABLE results behind it; anything else is an inconsistent answer.
        if (level === 'INSUFFICIENT_DATA' && results.some((r) => r.ComplianceType !== 'NOT_APPLICABLE')) {
          reliable = false;
          out.addGap({ kind: 'precondition', resource: `${name}@${account}/${region}`, message: `AWS Config rule ${name} in ${where} reports INSUFFICIENT_DATA: its results cannot be relied on. Re-evaluate it (${reEvaluate(name, region)} in that account).` });
        }
        addResults(out, counters, results, { rule: name, identifier: isManagedIdentifier(requested) ? requested : null, region, account, reliable, aggregated: true });
      });
    });
  });
}

// ── The collector ─────────────────────────────────────────────────────────────────────────────

export const collector: Collector<'aws', ConfigRulesParams, RuleResult> = {
  id: ID,
  source: 'aws',
  description: 'Per-resource results of AWS Config rules (managed rule identifiers or rule names) in every region in scope, or across an aggregator\'s accounts.',
  params: paramsSchema,
  resource: resourceSchema,
  permissions: [
    'config:DescribeConfigRules',
    'config:DescribeConfigRuleEvaluationStatus',
    'config:DescribeComplianceByConfigRule',
    'config:GetComplianceDetailsByConfigRule',
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeDeliveryChannelStatus',
    'config:DescribeConfigurationAggregatorSourcesStatus',
    'config:DescribeAggregateComplianceByConfigRules',
    'config:GetAggregateComplianceDetailsByConfigRule',
    'config:SelectAggregateResourceConfig',
  ],
  defaultWhenEmpty: 'error',
  example: [
    'collector: aws.config-rules',
    'params:',
    '  rules: [S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED, RDS_STORAGE_ENCRYPTED]',
    '# `evaluation` reads "NON_COMPLIANT with rule <name>: <annotation>", so findings name the rule.',
    'assert: { key: evaluation, op: matches, value: ^COMPLIANT, message: COMPLIANT with the rule }',
  ].join('\n'),

  async collect(ctx: CollectContext<'aws'>, params: ConfigRulesParams): Promise<Evidence<RuleResult>> {
    const aws = ctx.aws;
    const out = awsEvidence<RuleResult>();
    const counters: Counters = { withheld: 0, noResourcesInScope: [], deployments: [] };
    /** requested rule → regions (or account/region) it was found in */
    const found = new Map<string, string[]>();
    const agg = aggregatorScope(ctx);
    if (agg) await collectAggregate(ctx, agg, params, out, counters, found);
    else await mapPool(aws.regions, fanOut(ctx), (region) => collectRegion(ctx, region, params, out, counters, found));

    if (params.global) {
      // A global rule needs to run once; it is missing only when no region (or source) has it.
      for (const requested of params.rules) {
        if ((found.get(requested) ?? []).length > 0) continue;
        const scope = agg ? `any account and region of aggregator "${agg.name}"` : `any region in scope (${aws.regions.join(', ')})`;
        out.addGap({ kind: 'not-found', resource: requested, message: notDeployedMessage(requested, scope, true) });
      }
    }
    sortByKey(counters.deployments, (d) => `${d.requested}|${d.account ?? ''}|${d.region}|${d.rule}`);
    out.orderResourcesBy((r) => `${r.account ?? ''}|${r.region ?? ''}|${r.data.rule}|${r.id}`);
    out.facts.rulesRequested = params.rules;
    out.facts.deployments = counters.deployments;
    if (counters.withheld > 0) out.facts.compliantResultsWithheld = counters.withheld;
    if (counters.noResourcesInScope.length > 0) out.facts.noResourcesInScope = counters.noResourcesInScope.sort();
    return out.build();
  },
};
