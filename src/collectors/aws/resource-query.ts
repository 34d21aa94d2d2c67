/**
 * aws.resource-query: an AWS Config advanced query (SelectResourceConfig, or
 * SelectAggregateResourceConfig through an aggregator) whose rows become the resources a control
 * asserts on — for properties no managed rule checks ("every bucket carries a data-classification
 * tag"). Each row arrives as a JSON document encoded in a string; it is parsed here.
 *
 * As everywhere in soc2's AWS evidence, rows from a region whose recorder is not healthy (or an
 * aggregator source whose data is not current) are withheld with a gap: they describe what the
 * recorder last saw, not what is there now.
 */
import { z } from 'zod';
import type { CollectContext, CollectedResource, Collector, Evidence } from '../types.js';
import { aggregatorScope, aggregatorView, placeKey, placeTrust, type AggregatorScope, type PlaceTrust } from './aggregate.js';
import { paginateAws } from './call.js';
import type { EvidenceBuilder } from '../evidence-builder.js';
import { awsEvidence, inParallel, requireAws, sortByKey } from './evidence.js';
import { untrustedRegionGap } from './recorder-health.js';
import { PAGE, recorderIn } from './regional.js';

const ID = 'aws.resource-query';

const paramsSchema = z.strictObject({
  expression: z.string().min(1).max(4096)
    .describe("AWS Config advanced query, e.g. SELECT resourceId, tags WHERE resourceType = 'AWS::S3::Bucket'."),
  idField: z.string().min(1).default('resourceId').describe('Dotted path of the property that names each row in findings.'),
});
export type ResourceQueryParams = z.output<typeof paramsSchema>;

const json = z.record(z.string(), z.unknown());
/** The properties an advanced query can select. Configuration documents are open-ended records. */
const resourceSchema = z.object({
  resourceId: z.string().optional().describe('resource id'),
  resourceName: z.string().optional().describe('resource name'),
  resourceType: z.string().optional().describe('resource type'),
  arn: z.string().optional().describe('ARN'),
  accountId: z.string().optional().describe('account'),
  awsRegion: z.string().optional().describe('region'),
  availabilityZone: z.string().optional().describe('availability zone'),
  resourceCreationTime: z.string().optional().describe('created'),
  configurationItemCaptureTime: z.string().optional().describe('recorded at'),
  configurationItemStatus: z.string().optional().describe('configuration item status'),
  tags: z.array(z.object({ key: z.string(), value: z.string() }).catchall(z.unknown())).optional().describe('tags'),
  relationships: z.array(json).optional().describe('relationships'),
  configuration: json.optional().describe('configuration'),
  supplementaryConfiguration: json.optional().describe('supplementary configuration'),
});
export type QueryRow = z.output<typeof resourceSchema>;

/**
 * Adds the properties soc2 needs to name findings (and, through an aggregator, to place them) when
 * the query selects plain properties and forgot them. Queries with functions or GROUP BY are sent
 * exactly as written.
 */
export function withNamingFields(expression: string, fields: readonly string[]): string {
  const m = /^\s*SELECT\s+([\s\S]*?)(\s+WHERE\s[\s\S]*)?$/i.exec(expression);
  if (!m || /\(|\bGROUP\s+BY\b|\bORDER\s+BY\b/i.test(expression)) return expression;
  const selected = m[1]!.split(',').map((s) => s.trim().toLowerCase());
  const missing = fields.filter((f) => !selected.includes(f.toLowerCase()));
  if (missing.length === 0) return expression;
  return expression.replace(/^\s*SELECT\s+/i, `SELECT ${missing.join(', ')}, `);
}

function getPath(row: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), row);
}

interface RowsRead {
  rows: Array<Record<string, unknown>>;
  unparsable: number;
}

function parseRows(results: readonly string[]): RowsRead {
  const rows: Array<Record<string, unknown>> = [];
  let unparsable = 0;
  for (const text of results) {
    try {
      const row: unknown = JSON.parse(text);
      if (row !== null && typeof row === 'object' && !Array.isArray(row)) rows.push(row as Record<string, unknown>);
      else unparsable++;
    } catch {
      unparsable++;
    }
  }
  return { rows, unparsable };
}

function toResource(row: Record<string, unknown>, params: ResourceQueryParams, fallback: { region: string; account?: string; index: number }): CollectedResource<QueryRow> {
  const named = getPath(row, params.idField) ?? row.arn ?? row.resourceName;
  const resource: CollectedResource<QueryRow> = {
    id: typeof named === 'string' || typeof named === 'number' ? String(named) : `row ${fallback.index + 1} in ${fallback.region}`,
    region: typeof row.awsRegion === 'string' ? row.awsRegion : fallback.region,
    data: row as QueryRow,
  };
  if (typeof row.resourceType === 'string') resource.type = row.resourceType;
  const account = typeof row.accountId === 'string' ? row.accountId : fallback.account;
  if (account) resource.account = account;
  return resource;
}

