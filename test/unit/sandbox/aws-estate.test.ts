import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector as recorder } from '../../../src/collectors/aws/config-recorder.js';
import { collector as rules } from '../../../src/collectors/aws/config-rules.js';
import { packageRoot } from '../../../src/paths.js';
import { RULE_CATALOG, ruleNameOf } from '../../../src/sandbox/aws-rule-catalog.js';
import { DEMO_AWS_KEYS, NORTHWIND_PROD, NORTHWIND_STAGING, benchAwsEstate, demoAwsEstate } from '../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../fakes/aws-harness.js';

const packIds = readFileSync(join(packageRoot, 'data', 'aws-soc2-conformance-pack.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));

describe('sandbox/estate/aws', () => {
  const demo = demoAwsEstate();
  const prod = demo.accounts.find((a) => a.id === NORTHWIND_PROD)!;

  it('is deterministic for a given clock, and dated relative to it', () => {
    expect(demoAwsEstate()).toEqual(demo);
    const later = demoAwsEstate({ now: '2027-01-01T00:00:00Z' });
    expect(later.accounts[0]!.regions['us-east-1']!.recorder!.lastStatusChangeTime).toBe('2026-12-31T23:00:00.000Z');
  });

  it('knows what every rule of the SOC 2 pack evaluates, under the name AWS templates give it', () => {
    expect(packIds).toHaveLength(115);
    for (const [name, , identifier] of packIds) {
      expect(RULE_CATALOG[identifier!], identifier).toBeDefined();
      expect(ruleNameOf(identifier!)).toBe(name);
    }
    expect(Object.keys(RULE_CATALOG)).toHaveLength(115);
  });

  it('deploys the whole pack in us-east-1 with suffixed names', () => {
    const us = prod.regions['us-east-1']!;
    expect(us.conformancePacks.map((p) => p.name)).toEqual(['soc2-automated-controls']);
    expect(us.rules).toHaveLength(115);
    expect(us.rules.every((r) => r.name.endsWith('-conformance-pack-k3x9q2ab1'))).toBe(true);
  });

  it('seeds the problems an auditor should find', () => {
    const us = prod.regions['us-east-1']!;
    const result = (identifier: string, id: string) => us.rules.find((r) => r.identifier === identifier)!.results.find((x) => x.resourceId === id)?.compliance;
    expect(result('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'nw-analytics-exports')).toBe('NON_COMPLIANT');
    expect(result('ROOT_ACCOUNT_MFA_ENABLED', NORTHWIND_PROD)).toBe('NON_COMPLIANT');
    expect(prod.regions['eu-west-1']!.recorder!.recording).toBe(false);
    expect(prod.regions['us-west-2']!.rules.some((r) => r.identifier === 'S3_BUCKET_SSL_REQUESTS_ONLY')).toBe(false);
    const alarm = prod.regions['us-west-2']!.rules.find((r) => r.identifier === 'CLOUDWATCH_ALARM_ACTION_CHECK')!;
    expect(alarm.results).toEqual([]);
    expect(alarm.evaluation.lastErrorCode).toBe('InvalidParameterValueException');
    expect(demo.aggregators[0]!.sources.map((s) => s.account)).toEqual([NORTHWIND_PROD, NORTHWIND_PROD, NORTHWIND_PROD, NORTHWIND_STAGING]);
    expect(demo.accessKeys[DEMO_AWS_KEYS.expired]!.expired).toBe(true);
    expect(demo.demoCredentials.accessKeyId).toBe(DEMO_AWS_KEYS.prod);
  });

  it('generates the bench estate: 3 regions, 60 rules each, 6,000 evaluated resources', () => {
    const bench = benchAwsEstate();
    const regions = Object.values(bench.accounts[0]!.regions);
    expect(regions).toHaveLength(3);
    expect(regions.every((r) => r.rules.length === 60)).toBe(true);
    expect(regions.flatMap((r) => r.rules).reduce((n, r) => n + r.results.length, 0)).toBe(6000);
    expect(benchAwsEstate({ regions: ['us-east-1'], rules: 2, evaluatedResources: 5 }).accounts[0]!.regions['us-east-1']!.rules.map((r) => r.results.length)).toEqual([3, 2]);
  });

  describe('served by the fake, read by the collectors', () => {
    let harness: AwsHarness;
    beforeAll(async () => {
      harness = await startAwsHarness(demoAwsEstate());
    });
    afterAll(async () => harness.close());

    it('shows the stopped recorder in eu-west-1 and healthy ones elsewhere', async () => {
      const ev = await recorder.collect(harness.ctx(), {});
      expect(ev.resources.map((r) => [r.region, r.data.recording, r.data.trusted])).toEqual([
        ['us-east-1', true, true], ['us-west-2', true, true], ['eu-west-1', false, false],
      ]);
    });

    it('finds the unencrypted bucket, and refuses to pass what eu-west-1 reports', async () => {
      const ev = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED'] }));
      expect(ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT').map((r) => r.id)).toEqual(['nw-analytics-exports']);
      expect(ev.resources.some((r) => r.region === 'eu-west-1')).toBe(false);
      expect(ev.gaps.map((g) => g.resource)).toEqual(['eu-west-1']);
    });

    it('reports the missing rule in us-west-2 and the INSUFFICIENT_DATA rule', async () => {
      const ssl = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['S3_BUCKET_SSL_REQUESTS_ONLY'] }));
      expect(ssl.gaps.map((g) => g.resource)).toContain('S3_BUCKET_SSL_REQUESTS_ONLY@us-west-2');
      const alarm = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['CLOUDWATCH_ALARM_ACTION_CHECK'] }));
      expect(alarm.gaps.find((g) => g.resource === 'cloudwatch-alarm-action-check@us-west-2')?.message).toContain('INSUFFICIENT_DATA');
    });

    it('reports the root user without MFA from the global rule in us-east-1', async () => {
      const ev = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['ROOT_ACCOUNT_MFA_ENABLED'], global: true }));
      expect(ev.complete).toBe(true);
      expect(ev.resources).toEqual([expect.objectContaining({ id: NORTHWIND_PROD, account: NORTHWIND_PROD, data: expect.objectContaining({ compliance: 'NON_COMPLIANT', evaluation: expect.stringContaining('The root user has no MFA device.') }) })]);
    });
  });
});
