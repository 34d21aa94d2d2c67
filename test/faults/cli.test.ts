/**
 * End to end through bin/: one `soc2 run` of every control against the sandbox's fakes without
 * faults, and one with two faults injected — an AWS read that never ends (the rule results every
 * aws.config-rules control needs) and an exhausted GitHub budget on one route (webhooks). The
 * controls on those collectors end in `error` naming the fault; every other control comes out
 * exactly as without the faults; and the run ends (no hang behind a stalled read, no crash).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { DEMO_AWS_KEYS, demoAwsEstate } from '../../src/sandbox/estate/aws.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';

interface ControlResult {
  id: string;
  collector?: string;
  status: string;
  statusReason?: string;
  findings: Array<{ resource: string; status: string; message: string }>;
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;
/** Far above what a healthy collector needs against the local fakes; only the stalled read reaches it. */
const TIMEOUT_SECONDS = 10;

describe('soc2 run under faults (end to end)', () => {
  let aws: FakeAwsConfig;
  let gh: FakeGitHub;
  beforeAll(async () => {
    // Dated relative to the moment the test runs: the CLI's clock is the real one.
    aws = await startFakeAwsConfig(demoAwsEstate({ now: new Date().toISOString() }));
    gh = await startFakeGitHub(demoGitHubEstate());
  });
  afterAll(async () => {
    await Promise.all([aws?.close(), gh?.close()]);
  });

  let dir: string;
  // One checkout for both runs: the repository controls name it.
  const run = async (out: string): Promise<{ code: number | null; stderr: string; controls: Map<string, ControlResult> }> => {
    dir ??= tempTree({
      'soc2.config.yaml': [
        'aws: { regions: [us-east-1, us-west-2, eu-west-1], maxAttempts: 2 }',
        'github: { org: northwind-analytics }',
        'period: { start: 2026-01-01, end: 2026-03-31 }',
        `timeoutSeconds: ${TIMEOUT_SECONDS}`,
        // Every aws.config-rules call waits out its own timeout on the stalled read: as many at once as the engine allows without warnings.
        'concurrency: 10',
        '',
      ].join('\n'),
    });
    const env = cleanEnv({
      AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
      AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod,
      AWS_SECRET_ACCESS_KEY: 'demo-secret-not-checked',
      AWS_REGION: 'us-east-1',
      GITHUB_API_URL: gh.url,
      GITHUB_TOKEN: DEMO_TOKENS.owner,
    });
    const r = await runCli(['run', '--out', out], { cwd: dir, env });
    const results = JSON.parse(readFileSync(join(dir, out, 'results.json'), 'utf8')) as { controls: ControlResult[] };
    return { code: r.code, stderr: r.stderr, controls: new Map(results.controls.map((c) => [c.id, c])) };
  };
  // Status and each resource's result: the messages carry ages in days from the CLI's real clock,
  // which may tick between the two runs.
  const verdict = (c: ControlResult) => ({ status: c.status, findings: c.findings.map((f) => `${f.status} ${f.resource}`).sort() });

  it('ends the faulted collectors\' controls in error naming the fault, leaves every other control as it was, and finishes', async () => {
    const before = await run('before');
    aws.setFaults([{ kind: 'never-ends', operation: 'GetComplianceDetailsByConfigRule' }]);
    gh.setFaults([{ kind: 'primary-rate-limit', route: 'GET /repos/{owner}/{repo}/hooks' }]);
    const after = await run('after');
    aws.setFaults([]);
    gh.setFaults([]);

    expect(after.stderr).not.toMatch(NO_STACK);
    expect([1, 3]).toContain(after.code);
    expect([...after.controls.keys()]).toEqual([...before.controls.keys()]);
    const faulted = { 'aws.config-rules': new RegExp(`did not finish within ${TIMEOUT_SECONDS} s`), 'github.webhooks': /API rate limit exceeded/ } as Record<string, RegExp>;
    let hit = 0;
    for (const [id, was] of before.controls) {
      const now = after.controls.get(id)!;
      const names = was.collector ? faulted[was.collector] : undefined;
      if (names) {
        hit++;
        expect({ id, status: now.status }).toEqual({ id, status: 'error' });
        expect(`${now.statusReason} ${now.findings.map((f) => f.message).join(' ')}`, id).toMatch(names);
      } else {
        expect({ id, ...verdict(now) }).toEqual({ id, ...verdict(was) });
      }
    }
    // 27 controls read rule results, 2 read webhooks; the recorder control (AWS-001) and the rest are untouched.
    expect(hit).toBeGreaterThanOrEqual(20);
    expect(aws.stats.faulted).toBeGreaterThan(0);
    expect(gh.stats.faulted).toBeGreaterThan(0);
    // The stalled reads were stopped when the run ended: the CLI closed them before exiting.
    expect(aws.stats.hanging).toBe(0);
  }, 600_000);
});