async function collectRegions(ctx: CollectContext, params: ResourceQueryParams, out: EvidenceBuilder<QueryRow>): Promise<void> {
  const aws = ctx.aws!;
  const expression = withNamingFields(params.expression, ['resourceId', 'resourceType']);
  out.facts.expression = expression;
  let total = 0;
  let withheld = 0;
  await inParallel(aws.regions, async (region) => {
    const [recorderRead, page] = await Promise.all([
      recorderIn(ctx, region),
      paginateAws(ctx, 'SelectResourceConfig', { Expression: expression }, 'Results', { region }, { pageSizeKey: 'Limit', pageSize: PAGE.SelectResourceConfig }),
    ]);
    const recorder = out.use(recorderRead);
    out.addCalls([page.call]);
    if (!page.ok) {
      out.addGap(page.gap);
      return;
    }
    if (page.first?.QueryInfo?.SelectFields) out.facts.selectFields = page.first.QueryInfo.SelectFields.map((f) => f.Name);
    const { rows, unparsable } = parseRows(page.items);
    if (unparsable > 0) out.addGap({ kind: 'other', resource: region, message: `${unparsable} row(s) of the advanced query in ${region} were not JSON objects and could not be read.` });
    total += rows.length;
    if (!recorder || !recorder.health.trusted) {
      withheld += rows.length;
      if (recorder) out.addGap(untrustedRegionGap(recorder, recorder.health));
      return;
    }
    const account = recorder.account ?? aws.accountId;
    rows.forEach((row, index) => out.add(toResource(row, params, { region, ...(account ? { account } : {}), index })));
  });
  out.facts.rows = total;
  if (withheld) out.facts.rowsWithheld = withheld;
}

async function collectAggregate(ctx: CollectContext, agg: AggregatorScope, params: ResourceQueryParams, out: EvidenceBuilder<QueryRow>): Promise<void> {
  const expression = withNamingFields(params.expression, ['resourceId', 'resourceType', 'accountId', 'awsRegion']);
  out.facts.expression = expression;
  out.facts.aggregator = agg.name;
  const [viewRead, page] = await Promise.all([
    aggregatorView(ctx, agg),
    paginateAws(ctx, 'SelectAggregateResourceConfig', { Expression: expression, ConfigurationAggregatorName: agg.name }, 'Results',
      { region: agg.homeRegion, resource: agg.name }, { pageSizeKey: 'Limit', pageSize: PAGE.SelectAggregateResourceConfig }),
  ]);
  const view = out.use(viewRead) ?? {};
  out.addCalls([page.call]);
  if (!page.ok) {
    out.addGap(page.gap);
    return;
  }
  const { rows, unparsable } = parseRows(page.items);
  if (unparsable > 0) out.addGap({ kind: 'other', resource: agg.name, message: `${unparsable} row(s) of the advanced query through "${agg.name}" were not JSON objects and could not be read.` });
  out.facts.rows = rows.length;
  const now = ctx.now();
  const trust = new Map<string, PlaceTrust>();
  let withheld = 0;
  let unplaced = 0;
  rows.forEach((row, index) => {
    // A row that does not say where it comes from cannot be checked against its recorder: withheld.
    if (typeof row.accountId !== 'string' || typeof row.awsRegion !== 'string') {
      unplaced++;
      return;
    }
    const place = { account: row.accountId, region: row.awsRegion };
    const key = placeKey(place);
    if (!trust.has(key)) trust.set(key, placeTrust(place, view, agg, now, ctx.aws!.maxEvaluationAgeHours));
    const t = trust.get(key)!;
    if (!t.trusted) {
      withheld++;
      t.gaps.forEach((g) => out.addGap(g));
      return;
    }
    out.add(toResource(row, params, { region: agg.homeRegion, index }));
  });
  if (unplaced > 0) {
    out.addGap({
      kind: 'other', resource: agg.name,
      message: `${unplaced} row(s) of the advanced query through "${agg.name}" did not say which account and region they come from, so whether their recorder is ` +
        'recording could not be told; they are left out. Select accountId and awsRegion in the query (soc2 adds them unless the query uses functions or GROUP BY).',
    });
  }
  if (withheld + unplaced) out.facts.rowsWithheld = withheld + unplaced;
}

export const collector: Collector<ResourceQueryParams, QueryRow> = {
  id: ID,
  source: 'aws',
  description: 'Rows of an AWS Config advanced query (SelectResourceConfig), one resource per row, in every region in scope or through an aggregator.',
  params: paramsSchema,
  resource: resourceSchema,
  permissions: [
    'config:SelectResourceConfig',
    'config:DescribeConfigurationRecorders',
    'config:DescribeConfigurationRecorderStatus',
    'config:DescribeDeliveryChannels',
    'config:DescribeDeliveryChannelStatus',
    'config:SelectAggregateResourceConfig',
    'config:DescribeConfigurationAggregatorSourcesStatus',
  ],
  defaultWhenEmpty: 'not_applicable',
  example: [
    'collector: aws.resource-query',
    'params:',
    "  expression: SELECT resourceId, resourceType, tags WHERE resourceType = 'AWS::S3::Bucket'",
    "assert: { key: tags, op: not-empty, message: 'at least one tag, e.g. owner or data classification' }",
  ].join('\n'),

  async collect(ctx: CollectContext, params: ResourceQueryParams): Promise<Evidence<QueryRow>> {
    requireAws(ctx, ID);
    const out = awsEvidence<QueryRow>();
    const agg = aggregatorScope(ctx);
    if (agg) await collectAggregate(ctx, agg, params, out);
    else await collectRegions(ctx, params, out);
    out.orderResourcesBy((r) => `${r.account ?? ''}|${r.region ?? ''}|${r.id}`);
    return out.build();
  },
};
