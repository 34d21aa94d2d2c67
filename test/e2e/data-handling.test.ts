/**
 * The data-handling statement says what the run did, so it is checked against what the servers
 * saw: every request the fake AWS Config, STS and GitHub answered is counted once in it, under
 * the host it went to, and every human report ends with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { demoAwsEstate, DEMO_AWS_KEYS } from '../../src/sandbox/estate/aws.js';

let gh: FakeGitHub;
let aws: FakeAwsConfig;
beforeAll(async () => {
  gh = await startFakeGitHub(demoGitHubEstate());
  aws = await startFakeAwsConfig(demoAwsEstate({ now: new Date().toISOString() }));
});
afterAll(async () => {
  await gh.close();
  await aws.close();
});

interface Endpoint { source: string; host: string; requests: number; operations: Array<{ operation: string; requests: number }> }

describe('the data-handling statement', () => {
  it('counts exactly the requests the servers answered, per host, and ends every human report', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'github: { org: northwind-analytics }\naws: { regions: [us-east-1, eu-west-1] }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\n' });
    const env = cleanEnv({
      GITHUB_API_URL: gh.url, GITHUB_TOKEN: DEMO_TOKENS.owner,
      AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url, AWS_ENDPOINT_URL_STS: aws.url, AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod, AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1',
    });
    const r = await runCli(['run', '--format', 'sarif'], { cwd: dir, env });
    expect([1, 3]).toContain(r.code);
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    const endpoints = results.dataHandling.endpoints as Endpoint[];
    const awsHost = new URL(aws.url).host;
    const ghHost = new URL(gh.url).host;
    const total = (pred: (e: Endpoint) => boolean) => endpoints.filter(pred).reduce((n, e) => n + e.requests, 0);

    expect(aws.stats.unknownOperations).toEqual([]);
    expect(total((e) => e.source === 'aws-config')).toBe(aws.stats.requests);
    expect(total((e) => e.source === 'aws-sts')).toBe(aws.stats.sts);
    expect(aws.stats.sts).toBe(1);
    for (const [op, n] of Object.entries(aws.stats.byOperation)) {
      expect(endpoints.find((e) => e.source === 'aws-config')!.operations.find((o) => o.operation === `config:${op}`)?.requests, op).toBe(n);
    }
    expect(total((e) => e.source.startsWith('github-'))).toBe(gh.stats.requests);
    expect(new Set(endpoints.filter((e) => e.source !== 'local').map((e) => e.host))).toEqual(new Set([awsHost, ghHost]));
    expect(endpoints.find((e) => e.source === 'local')?.host).toBe('the local checkout (no network)');
    expect(results.dataHandling.fieldsKept.find((f: { collector: string }) => f.collector === 'github.branch-rules').fields).toEqual(expect.arrayContaining(['requiredApprovals']));

    const md = readFileSync(join(dir, 'soc2-report', 'report.md'), 'utf8');
    const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.at(-1)).toBe('Data handling');
    expect(md.slice(md.lastIndexOf('## Data handling'))).toContain(`${awsHost} (AWS Config): ${aws.stats.requests} requests`);
    expect(md).toMatch(/\*\*Nothing was sent anywhere else: soc2 sent requests only to the hosts listed here/);
    const html = readFileSync(join(dir, 'soc2-report', 'report.html'), 'utf8');
    const sections = [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1]);
    expect(sections.at(-1)).toBe('data-handling');
    const junit = readFileSync(join(dir, 'soc2-report', 'junit.xml'), 'utf8');
    expect(junit.trimEnd().split('\n').at(-1)).toMatch(/^<!-- Data handling\. Read: .* Nothing was sent anywhere else/);
    const sarif = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.sarif'), 'utf8'));
    expect(Object.keys(sarif.runs[0].properties).at(-1)).toBe('dataHandling');
  }, 90_000);
});
