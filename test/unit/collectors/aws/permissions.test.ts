import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectors, loadCollector, type CollectorId } from '../../../../src/collectors/index.js';
import { iamPolicyFor } from '../../../../src/collectors/aws/permissions.js';
import { packageRoot } from '../../../../src/paths.js';
import { DEMO_AWS_REGIONS, demoAwsEstate } from '../../../../src/sandbox/estate/aws.js';
import { startAwsHarness, type AwsHarness } from '../../../fakes/aws-harness.js';

const AWS_IDS = Object.keys(collectors).filter((id) => id.startsWith('aws.')) as CollectorId[];
const PARAMS: Record<string, unknown> = {
  'aws.config-recorder': {},
  'aws.config-rules': { rules: ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'ROOT_ACCOUNT_MFA_ENABLED'] },
};

function actions(policy: ReturnType<typeof iamPolicyFor>): string[] {
  return policy.Statement.flatMap((s) => s.Action);
}

let harness: AwsHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('collectors/aws/permissions', () => {
  it('builds a sorted, deduplicated policy of config: actions, aggregate actions in their own statement', () => {
    const policy = iamPolicyFor(['config:DescribeConfigRules', 'github:contents:read', 'config:DescribeAggregateComplianceByConfigRules', 'config:DescribeConfigRules', 'config:DescribeConfigurationRecorders']);
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Soc2ReadAwsConfig', Effect: 'Allow', Action: ['config:DescribeConfigRules', 'config:DescribeConfigurationRecorders'], Resource: '*' },
        { Sid: 'Soc2ReadAwsConfigAggregator', Effect: 'Allow', Action: ['config:DescribeAggregateComplianceByConfigRules'], Resource: '*' },
      ],
    });
    expect(iamPolicyFor([]).Statement).toEqual([]);
  });

  it('covers every Config operation named anywhere in the AWS collectors\' code', async () => {
    const dir = join(packageRoot, 'src', 'collectors', 'aws');
    const called = new Set<string>();
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:callAws|paginateAws)\(ctx,\s*'(\w+)'/g)) called.add(`config:${m[1]}`);
    }
    expect(called.size).toBeGreaterThan(10);
    const declared = new Set<string>();
    for (const id of AWS_IDS) for (const p of (await loadCollector(id)).permissions) declared.add(p);
    const policy = actions(iamPolicyFor([...declared]));
    expect([...called].filter((op) => !policy.includes(op))).toEqual([]);
  });

  describe.each(AWS_IDS)('%s', (id) => {
    it.each([['one account, region by region', false], ['aggregator mode', true]] as const)('declares every operation it sends (%s)', async (_mode, aggregator) => {
      const c = await loadCollector(id);
      harness = await startAwsHarness(demoAwsEstate(), { settings: aggregator ? { regions: ['us-east-1'], aggregator: 'northwind-org' } : { regions: [...DEMO_AWS_REGIONS] } });
      await c.collect(harness.ctx(), c.params.parse(PARAMS[id]));
      const sent = Object.keys(harness.server.stats.byOperation).map((op) => `config:${op}`);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((op) => !actions(iamPolicyFor(c.permissions)).includes(op))).toEqual([]);
    });
  });

  it('has a parameter set for every AWS collector in this test', () => {
    expect(AWS_IDS.filter((id) => !(id in PARAMS))).toEqual([]);
  });
});
