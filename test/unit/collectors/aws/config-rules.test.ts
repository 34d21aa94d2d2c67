import { afterEach, describe, expect, it } from 'vitest';
import { collector } from '../../../../src/collectors/aws/config-rules.js';
import type { Evidence } from '../../../../src/collectors/types.js';
import type { AwsRule } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness, type AwsHarnessOptions } from '../../../fakes/aws-harness.js';
import { ACCOUNT, NOW, OTHER_ACCOUNT, buckets, estate, region, rule } from '../../../fakes/aws-estates.js';

const SSE = 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED';
const fail = (annotation = 'Default encryption is not enabled.') => ({ compliance: 'NON_COMPLIANT' as const, annotation });

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function collect(
  regions: Record<string, ReturnType<typeof region>>, params: Record<string, unknown> = { rules: [SSE] }, opts: AwsHarnessOptions = {},
): Promise<Evidence<import('../../../../src/collectors/aws/config-rules.js').RuleResult>> {
  harness = await startAwsHarness(estate([{ id: ACCOUNT, regions }]), opts);
  return collector.collect(harness.ctx(), collector.params.parse(params));
}

function sseRule(regionName: string, count: number, failing: string[] = [], extra: Partial<Parameters<typeof rule>[2]> = {}): AwsRule {
  return rule(ACCOUNT, regionName, {
    identifier: SSE,
    resources: buckets(`bkt-${regionName}`, count),
    outcomes: Object.fromEntries(failing.map((id) => [id, fail()])),
    ...extra,
  });
}

/** Thirty unrelated rules, so that the rule list itself spans two pages of DescribeConfigRules. */
function filler(regionName: string): AwsRule[] {
  return Array.from({ length: 30 }, (_, i) => ({ ...rule(ACCOUNT, regionName, { identifier: 'IAM_PASSWORD_POLICY' }), name: `filler-rule-${i}`, identifier: `FILLER_${i}` }));
}

