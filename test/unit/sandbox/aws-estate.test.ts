import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collector as recorder } from '../../../src/collectors/aws/config-recorder.js';
import { collector as rules } from '../../../src/collectors/aws/config-rules.js';
import { packageRoot } from '../../../src/paths.js';
import { BEYOND_PACK_RULES, RULE_CATALOG, SOC2_PACK_RULES, ruleNameOf } from '../../../src/sandbox/aws-rule-catalog.js';
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
    expect(Object.keys(SOC2_PACK_RULES)).toHaveLength(115);
    expect(Object.keys(RULE_CATALOG)).toEqual([...Object.keys(SOC2_PACK_RULES), ...Object.keys(BEYOND_PACK_RULES)]);
  });

  it('deploys the whole pack in us-east-1 with suffixed names, cut to the 64 characters Config allows, and the rules beyond it under their own names', () => {
    const us = prod.regions['us-east-1']!;
    expect(us.conformancePacks.map((p) => p.name)).toEqual(['soc2-automated-controls']);
    const packRules = us.rules.filter((r) => r.conformancePack);
    expect(packRules.map((r) => r.identifier).sort()).toEqual(Object.keys(SOC2_PACK_RULES).sort());
    expect(packRules.every((r) => r.name.endsWith('-conformance-pack-k3x9q2ab1'))).toBe(true);
    expect(Math.max(...packRules.map((r) => r.name.length))).toBe(64);
    const beyond = us.rules.filter((r) => !r.conformancePack);
    expect(beyond.map((r) => [r.identifier, r.name]).sort()).toEqual(Object.keys(BEYOND_PACK_RULES).map((id) => [id, ruleNameOf(id)]).sort());
    expect(us.rules.find((r) => r.identifier === 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED')!.name).toBe('s3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1');
  });

  it('names rules added in the console the way AWS does, as the shipped name list says', () => {
    const shipped = readFileSync(join(packageRoot, 'data', 'aws-config-rule-names.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const differing = Object.entries(RULE_CATALOG).filter(([, c]) => c.awsName).map(([id, c]) => [c.awsName, id]);
    expect(differing.sort()).toEqual(shipped.filter(([, id]) => RULE_CATALOG[id!]).map(([name, id]) => [name, id]).sort());
    const west = prod.regions['us-west-2']!;
    expect(west.rules.find((r) => r.identifier === 'INCOMING_SSH_DISABLED')!.name).toBe('restricted-ssh');
    expect(west.rules.find((r) => r.identifier === 'INCOMING_SSH_DISABLED')!.results.filter((x) => x.compliance === 'NON_COMPLIANT')).toHaveLength(1);
  });

  it('seeds the problems an auditor should find', () => {
    const us = prod.regions['us-east-1']!;
    const result = (identifier: string, id: string) => us.rules.find((r) => r.identifier === identifier)!.results.find((x) => x.resourceId === id)?.compliance;
    expect(result('S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'nw-analytics-exports')).toBe('NON_COMPLIANT');
    expect(result('ROOT_ACCOUNT_MFA_ENABLED', NORTHWIND_PROD)).toBe('NON_COMPLIANT');
    expect(result('DYNAMODB_AUTOSCALING_ENABLED', 'nw-sessions')).toBe('NON_COMPLIANT');
    expect(result('DYNAMODB_AUTOSCALING_ENABLED', 'nw-job-state')).toBe('COMPLIANT');
    expect(result('EC2_VOLUME_INUSE_CHECK', 'vol-0c9e2f4a6b8d0e1f2')).toBe('NON_COMPLIANT');
    expect(result('AUTOSCALING_MULTIPLE_AZ', 'nw-ingest-workers')).toBe('COMPLIANT');
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

    it('through the aggregator, finds the unencrypted bucket and the open SSH port, and passes nothing from eu-west-1', async () => {
      const agg = await startAwsHarness(demoAwsEstate(), { settings: { regions: ['us-east-1'], aggregator: 'northwind-org' } });
      try {
        const ev = await rules.collect(agg.ctx(), rules.params.parse({ rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'INCOMING_SSH_DISABLED'] }));
        expect(ev.resources.filter((r) => r.data.compliance === 'NON_COMPLIANT').map((r) => [r.account, r.region, r.data.rule])).toEqual([
          [NORTHWIND_PROD, 'us-east-1', 's3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1'],
          [NORTHWIND_PROD, 'us-west-2', 'restricted-ssh'],
          [NORTHWIND_STAGING, 'us-east-1', 's3-bucket-server-side-encryption-enabled'],
        ]);
        expect(ev.resources.some((r) => r.region === 'eu-west-1')).toBe(false);
        expect(ev.gaps.filter((g) => g.resource === `${NORTHWIND_PROD}/eu-west-1`).map((g) => g.message)).toEqual([
          expect.stringContaining(`AWS Config is not recording in account ${NORTHWIND_PROD} in eu-west-1 (recorder stopped)`),
          expect.stringContaining('is outdated'),
        ]);
        // Staging has no SSH rule: that, and only that, is not found.
        expect(ev.gaps.filter((g) => g.kind === 'not-found').map((g) => g.resource)).toEqual([`INCOMING_SSH_DISABLED@${NORTHWIND_STAGING}/us-east-1`]);
      } finally {
        await agg.close();
      }
    });

    it('reports the root user without MFA from the global rule in us-east-1', async () => {
      const ev = await rules.collect(harness.ctx(), rules.params.parse({ rules: ['ROOT_ACCOUNT_MFA_ENABLED'], global: true }));
      expect(ev.complete).toBe(true);
      expect(ev.resources).toEqual([expect.objectContaining({ id: NORTHWIND_PROD, account: NORTHWIND_PROD, data: expect.objectContaining({ compliance: 'NON_COMPLIANT', evaluation: expect.stringContaining('The root user has no MFA device.') }) })]);
    });
  });
});
