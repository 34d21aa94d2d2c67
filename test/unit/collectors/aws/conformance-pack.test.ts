import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/aws/conformance-pack.js';
import type { AwsConformancePack } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../../fakes/aws-harness.js';
import { ACCOUNT, NOW, OTHER_ACCOUNT, buckets, estate, region, rule } from '../../../fakes/aws-estates.js';

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const PACK: AwsConformancePack = { name: 'soc2-pack', id: 'conformance-pack-q1w2e3r4t', lastUpdateRequestedTime: NOW };

function packRegion(account: string, name: string, opts: { failing?: string[]; brokenRule?: boolean } = {}) {
  const sse = rule(account, name, {
    identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', pack: PACK, controls: ['CC6.1'], resources: buckets(`${account}-b`, 3),
    outcomes: Object.fromEntries((opts.failing ?? []).map((id) => [id, { compliance: 'NON_COMPLIANT' as const, annotation: 'not encrypted' }])),
  });
  const versioning = rule(account, name, {
    identifier: 'S3_BUCKET_VERSIONING_ENABLED', pack: PACK, resources: buckets(`${account}-b`, 3),
    ...(opts.brokenRule ? { failedWith: { code: 'InternalError', message: 'evaluation failed' } } : {}),
  });
  return region(account, name, [sse, versioning], { conformancePacks: [PACK] });
}

describe('collectors/aws/conformance-pack', () => {
  it('reports the pack per rule and per resource, with the controls the pack maps each rule to', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1', { failing: [`${ACCOUNT}-b-00001`] }) } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(6);
    const failing = ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT');
    expect(failing).toEqual([expect.objectContaining({
      id: `${ACCOUNT}-b-00001`, type: 'AWS::S3::Bucket', region: 'us-east-1', account: ACCOUNT,
      data: expect.objectContaining({
        pack: 'soc2-pack', rule: 's3-bucket-server-side-encryption-enab-conformance-pack-q1w2e3r4t', controls: ['CC6.1'],
        evaluation: 'NON_COMPLIANT with rule s3-bucket-server-side-encryption-enab-conformance-pack-q1w2e3r4t (pack soc2-pack): not encrypted',
      }),
    })]);
  });

  it('reports a pack missing from a region in scope as an error', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1'), 'us-west-2': region(ACCOUNT, 'us-west-2') } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'not-found', resource: 'soc2-pack@us-west-2', message: expect.stringContaining('Conformance pack soc2-pack is not deployed in us-west-2') })]);
    expect(ev.resources.every((r) => r.region === 'us-east-1')).toBe(true);
  });

  it('treats a pack rule with INSUFFICIENT_DATA as an error and withholds nothing it did not have', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1', { brokenRule: true }) } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'precondition', resource: 's3-bucket-versioning-enabled-conformance-pack-q1w2e3r4t@us-east-1' })]);
    expect(ev.gaps[0]!.message).toMatch(/reports INSUFFICIENT_DATA: its last evaluation failed at .* \(InternalError: evaluation failed\)/);
    expect(ev.resources.map((r) => r.data.rule)).toEqual(Array(3).fill('s3-bucket-server-side-encryption-enab-conformance-pack-q1w2e3r4t'));
  });

  it('reads only the rules a control names, and says when a name is not in the pack', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1') } }]));
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack', rules: ['s3-bucket-versioning-enabled-conformance-pack-q1w2e3r4t', 'nope'] }));
    expect(new Set(ev.resources.map((r) => r.data.rule))).toEqual(new Set(['s3-bucket-versioning-enabled-conformance-pack-q1w2e3r4t']));
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'not-found', resource: 'nope@us-east-1' })]);
  });

  it('reads the pack in every account that has it through an aggregator', async () => {
    harness = await startAwsHarness(estate(
      [{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1') } }, { id: OTHER_ACCOUNT, regions: { 'us-east-1': packRegion(OTHER_ACCOUNT, 'us-east-1', { failing: [`${OTHER_ACCOUNT}-b-00002`] }) } }],
      { aggregators: [{ name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
        { account: OTHER_ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
      ] }] },
    ), { settings: { regions: ['us-east-1'], aggregator: 'org' }, emptyAggregatePages: true });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(true);
    expect(ev.resources).toHaveLength(12);
    expect(ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT').map((r) => [r.account, r.id])).toEqual([[OTHER_ACCOUNT, `${OTHER_ACCOUNT}-b-00002`]]);
    expect(ev.facts?.sourcesWithPack).toEqual([`${ACCOUNT}/us-east-1`, `${OTHER_ACCOUNT}/us-east-1`]);
  });

  it('through an aggregator, holds the same rules as region by region: a stopped recorder or a stale rule passes nothing', async () => {
    const stopped = packRegion(OTHER_ACCOUNT, 'us-east-1', { failing: [`${OTHER_ACCOUNT}-b-00002`] });
    stopped.recorder = { ...stopped.recorder!, recording: false };
    const stale = packRegion(ACCOUNT, 'us-east-1');
    for (const r of stale.rules) for (const x of r.results) x.recordedAt = x.invokedAt = '2025-12-01T00:00:00Z';
    harness = await startAwsHarness(estate(
      [{ id: ACCOUNT, regions: { 'us-east-1': stale } }, { id: OTHER_ACCOUNT, regions: { 'us-east-1': stopped } }],
      { aggregators: [{ name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW, sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
        { account: OTHER_ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: NOW },
      ] }] },
    ), { settings: { regions: ['us-east-1'], aggregator: 'org' } });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(false);
    expect(ev.resources.map((r) => [r.account, r.id, r.data.compliance])).toEqual([[OTHER_ACCOUNT, `${OTHER_ACCOUNT}-b-00002`, 'NON_COMPLIANT']]);
    expect(ev.facts?.compliantResultsWithheld).toBe(11);
    const messages = ev.gaps.map((g) => g.message).join(' | ');
    expect(messages).toContain(`AWS Config is not recording in account ${OTHER_ACCOUNT} in us-east-1 (recorder stopped)`);
    expect(messages).toMatch(/s3-bucket-versioning-enabled-conformance-pack-q1w2e3r4t of conformance pack soc2-pack in account 111111111111 in us-east-1 cannot be relied on: its newest result was recorded at 2025-12-01T00:00:00.000Z/);
  });

  it('reports pack results that do not say which resource or what compliance as a gap', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': packRegion(ACCOUNT, 'us-east-1') } }]),
      { omitMembers: [{ operation: 'GetConformancePackComplianceDetails', member: 'ConformancePackRuleEvaluationResults.*.EvaluationResultIdentifier' }] });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ pack: 'soc2-pack' }));
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([]);
    expect(ev.gaps.map((g) => g.message)).toEqual([expect.stringContaining('6 result(s) of rule (unnamed) of conformance pack soc2-pack in us-east-1 did not say which resource')]);
  });

  it('validates the pack name', () => {
    expect(collector.params.safeParse({ pack: '1bad name' }).success).toBe(false);
    expect(collector.params.safeParse({}).success).toBe(false);
  });
});