describe('collectors/aws/config-rules', () => {
  it('reads results spanning several pages and finds the one failing resource on the last page', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [...filler('us-east-1'), sseRule('us-east-1', 250, ['bkt-us-east-1-00249'])]) });
    expect(ev.complete).toBe(true);
    expect(ev.gaps).toEqual([]);
    expect(ev.resources).toHaveLength(250);
    const failing = ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT');
    expect(failing).toEqual([expect.objectContaining({
      id: 'bkt-us-east-1-00249', type: 'AWS::S3::Bucket', region: 'us-east-1', account: ACCOUNT,
      data: expect.objectContaining({ rule: 's3-bucket-server-side-encryption-enabled', ruleIdentifier: SSE, annotation: 'Default encryption is not enabled.' }),
    })]);
    // 250 results at the maximum page size of 100 take exactly three requests.
    expect(harness!.server.stats.byOperation.GetComplianceDetailsByConfigRule).toBe(3);
    expect(harness!.server.stats.byOperation.DescribeConfigRules).toBe(2);
    const details = ev.calls.find((c) => c.operation === 'config:GetComplianceDetailsByConfigRule');
    expect(details).toMatchObject({ pages: 3, items: 250, region: 'us-east-1', status: 200, params: { ConfigRuleName: 's3-bucket-server-side-encryption-enabled', Limit: 100 } });
    expect(details?.requestId).toMatch(/^00000000-0000-4000-8000-/);
  });

  it('starts reading a rule\'s results as soon as the rule is listed, before the rule list\'s last page', async () => {
    // The SSE rule sorts first, so it is on page 1 of a rule list that spans two pages.
    const rules = [{ ...sseRule('us-east-1', 3), name: 'a-sse-rule' }, ...filler('us-east-1')];
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', rules) }, { rules: [SSE] }, { latencyMs: 20 });
    expect(ev.resources).toHaveLength(3);
    const seq = harness!.server.stats.sequence;
    const describes = seq.flatMap((op, i) => (op === 'DescribeConfigRules' ? [i] : []));
    expect(describes.length).toBeGreaterThan(1);
    expect(seq.indexOf('GetComplianceDetailsByConfigRule')).toBeLessThan(describes.at(-1)!);
    expect(harness!.server.stats.byOperation.GetComplianceDetailsByConfigRule).toBe(1); // started early, made once
  });

  it('retries a throttled request and returns the correct result', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 3, ['bkt-us-east-1-00001'])]) }, { rules: [SSE] },
      { faults: [{ kind: 'throttle', operation: 'GetComplianceDetailsByConfigRule', times: 2 }] });
    expect(ev.complete).toBe(true);
    expect(ev.resources.map((r) => [r.id, r.data.compliance])).toEqual([
      ['bkt-us-east-1-00000', 'COMPLIANT'], ['bkt-us-east-1-00001', 'NON_COMPLIANT'], ['bkt-us-east-1-00002', 'COMPLIANT'],
    ]);
    expect(harness!.server.stats.faulted).toBe(2);
    expect(harness!.server.stats.byOperation.GetComplianceDetailsByConfigRule).toBe(3);
  });

  it('finishes with a rate-limit gap, and no pass, when throttling never ends', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 3)]) }, { rules: [SSE] },
      { faults: [{ kind: 'throttle', operation: 'GetComplianceDetailsByConfigRule' }] });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'rate-limit', message: expect.stringContaining('config:GetComplianceDetailsByConfigRule') })]);
    expect(ev.gaps[0]!.message).toContain('after 3 attempts');
    expect(ev.resources).toEqual([]);
    // maxAttempts 3: the first attempt and two retries, then the SDK gives up.
    expect(harness!.server.stats.byOperation.GetComplianceDetailsByConfigRule).toBe(3);
  });

  it('reports AccessDenied as a permission gap naming the IAM action, without retrying', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 3)]) }, { rules: [SSE] },
      { faults: [{ kind: 'access-denied', operation: 'DescribeConfigRules' }] });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'permission', permission: 'config:DescribeConfigRules', resource: 'us-east-1' })]);
    expect(ev.gaps[0]!.message).toMatch(/lack the IAM action config:DescribeConfigRules/);
    expect(ev.resources).toEqual([]);
    expect(harness!.server.stats.byOperation.DescribeConfigRules).toBe(1);
  });

  it('never reports a region without a recorder as compliant', async () => {
    const ev = await collect({
      'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2)]),
      'eu-west-1': region(ACCOUNT, 'eu-west-1', [sseRule('eu-west-1', 2)], { recorder: undefined, deliveryChannel: undefined }),
    });
    expect(ev.complete).toBe(false);
    const gap = ev.gaps.find((g) => g.resource === 'eu-west-1');
    expect(gap).toMatchObject({ kind: 'precondition' });
    expect(gap!.message).toMatch(/^AWS Config is not recording in eu-west-1 \(no configuration recorder, no delivery channel\): evidence from this region cannot be trusted/);
    expect(ev.resources.filter((r) => r.region === 'eu-west-1')).toEqual([]);
    expect(ev.resources.filter((r) => r.region === 'us-east-1')).toHaveLength(2);
    expect(ev.facts?.compliantResultsWithheld).toBe(2);
  });

  it('withholds compliant results from a region whose recorder is stopped but keeps failures', async () => {
    const stopped = region(ACCOUNT, 'eu-west-1', [sseRule('eu-west-1', 3, ['bkt-eu-west-1-00000'])]);
    stopped.recorder = { ...stopped.recorder!, recording: false, lastStopTime: '2026-03-30T09:00:00Z' };
    const ev = await collect({ 'eu-west-1': stopped });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toHaveLength(1);
    expect(ev.gaps[0]!.message).toContain('AWS Config is not recording in eu-west-1 (recorder stopped): evidence from this region cannot be trusted; start the recorder');
    expect(ev.gaps[0]!.message).toContain('aws configservice start-configuration-recorder --configuration-recorder-name default --region eu-west-1');
    expect(ev.resources.map((r) => [r.id, r.data.compliance])).toEqual([['bkt-eu-west-1-00000', 'NON_COMPLIANT']]);
    expect(ev.facts?.compliantResultsWithheld).toBe(2);
  });

  it('reports a rule not deployed in a region in scope as an error, never a pass', async () => {
    const ev = await collect({
      'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2)]),
      'us-west-2': region(ACCOUNT, 'us-west-2', []),
    });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'not-found', resource: `${SSE}@us-west-2` })]);
    expect(ev.gaps[0]!.message).toContain(`rule ${SSE} is not deployed in us-west-2: deploy it or the SOC 2 conformance pack`);
    expect(ev.resources.every((r) => r.region === 'us-east-1')).toBe(true);
  });

  it('treats INSUFFICIENT_DATA from a failed evaluation as an error', async () => {
    const broken = sseRule('us-east-1', 2, [], { failedWith: { code: 'InvalidParameterValueException', message: 'bad parameter' } });
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [broken]) });
    expect(ev.complete).toBe(false);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'precondition', resource: 's3-bucket-server-side-encryption-enabled@us-east-1' })]);
    expect(ev.gaps[0]!.message).toMatch(/reports INSUFFICIENT_DATA and cannot be relied on: its last evaluation failed at .* \(InvalidParameterValueException: bad parameter\)/);
    expect(ev.resources).toEqual([]);
  });

  it('treats a rule that has never been evaluated as an error', async () => {
    const fresh = sseRule('us-east-1', 0);
    fresh.evaluation = { firstActivatedTime: '2026-04-01T08:55:00Z', firstEvaluationStarted: false };
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [fresh]) });
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]!.message).toContain('reports INSUFFICIENT_DATA and cannot be relied on: it has never been evaluated');
  });

  it('records, without a gap, a rule that evaluated successfully and found nothing in scope', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 0)]) });
    expect(ev.complete).toBe(true);
    expect(ev.resources).toEqual([]);
    expect(ev.facts?.noResourcesInScope).toEqual(['s3-bucket-server-side-encryption-enabled@us-east-1']);
    expect(collector.defaultWhenEmpty).toBe('error');
  });

  it('treats an evaluation older than the configured age as stale, and honours a per-control override', async () => {
    const old = () => ({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2, [], { evaluatedHoursAgo: 72 })]) });
    const ev = await collect(old(), { rules: [SSE] }, { settings: { maxEvaluationAgeHours: 48 } });
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]!.message).toContain('its last successful evaluation was at 2026-03-29T09:00:00.000Z, 72 hours before this run (the limit is 48)');
    expect(ev.resources).toEqual([]);
    await harness!.close();
    const relaxed = await collect(old(), { rules: [SSE], maxEvaluationAgeHours: 96 }, { settings: { maxEvaluationAgeHours: 48 } });
    expect(relaxed.complete).toBe(true);
    expect(relaxed.resources).toHaveLength(2);
  });

  it('finds rules deployed by a conformance pack under their suffixed names, cut to 64 characters', async () => {
    const pack = { name: 'soc2-pack', id: 'conformance-pack-abc123xyz', lastUpdateRequestedTime: NOW };
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2, ['bkt-us-east-1-00001'], { pack })], { conformancePacks: [pack] }) });
    expect(ev.complete).toBe(true);
    expect(ev.resources[1]!.data).toMatchObject({
      rule: 's3-bucket-server-side-encryption-enab-conformance-pack-abc123xyz', conformancePack: 'conformance-pack-abc123xyz', compliance: 'NON_COMPLIANT',
    });
  });

  it('accepts an exact rule name instead of an identifier', async () => {
    const custom = { ...sseRule('us-east-1', 1), name: 'acme-bucket-encryption' };
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [custom]) }, { rules: ['acme-bucket-encryption'] });
    expect(ev.complete).toBe(true);
    expect(ev.resources[0]!.data.rule).toBe('acme-bucket-encryption');
  });

  it('marks NOT_APPLICABLE results as not applicable, not as passes', async () => {
    const r = sseRule('us-east-1', 2);
    r.results[0]!.compliance = 'NOT_APPLICABLE';
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [r]) });
    expect(ev.resources[0]).toMatchObject({ id: 'bkt-us-east-1-00000', notApplicable: expect.stringContaining('NOT_APPLICABLE'), data: { compliance: 'NOT_APPLICABLE' } });
    expect(ev.resources[1]!.notApplicable).toBeUndefined();
  });

  it('shares reads across controls in one run: the second control makes no requests but lists the calls', async () => {
    harness = await startAwsHarness(estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2), rule(ACCOUNT, 'us-east-1', { identifier: 'RDS_STORAGE_ENCRYPTED' })]) } }]));
    const ctx = harness.ctx();
    const first = await collector.collect(ctx, collector.params.parse({ rules: [SSE] }));
    const before = harness.server.stats.requests;
    const again = await collector.collect(ctx, collector.params.parse({ rules: [SSE] }));
    expect(harness.server.stats.requests).toBe(before);
    expect(again.calls).toEqual(first.calls);
    await collector.collect(ctx, collector.params.parse({ rules: ['RDS_STORAGE_ENCRYPTED'] }));
    // Only the new rule's details: the rule list, statuses and recorder are shared.
    expect(harness.server.stats.requests - before).toBe(1);
  });

  it('accepts a rule deployed in one region for a global control, and ignores regions it is not in', async () => {
    const stopped = region(ACCOUNT, 'eu-west-1', []);
    stopped.recorder = { ...stopped.recorder!, recording: false };
    const root = rule(ACCOUNT, 'us-east-1', { identifier: 'ROOT_ACCOUNT_MFA_ENABLED', resources: [{ resourceType: 'AWS::::Account', resourceId: ACCOUNT }], outcomes: { [ACCOUNT]: fail('no MFA') } });
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [root]), 'eu-west-1': stopped }, { rules: ['ROOT_ACCOUNT_MFA_ENABLED'], global: true });
    expect(ev.complete).toBe(true);
    expect(ev.resources).toEqual([expect.objectContaining({ id: ACCOUNT, type: 'AWS::::Account', account: ACCOUNT, data: expect.objectContaining({ compliance: 'NON_COMPLIANT' }) })]);
  });

  it('reports a global rule deployed in no region at all', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', []) }, { rules: ['ROOT_ACCOUNT_MFA_ENABLED'], global: true });
    expect(ev.complete).toBe(false);
    expect(ev.gaps[0]!.message).toContain('ROOT_ACCOUNT_MFA_ENABLED is not deployed in any region in scope (us-east-1): deploy it in one region');
  });

  it('reports an expired session token as a credentials gap', async () => {
    const e = estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 1)]) } }]);
    e.accessKeys['ASIA' + 'EXPIRED000000001'] = { account: ACCOUNT, expired: true };
    harness = await startAwsHarness(e, { accessKeyId: 'ASIA' + 'EXPIRED000000001' });
    const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
    expect(ev.complete).toBe(false);
    expect(ev.gaps.every((g) => g.kind === 'credentials')).toBe(true);
    expect(ev.gaps[0]!.message).toContain('ExpiredTokenException');
    expect(ev.resources).toEqual([]);
  });

  it('reports results that do not say which resource or what compliance as a gap, never drops them in silence', async () => {
    const ev = await collect({ 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 3, ['bkt-us-east-1-00001'])]) }, { rules: [SSE] },
      { omitMembers: [{ operation: 'GetComplianceDetailsByConfigRule', member: 'EvaluationResults.*.ComplianceType' }] });
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([]);
    expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'other', resource: 's3-bucket-server-side-encryption-enabled@us-east-1' })]);
    expect(ev.gaps[0]!.message).toContain('3 result(s) of AWS Config rule s3-bucket-server-side-encryption-enabled in us-east-1 did not say which resource');
  });

  it('rejects params it does not know, so a typo in a control fails when controls load', () => {
    expect(collector.params.safeParse({ rule: [SSE] }).success).toBe(false);
    expect(collector.params.parse({ rules: [SSE] })).toEqual({ rules: [SSE], global: false });
  });

  describe('aggregator mode', () => {
    function twoAccounts(): Parameters<typeof estate>[0] {
      return [
        { id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [sseRule('us-east-1', 2)]), 'us-west-2': region(ACCOUNT, 'us-west-2', []) } },
        { id: OTHER_ACCOUNT, regions: { 'us-east-1': region(OTHER_ACCOUNT, 'us-east-1', [rule(OTHER_ACCOUNT, 'us-east-1', { identifier: SSE, resources: buckets('other', 3), outcomes: { 'other-00002': fail() } })]) } },
      ];
    }
    const aggregator = (statusOfOther: 'SUCCEEDED' | 'OUTDATED' = 'SUCCEEDED') => ({
      name: 'org-agg', account: ACCOUNT, region: 'us-east-1', createdAt: NOW,
      sources: [
        { account: ACCOUNT, region: 'us-east-1', status: 'SUCCEEDED' as const, lastUpdateTime: '2026-04-01T08:00:00Z' },
        { account: ACCOUNT, region: 'us-west-2', status: 'SUCCEEDED' as const, lastUpdateTime: '2026-04-01T08:00:00Z' },
        { account: OTHER_ACCOUNT, region: 'us-east-1', status: statusOfOther, lastUpdateTime: '2026-04-01T08:00:00Z' },
      ],
    });

    it('covers every account and region of the aggregator and names the account on each finding', async () => {
      harness = await startAwsHarness(estate(twoAccounts(), { aggregators: [aggregator()] }),
        { settings: { regions: ['us-east-1'], aggregator: 'org-agg' }, emptyAggregatePages: true });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      expect(ev.resources.map((r) => [r.account, r.region, r.id, r.data.compliance])).toEqual([
        [ACCOUNT, 'us-east-1', 'bkt-us-east-1-00000', 'COMPLIANT'],
        [ACCOUNT, 'us-east-1', 'bkt-us-east-1-00001', 'COMPLIANT'],
        [OTHER_ACCOUNT, 'us-east-1', 'other-00000', 'COMPLIANT'],
        [OTHER_ACCOUNT, 'us-east-1', 'other-00001', 'COMPLIANT'],
        [OTHER_ACCOUNT, 'us-east-1', 'other-00002', 'NON_COMPLIANT'],
      ]);
      // The rule is missing in one source: an error for that account and region.
      expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'not-found', resource: `${SSE}@${ACCOUNT}/us-west-2` })]);
      expect(ev.gaps[0]!.message).toContain(`account ${ACCOUNT} in us-west-2`);
      // Only aggregate operations, all in the home region; empty first pages were followed.
      expect(Object.keys(harness.server.stats.byOperation).sort()).toEqual([
        'DescribeAggregateComplianceByConfigRules', 'DescribeConfigurationAggregatorSourcesStatus', 'GetAggregateComplianceDetailsByConfigRule',
        'SelectAggregateResourceConfig',
      ]);
      expect(harness.server.stats.byRegion).toEqual({ 'us-east-1': harness.server.stats.requests });
      expect(ev.calls.find((c) => c.operation === 'config:DescribeAggregateComplianceByConfigRules')?.pages).toBe(2);
    });

    it('does not trust an account whose aggregated data is outdated', async () => {
      harness = await startAwsHarness(estate(twoAccounts(), { aggregators: [aggregator('OUTDATED')] }), { settings: { regions: ['us-east-1'], aggregator: 'org-agg' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      const gap = ev.gaps.find((g) => g.resource === `${OTHER_ACCOUNT}/us-east-1`);
      expect(gap?.kind).toBe('precondition');
      expect(gap?.message).toContain('is outdated');
      expect(ev.resources.filter((r) => r.account === OTHER_ACCOUNT).map((r) => r.data.compliance)).toEqual(['NON_COMPLIANT']);
    });

    it('reads an organization aggregator: accounts come from their data, trust from their region\'s organization status', async () => {
      const agg = { ...aggregator(), organizationId: 'o-a1b2c3d4e5' };
      harness = await startAwsHarness(estate(twoAccounts(), { aggregators: [agg] }), { settings: { regions: ['us-east-1'], aggregator: 'org-agg' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      expect(ev.facts?.sources).toEqual([`${ACCOUNT}/us-east-1`, `${ACCOUNT}/us-west-2`, `${OTHER_ACCOUNT}/us-east-1`]);
      expect(ev.resources.map((r) => [r.account, r.id, r.data.compliance])).toEqual([
        [ACCOUNT, 'bkt-us-east-1-00000', 'COMPLIANT'], [ACCOUNT, 'bkt-us-east-1-00001', 'COMPLIANT'],
        [OTHER_ACCOUNT, 'other-00000', 'COMPLIANT'], [OTHER_ACCOUNT, 'other-00001', 'COMPLIANT'], [OTHER_ACCOUNT, 'other-00002', 'NON_COMPLIANT'],
      ]);
      expect(ev.gaps.map((g) => g.resource)).toEqual([`${SSE}@${ACCOUNT}/us-west-2`]);
    });

    it('does not trust a place whose data arrives but whose status the aggregator does not list', async () => {
      const agg = aggregator();
      agg.sources = agg.sources.map((x) => (x.account === OTHER_ACCOUNT ? { ...x, listed: false } : x));
      harness = await startAwsHarness(estate(twoAccounts(), { aggregators: [agg] }), { settings: { regions: ['us-east-1'], aggregator: 'org-agg' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      const gap = ev.gaps.find((g) => g.resource === `${OTHER_ACCOUNT}/us-east-1`);
      expect(gap?.message).toContain('the aggregator lists no source status for it, so whether its data is current could not be told');
      expect(ev.resources.filter((r) => r.account === OTHER_ACCOUNT).map((r) => r.data.compliance)).toEqual(['NON_COMPLIANT']);
    });

    it('treats a rule whose aggregate results carry no time as "could not tell", never as fresh', async () => {
      const accounts = twoAccounts();
      for (const r of accounts[1]!.regions['us-east-1']!.rules[0]!.results) {
        delete r.recordedAt;
        delete r.invokedAt;
      }
      harness = await startAwsHarness(estate(accounts, { aggregators: [aggregator()] }), { settings: { regions: ['us-east-1'], aggregator: 'org-agg' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      const gap = ev.gaps.find((g) => g.resource === `s3-bucket-server-side-encryption-enabled@${OTHER_ACCOUNT}/us-east-1`);
      expect(gap?.message).toContain('none of its 3 results says when it was recorded (ResultRecordedTime is missing)');
      expect(ev.resources.filter((r) => r.account === OTHER_ACCOUNT).map((r) => r.data.compliance)).toEqual(['NON_COMPLIANT']);
      expect(ev.facts?.compliantResultsWithheld).toBe(2);
    });

    it('does not guess which rule a cut name stands for when two rules\' names start the same way', async () => {
      const cut = 's3-account-level-public-access-bloc-conformance-pack-abcdefghijk';
      const blocks = rule(ACCOUNT, 'us-east-1', {
        identifier: 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', name: cut,
        resources: [{ resourceType: 'AWS::S3::AccountPublicAccessBlock', resourceId: ACCOUNT }],
      });
      const accounts = [{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1', [blocks]) } }];
      const agg = { ...aggregator(), sources: [aggregator().sources[0]!] };
      harness = await startAwsHarness(estate(accounts, { aggregators: [agg] }), { settings: { regions: ['us-east-1'], aggregator: 'org-agg' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: ['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS'] }));
      expect(ev.resources).toEqual([]);
      expect(ev.gaps).toEqual([expect.objectContaining({ kind: 'other', resource: `${cut}@${ACCOUNT}/us-east-1` })]);
      expect(ev.gaps[0]!.message).toContain('could stand for any of S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS, S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC');
    });

    it('reports aggregate rows that do not say where they come from as a gap', async () => {
      harness = await startAwsHarness(estate(twoAccounts(), { aggregators: [aggregator()] }), {
        settings: { regions: ['us-east-1'], aggregator: 'org-agg' },
        omitMembers: [{ operation: 'DescribeAggregateComplianceByConfigRules', member: 'AggregateComplianceByConfigRules.*.AccountId' }],
      });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      expect(ev.complete).toBe(false);
      expect(ev.resources).toEqual([]);
      expect(ev.gaps.find((g) => g.resource === 'org-agg')?.message).toContain('2 rule compliance row(s) from aggregator "org-agg" did not say which account, region or rule');
    });

    it('says which setting to fix when the aggregator does not exist', async () => {
      harness = await startAwsHarness(estate(twoAccounts()), { settings: { regions: ['us-east-1'], aggregator: 'nope' } });
      const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules: [SSE] }));
      expect(ev.complete).toBe(false);
      expect(ev.gaps[0]!.message).toContain('aggregator "nope" does not exist in us-east-1');
      expect(ev.gaps[0]!.message).toContain('make the aggregator\'s home region the first entry of aws.regions');
    });
  });
});
