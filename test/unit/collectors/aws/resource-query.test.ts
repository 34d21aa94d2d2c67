import { afterEach, describe, expect, it } from 'vitest';
import { RECORDER_QUERY } from '../../../../src/collectors/aws/aggregate.js';
import { collector, withNamingFields } from '../../../../src/collectors/aws/resource-query.js';
import type { AwsConfigItem } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../../fakes/aws-harness.js';
import { ACCOUNT, NOW, OTHER_ACCOUNT, estate, region } from '../../../fakes/aws-estates.js';

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function bucketItems(prefix: string, count: number, untagged: number[] = []): AwsConfigItem[] {
  return Array.from({ length: count }, (_, i) => ({
    resourceType: 'AWS::S3::Bucket',
    resourceId: `${prefix}-${String(i).padStart(4, '0')}`,
    resourceName: `${prefix}-${String(i).padStart(4, '0')}`,
    ...(untagged.includes(i) ? {} : { tags: { classification: 'internal' } }),
    configuration: { name: `${prefix}-${i}`, versioning: i % 2 === 0 },
    configurationItemCaptureTime: NOW,
  }));
}

const QUERY = "SELECT resourceId, resourceType, tags, configuration.versioning WHERE resourceType = 'AWS::S3::Bucket'";

describe('collectors/aws/resource-query', () => {
  it('parses JSON-string rows across pages into one resource per row', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [], { resources: [
      ...bucketItems('b', 230, [229]),
      { resourceType: 'AWS::EC2::Volume', resourceId: 'vol-1', configuration: {}, configurationItemCaptureTime: NOW },
    ] }) } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: QUERY }));
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(230);
    expect(harness.server.stats.byOperation.SelectResourceConfig).toBe(3);
    expect(ev.resources[0]).toEqual({
      id: 'b-0000', type: 'AWS::S3::Bucket', region: 'us-east-1', account: ACCOUNT,
      data: { resourceId: 'b-0000', resourceType: 'AWS::S3::Bucket', tags: [{ key: 'classification', value: 'internal', tag: 'classification=internal' }], configuration: { versioning: true } },
    });
    expect(ev.resources.find((r) => r.id === 'b-0229')!.data.tags).toEqual([]);
    expect(ev.calls.find((c) => c.operation === 'config:SelectResourceConfig')).toMatchObject({ pages: 3, items: 230, params: { Expression: QUERY, Limit: 100 } });
    expect(ev.facts).toMatchObject({ rows: 230, selectFields: ['resourceId', 'resourceType', 'tags', 'configuration.versioning'] });
  });

  it('adds the fields that name findings when the query forgot them, and records the query it sent', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [], { resources: bucketItems('b', 2) }) } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: "SELECT tags WHERE resourceType = 'AWS::S3::Bucket'" }));
    expect(ev.facts?.expression).toBe("SELECT resourceId, resourceType, tags WHERE resourceType = 'AWS::S3::Bucket'");
    expect(ev.resources.map((r) => r.id)).toEqual(['b-0000', 'b-0001']);
  });

  it('leaves queries with functions or grouping exactly as written', () => {
    expect(withNamingFields('SELECT COUNT(*) WHERE resourceType = \'AWS::S3::Bucket\'', ['resourceId'])).toBe("SELECT COUNT(*) WHERE resourceType = 'AWS::S3::Bucket'");
    expect(withNamingFields('SELECT resourceType, COUNT(*) GROUP BY resourceType', ['resourceId'])).toBe('SELECT resourceType, COUNT(*) GROUP BY resourceType');
    expect(withNamingFields('select resourceid, tags', ['resourceId'])).toBe('select resourceid, tags');
  });

  it('reports a query AWS Config cannot run as a gap with its message', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1') } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: 'SELECT * WHERE resourceType = 1' }));
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]!.message).toContain('InvalidExpressionException');
  });

  it('withholds rows from a region whose recorder is stopped', async () => {
    const eu = region(ACCOUNT, 'eu-west-1', [], { resources: bucketItems('eu', 3) });
    eu.recorder = { ...eu.recorder!, recording: false };
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [], { resources: bucketItems('us', 2) }), 'eu-west-1': eu } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: QUERY }));
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'precondition', resource: 'eu-west-1', message: expect.stringContaining('AWS Config is not recording in eu-west-1 (recorder stopped)') })]);
    expect(ev.resources.map((r) => r.region)).toEqual(['us-east-1', 'us-east-1']);
    expect(ev.facts).toMatchObject({ rows: 5, rowsWithheld: 3 });
  });

  it('queries every account through an aggregator and places each row by account and region', async () => {
    harness = await startAwsHarness(estate(
      [{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [], { resources: bucketItems('a', 2) }) } },
        { id: OTHER_ACCOUNT, regions: { 'eu-west-1': region(OTHER_ACCOUNT, 'eu-west-1', [], { resources: bucketItems('b', 1) }) } }],
      { aggregators: [{ name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
        { account: OTHER_ACCOUNT, region: 'eu-west-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
      ] }] },
    ), { settings: { regions: ['us-east-1'], aggregator: 'org' } });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: QUERY }));
    expect(ev.complete).toBe(true);
    expect(ev.resources.map((r) => [r.account, r.region, r.id])).toEqual([[ACCOUNT, 'us-east-1', 'a-0000'], [ACCOUNT, 'us-east-1', 'a-0001'], [OTHER_ACCOUNT, 'eu-west-1', 'b-0000']]);
    expect(ev.facts?.expression).toBe(`SELECT accountId, awsRegion, ${QUERY.slice('SELECT '.length)}`);
    // The control's query, and the one for each source's recorder (its configuration item).
    expect(harness.server.stats.byOperation.SelectAggregateResourceConfig).toBe(2);
    expect(ev.calls.map((c) => c.params.Expression)).toContain(RECORDER_QUERY);
  });

  it('through an aggregator, withholds rows from a place whose recorder is stopped or whose status the aggregator does not list', async () => {
    const stopped = region(OTHER_ACCOUNT, 'eu-west-1', [], { resources: bucketItems('b', 2) });
    stopped.recorder = { ...stopped.recorder!, recording: false };
    harness = await startAwsHarness(estate(
      [{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [], { resources: bucketItems('a', 1) }), 'us-west-2': region(ACCOUNT, 'us-west-2', [], { resources: bucketItems('c', 1) }) } },
        { id: OTHER_ACCOUNT, regions: { 'eu-west-1': stopped } }],
      { aggregators: [{ name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
        { account: ACCOUNT, region: 'us-west-2', status: 'SUCCEEDED', lastUpdateTime: NOW, listed: false },
        { account: OTHER_ACCOUNT, region: 'eu-west-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
      ] }] },
    ), { settings: { regions: ['us-east-1'], aggregator: 'org' } });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ expression: QUERY }));
    expect(ev.complete).toBe(false);
    expect(ev.resources.map((r) => [r.account, r.region, r.id])).toEqual([[ACCOUNT, 'us-east-1', 'a-0000']]);
    expect(ev.facts).toMatchObject({ rows: 4, rowsWithheld: 3 });
    expect(ev.gaps.map((g) => g.resource).sort()).toEqual([`${ACCOUNT}/us-west-2`, `${OTHER_ACCOUNT}/eu-west-1`]);
    expect(ev.gaps.find((g) => g.resource === `${OTHER_ACCOUNT}/eu-west-1`)?.message).toContain('(recorder stopped)');
  });

  it('validates its params', () => {
    expect(collector.params.safeParse({}).success).toBe(false);
    expect(collector.params.parse({ expression: QUERY })).toEqual({ expression: QUERY, idField: 'resourceId' });
  });
});
