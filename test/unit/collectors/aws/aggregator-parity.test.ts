/**
 * The same estate read region by region and through an aggregator must end the same way: the
 * aggregate APIs are another road to the same facts, not a looser standard.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collector, type RuleResult } from '../../../../src/collectors/aws/config-rules.js';
import type { Evidence } from '../../../../src/collectors/types.js';
import { loadControls } from '../../../../src/controls/load.js';
import type { Control } from '../../../../src/controls/schema.js';
import { evaluateControl } from '../../../../src/engine/evaluate.js';
import type { EvidenceRef } from '../../../../src/results.js';
import type { AwsAggregator, AwsConformancePack, AwsEstate, AwsRegionEstate } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../../fakes/aws-harness.js';
import { ACCOUNT, NOW, buckets, estate, region, rule } from '../../../fakes/aws-estates.js';

const SSE = 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED';
const SSH = 'INCOMING_SSH_DISABLED';
const FOUR_MONTHS = 24 * 120;
const hoursBefore = (h: number) => new Date(Date.parse(NOW) - h * 3_600_000).toISOString();
const fail = (annotation: string) => ({ compliance: 'NON_COMPLIANT' as const, annotation });

/** An aggregator in us-east-1 whose sources all report SUCCEEDED an hour ago: authorization is fine. */
function aggregator(regions: string[]): AwsAggregator {
  return {
    name: 'org', account: ACCOUNT, region: 'us-east-1', createdAt: NOW,
    sources: regions.map((r) => ({ account: ACCOUNT, region: r, status: 'SUCCEEDED' as const, lastUpdateTime: hoursBefore(1) })),
  };
}

type Mode = 'region by region' | 'through the aggregator';
const MODES: Mode[] = ['region by region', 'through the aggregator'];

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function collect(e: AwsEstate, mode: Mode, rules: string[]): Promise<Evidence<RuleResult>> {
  const regions = Object.keys(e.accounts[0]!.regions);
  harness = await startAwsHarness(e, { settings: mode === 'region by region' ? { regions } : { regions: ['us-east-1'], aggregator: 'org' } });
  const ev = await collector.collect(harness.ctx(), collector.params.parse({ rules }));
  await harness.close();
  harness = undefined;
  return ev;
}

let library: Control[];
beforeAll(async () => {
  library = await loadControls({ paths: ['builtin'] });
});

/** The status the engine gives a library control for this evidence. */
function statusOf(controlId: string, ev: Evidence<RuleResult>): string {
  const control = library.find((c) => c.id === controlId)!;
  const ref: EvidenceRef = {
    file: 'evidence/aws/x.json', sha256: 'a'.repeat(64), collector: collector.id, params: {}, collectedAt: NOW, finishedAt: NOW,
    complete: ev.complete, resourceCount: ev.resources.length, calls: [], gaps: ev.gaps,
  };
  return evaluateControl(control, { kind: 'evidence', evidence: ev as Evidence<Record<string, unknown>>, ref }, collector, [], NOW.slice(0, 10)).status;
}

const seen = (ev: Evidence<RuleResult>) => ev.resources.map((r) => `${r.region} ${r.id} ${r.data.compliance}`).sort();

describe('collectors/aws/config-rules: aggregator mode holds the per-region rules', () => {
  /**
   * us-east-1 is healthy. In eu-west-1 the recorder was stopped four months ago and/or the rule
   * last evaluated four months ago; its results are all COMPLIANT but one bucket, which fails.
   */
  function staleOrStopped(stale: boolean, stopped: boolean): AwsEstate {
    const east = region(ACCOUNT, 'us-east-1', [rule(ACCOUNT, 'us-east-1', { identifier: SSE, resources: buckets('east', 2) })]);
    const eu: AwsRegionEstate = region(ACCOUNT, 'eu-west-1', [rule(ACCOUNT, 'eu-west-1', {
      identifier: SSE, resources: buckets('eu', 3), outcomes: { 'eu-00002': fail('Default encryption is not enabled.') },
      ...(stale ? { evaluatedHoursAgo: FOUR_MONTHS } : {}),
    })]);
    if (stopped) eu.recorder = { ...eu.recorder!, recording: false, lastStopTime: hoursBefore(FOUR_MONTHS), lastStatusChangeTime: hoursBefore(FOUR_MONTHS) };
    return estate([{ id: ACCOUNT, regions: { 'us-east-1': east, 'eu-west-1': eu } }], { aggregators: [aggregator(['us-east-1', 'eu-west-1'])] });
  }

  it.each([
    ['a recorder stopped four months ago, with evaluations from back then', true, true, /AWS Config is not recording in (account \d+ in )?eu-west-1 \(recorder stopped\)/],
    ['evaluations four months old under a running recorder', true, false, /(last successful evaluation was|newest result was recorded) at .*, 2880 hours before this run \(the limit is 48\)/],
    ['a stopped recorder whose rules still report fresh results', false, true, /AWS Config is not recording in (account \d+ in )?eu-west-1 \(recorder stopped\)/],
  ])('%s: fails on the known failure, the same both ways, and passes nothing from there', async (_what, stale, stopped, why) => {
    const outcomes = [];
    for (const mode of MODES) {
      const ev = await collect(staleOrStopped(stale, stopped), mode, [SSE]);
      expect(ev.complete, mode).toBe(false);
      expect(ev.gaps.some((g) => why.test(g.message)), `${mode}: ${ev.gaps.map((g) => g.message).join(' | ')}`).toBe(true);
      // Nothing from eu-west-1 passes; its known failure is still reported.
      expect(seen(ev), mode).toEqual(['eu-west-1 eu-00002 NON_COMPLIANT', 'us-east-1 east-00000 COMPLIANT', 'us-east-1 east-00001 COMPLIANT']);
      expect(ev.facts?.compliantResultsWithheld, mode).toBe(2);
      outcomes.push(statusOf('AWS-009', ev));
    }
    // eu-00002 is NON_COMPLIANT: a known failure fails the control even beside incomplete evidence.
    expect(outcomes).toEqual(['fail', 'fail']);
  });

  it('does not pass a place whose recorder the aggregator holds no record of, nor one whose record does not say it is recording', async () => {
    const eu = region(ACCOUNT, 'eu-west-1', [rule(ACCOUNT, 'eu-west-1', { identifier: SSE, resources: buckets('eu', 2) })], { recorderItem: null });
    const west = region(ACCOUNT, 'us-west-2', [rule(ACCOUNT, 'us-west-2', { identifier: SSE, resources: buckets('west', 2) })], {
      recorderItem: { configuration: { Name: 'default', RecordingGroup: { AllSupported: true } } },
    });
    const e = estate([{ id: ACCOUNT, regions: { 'us-east-1': region(ACCOUNT, 'us-east-1'), 'eu-west-1': eu, 'us-west-2': west } }],
      { aggregators: [aggregator(['us-east-1', 'eu-west-1', 'us-west-2'])] });
    const ev = await collect(e, 'through the aggregator', [SSE]);
    expect(ev.complete).toBe(false);
    expect(ev.resources).toEqual([]);
    expect(ev.facts?.compliantResultsWithheld).toBe(4);
    const msg = (place: string) => ev.gaps.filter((g) => g.resource === place).map((g) => g.message).join(' ');
    expect(msg(`${ACCOUNT}/eu-west-1`)).toContain(`soc2 could not tell whether AWS Config is recording in account ${ACCOUNT} in eu-west-1 (no record of a configuration recorder reached the aggregator)`);
    expect(msg(`${ACCOUNT}/us-west-2`)).toContain(`(AWS did not report the recorder's status)`);
    expect(msg(`${ACCOUNT}/us-west-2`)).toContain(`run soc2 with credentials for account ${ACCOUNT} (without aws.aggregator) so that config:DescribeConfigurationRecorderStatus can read`);
  });
});

