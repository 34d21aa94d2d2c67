import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, cleanEnv } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { demoAwsEstate, DEMO_AWS_KEYS } from '../../src/sandbox/estate/aws.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';

// End-to-end through bin/: the real AWS SDK and Octokit clients, pointed at the fakes by the
// same environment variables a user or CI would set.

const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
const NO_STACK = /\n\s+at .+:\d+:\d+/;

describe('soc2 run against AWS Config (through the real SDK)', () => {
  let throttled: FakeAwsConfig;
  beforeAll(async () => {
    // Dated relative to the moment the test runs, so the CLI's real clock never sees a stale evaluation.
    throttled = await startFakeAwsConfig(demoAwsEstate({ now: new Date().toISOString() }), { faults: [{ kind: 'throttle', operation: 'GetComplianceDetailsByConfigRule' }] });
  });
  afterAll(() => throttled.close());

  const awsEnv = (url: string) => cleanEnv({
    AWS_ENDPOINT_URL_CONFIG_SERVICE: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod,
    AWS_SECRET_ACCESS_KEY: 'demo-secret-not-checked',
    AWS_REGION: 'us-east-1',
  });

  it('ends a control in error, and finishes the run with exit 3, when throttling never ends', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'aws: { regions: [us-east-1], maxAttempts: 2 }\n' });
    const r = await runCli(['run', '--only', 'AWS-001,AWS-002'], { cwd: dir, env: awsEnv(throttled.url) });
    expect(r.stderr).not.toMatch(NO_STACK);
    const results = read(dir);
    expect(resultsSchemaErrors(results)).toEqual([]);
    const rootMfa = results.controls.find((c: { id: string }) => c.id === 'AWS-002');
    expect(rootMfa.status).toBe('error');
    // One problem per rule of AWS-002, each after maxAttempts (2) throttled answers.
    expect(rootMfa.statusReason).toMatch(/^Evidence is incomplete: AWS Config kept throttling config:GetComplianceDetailsByConfigRule in us-east-1 \(request id [^)]+\); the request still failed after 2 attempts\. .* \(and 2 more problems\)$/);
    expect(throttled.stats.byOperation.GetComplianceDetailsByConfigRule).toBe(6);
    expect(throttled.stats.faulted).toBe(6);
    // The recorder control does not use the throttled operation, and us-east-1's recorder is healthy.
    expect(results.controls.find((c: { id: string }) => c.id === 'AWS-001').status).toBe('pass');
    expect(r.code).toBe(3);
    expect(results.summary.exitCode).toBe(3);
  });

  it('ends AWS controls in error, saying where the SDK looked and what to set, when there are no credentials', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'aws: { regions: [us-east-1] }\n' });
    const r = await runCli(['run', '--only', 'AWS-001'], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(NO_STACK);
    const c = read(dir).controls[0];
    expect(c.status).toBe('error');
    expect(c.statusReason).toMatch(/^No AWS credentials found\. The AWS SDK looked in: environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; profile "default" in /);
    expect(c.statusReason).toContain('set aws.profile in soc2.config.yaml (or AWS_PROFILE), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
  });
});

describe('soc2 run against GitHub (through the real Octokit)', () => {
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub(demoGitHubEstate());
  });
  afterAll(() => gh.close());
  const config = 'github: { org: northwind-analytics }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\n';

  it('exits 2 with a clear message, and no stack trace, for a bad token', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config });
    const r = await runCli(['run', '--only', 'GH-001'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: gh.url, GITHUB_TOKEN: 'not-a-token' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/token/i);
    expect(r.stderr).not.toContain('not-a-token');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'soc2-report', 'results.json'))).toBe(false); // nothing was collected
    expect(existsSync(join(dir, 'soc2-report', 'evidence'))).toBe(false);
  });

  it('says up front which controls a limited token cannot evaluate, and ends them in error, not pass', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config });
    const r = await runCli(['run', '--only', 'GH-001,GH-002,GH-020'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: gh.url, GH_TOKEN: DEMO_TOKENS.member }) });
    const warned = r.stderr.match(/cannot evaluate these controls; they will end in error:\n((?: {2}GH-\d{3}: .*\n)+)/);
    expect(warned?.[1]?.split('\n').filter(Boolean).map((line) => line.trim().split(':')[0])).toEqual(['GH-001', 'GH-002', 'GH-020']);
    const results = read(dir);
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.controls.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([['GH-001', 'error'], ['GH-002', 'error'], ['GH-020', 'error']]);
    expect(r.code).toBe(3);
  });
});

describe('soc2 permissions', () => {
  it('prints the IAM policy and the GitHub token permissions the controls need', async () => {
    const dir = tempTree({});
    const r = await runCli(['permissions', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const actions = report.aws.policy.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect([...actions].sort()).toEqual([
      'config:DescribeAggregateComplianceByConfigRules', 'config:DescribeComplianceByConfigRule', 'config:DescribeConfigRuleEvaluationStatus',
      'config:DescribeConfigRules', 'config:DescribeConfigurationAggregatorSourcesStatus', 'config:DescribeConfigurationRecorderStatus',
      'config:DescribeConfigurationRecorders', 'config:DescribeDeliveryChannelStatus', 'config:DescribeDeliveryChannels',
      'config:GetAggregateComplianceDetailsByConfigRule', 'config:GetComplianceDetailsByConfigRule', 'config:SelectAggregateResourceConfig',
      'sts:GetCallerIdentity',
    ]);
    // Read-only Config actions, and the one STS call that records who the run ran as.
    expect(report.aws.policy.Statement.find((st: { Sid: string }) => st.Sid === 'Soc2RecordCallerIdentity')).toEqual({ Sid: 'Soc2RecordCallerIdentity', Effect: 'Allow', Action: ['sts:GetCallerIdentity'], Resource: '*' });
    expect(report.github.classicScopes).toEqual(['admin:org', 'repo']);
    expect(report.github.fineGrained.map((p: { scope: string; name: string; access: string }) => `${p.scope} ${p.name}: ${p.access}`)).toEqual([
      'repository Metadata: read', 'repository Administration: read', 'repository Contents: read', 'repository Pull requests: read',
      'repository Checks: read', 'repository Commit statuses: read', 'repository Dependabot alerts: read', 'repository Code scanning alerts: read',
      'repository Webhooks: read', 'organization Administration: read', 'organization Members: read',
    ]);
    const text = await runCli(['permissions'], { cwd: dir });
    expect(text.stdout).toContain('"Version": "2012-10-17"');
    expect(text.stdout).toMatch(/Classic token scopes: /);
  });
});
