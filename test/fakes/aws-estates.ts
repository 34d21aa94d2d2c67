/**
 * Small AWS estates for tests, built from the same pieces as the demo estate. Every date derives
 * from NOW, so nothing depends on the wall clock.
 */
import {
  healthyChannel, healthyRecorder, managedRule, type AwsAccount, type AwsEstate, type AwsRegionEstate, type AwsRule, type RuleSpec,
} from '../../src/sandbox/estate/aws.js';

export const NOW = '2026-04-01T09:00:00Z';
export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const KEY = 'AKIA' + 'TESTACCOUNT00001';
export const OTHER_KEY = 'AKIA' + 'TESTACCOUNT00002';

/** A healthy region: recorder on (global types in us-east-1), channel delivering, the given rules. */
export function region(account: string, name: string, rules: AwsRule[] = [], overrides: Partial<AwsRegionEstate> = {}): AwsRegionEstate {
  return {
    recorder: healthyRecorder(NOW, account, { global: name === 'us-east-1' }),
    deliveryChannel: healthyChannel(NOW, account),
    rules,
    conformancePacks: [],
    resources: [],
    ...overrides,
  };
}

export function rule(account: string, regionName: string, spec: Omit<RuleSpec, 'resources'> & { resources?: RuleSpec['resources'] }): AwsRule {
  return managedRule(NOW, account, regionName, { resources: [], ...spec });
}

/** `count` buckets named `<prefix>-00000`…; ids listed in `failing` are NON_COMPLIANT. */
export function buckets(prefix: string, count: number): Array<{ resourceType: string; resourceId: string }> {
  return Array.from({ length: count }, (_, i) => ({ resourceType: 'AWS::S3::Bucket', resourceId: `${prefix}-${String(i).padStart(5, '0')}` }));
}

export function estate(accounts: Array<Pick<AwsAccount, 'id' | 'regions'>>, extra: Partial<AwsEstate> = {}): AwsEstate {
  const regions = [...new Set(accounts.flatMap((a) => Object.keys(a.regions)))];
  return {
    now: NOW,
    regions,
    accessKeys: { [KEY]: { account: accounts[0]!.id }, [OTHER_KEY]: { account: accounts[1]?.id ?? accounts[0]!.id } },
    demoCredentials: { accessKeyId: KEY, secretAccessKey: 'test' },
    accounts: accounts.map((a) => ({ name: `acct-${a.id}`, ...a })),
    aggregators: [],
    ...extra,
  };
}