describe('collectors/aws/config-rules: aggregator mode finds the rules per-region mode finds', () => {
  /**
   * us-east-1 runs the SOC 2 conformance pack: its rule names carry the pack's suffix, and the
   * bucket-encryption rule's name is cut to 64 characters. In us-west-2 the rules were added in the
   * console, under AWS's names: INCOMING_SSH_DISABLED is called restricted-ssh there.
   */
  function namedEstate(): AwsEstate {
    const pack: AwsConformancePack = { name: 'soc2-automated-controls', id: 'conformance-pack-k3x9q2ab1', lastUpdateRequestedTime: NOW };
    const sgs = (prefix: string) => [{ resourceType: 'AWS::EC2::SecurityGroup', resourceId: `sg-${prefix}-app` }, { resourceType: 'AWS::EC2::SecurityGroup', resourceId: `sg-${prefix}-db` }];
    const east = region(ACCOUNT, 'us-east-1', [
      rule(ACCOUNT, 'us-east-1', { identifier: SSE, pack, resources: buckets('east', 2), outcomes: { 'east-00001': fail('Default encryption is not enabled.') } }),
      rule(ACCOUNT, 'us-east-1', { identifier: SSH, pack, resources: sgs('east') }),
    ], { conformancePacks: [pack] });
    const west = region(ACCOUNT, 'us-west-2', [
      rule(ACCOUNT, 'us-west-2', { identifier: SSE, resources: buckets('west', 1) }),
      rule(ACCOUNT, 'us-west-2', { identifier: SSH, name: 'restricted-ssh', resources: sgs('west'), outcomes: { 'sg-west-app': fail('SSH (22) is open to 0.0.0.0/0.') } }),
    ]);
    return estate([{ id: ACCOUNT, regions: { 'us-east-1': east, 'us-west-2': west } }], { aggregators: [aggregator(['us-east-1', 'us-west-2'])] });
  }

  it('finds a rule under AWS\'s own name and a pack rule whose name was cut to 64 characters, and reports the same failures', async () => {
    const e = namedEstate();
    const names = e.accounts[0]!.regions['us-east-1']!.rules.map((r) => r.name);
    expect(names).toContain('s3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1');
    const results: Record<Mode, Evidence<RuleResult>> = {} as never;
    for (const mode of MODES) results[mode] = await collect(namedEstate(), mode, [SSE, SSH]);
    for (const mode of MODES) {
      const ev = results[mode];
      expect(ev.gaps, mode).toEqual([]);
      expect(ev.complete, mode).toBe(true);
      expect(ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT').map((r) => [r.region, r.id, r.data.rule, r.data.ruleIdentifier]), mode).toEqual([
        ['us-east-1', 'east-00001', 's3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1', SSE],
        ['us-west-2', 'sg-west-app', 'restricted-ssh', SSH],
      ]);
    }
    expect(seen(results['through the aggregator'])).toEqual(seen(results['region by region']));
    for (const id of ['AWS-009', 'AWS-017']) {
      const per = statusOf(id, results['region by region']);
      expect(statusOf(id, results['through the aggregator']), id).toBe(per);
    }
    expect(statusOf('AWS-017', results['through the aggregator'])).toBe('fail');
  });
});
