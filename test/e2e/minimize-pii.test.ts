/**
 * --minimize-pii through bin/ against the fake GitHub and AWS Config: no login, name or e-mail of a
 * person of the estate is left in any file of the report, the same person gets the same token
 * everywhere, and every verdict is the one the run reaches without the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { demoAwsEstate, DEMO_AWS_KEYS } from '../../src/sandbox/estate/aws.js';

/** Every person the estate names: logins, pull request authors, mergers, reviewers, commit authors (bots are not people). */
function peopleOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) peopleOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (['login', 'author', 'mergedBy', 'user'].includes(k) && typeof v === 'string' && !v.endsWith('[bot]')) out.add(v);
      else peopleOf(v, out);
    }
  }
  return out;
}

function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((n) => {
    const p = rel ? `${rel}/${n}` : n;
    return statSync(join(dir, p)).isDirectory() ? filesUnder(dir, p) : [p];
  });
}

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

describe('soc2 run --minimize-pii', () => {
  it('leaves no person of the estate in any file, keeps one token per person, and changes no verdict', async () => {
    const config = 'github: { org: northwind-analytics }\naws: { regions: [us-east-1] }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\n';
    const env = cleanEnv({
      GITHUB_API_URL: gh.url, GITHUB_TOKEN: DEMO_TOKENS.owner,
      AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url, AWS_ENDPOINT_URL_STS: aws.url, AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod, AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1',
    });
    // Every built-in control: the change population, collaborators, owners, IAM users and all.
    const only: string[] = [];
    const plain = tempTree({ 'soc2.config.yaml': config });
    const min = tempTree({ 'soc2.config.yaml': config });
    const a = await runCli(['run', ...only, '--format', 'sarif,oscal,findings-csv'], { cwd: plain, env });
    const b = await runCli(['run', ...only, '--format', 'sarif,oscal,findings-csv', '--minimize-pii'], { cwd: min, env });
    expect(b.code).toBe(a.code);
    const ra = JSON.parse(readFileSync(join(plain, 'soc2-report', 'results.json'), 'utf8'));
    const rb = JSON.parse(readFileSync(join(min, 'soc2-report', 'results.json'), 'utf8'));
    expect(resultsSchemaErrors(rb)).toEqual([]);
    const verdicts = (r: { controls: Array<{ id: string; status: string; counts: unknown }> }) => r.controls.map((c) => [c.id, c.status, c.counts]);
    expect(verdicts(rb)).toEqual(verdicts(ra));

    const people = [...peopleOf(demoGitHubEstate())];
    expect(people).toEqual(expect.arrayContaining(['alice-nw', 'bob-nw', 'contractor-kim', 'erin-nw']));
    // Without the flag the people are there (the test would prove nothing otherwise)…
    const plainText = filesUnder(join(plain, 'soc2-report')).map((f) => readFileSync(join(plain, 'soc2-report', f), 'utf8')).join('\n');
    expect(people.filter((p) => plainText.includes(p)).length).toBeGreaterThan(5);
    expect(plainText).toContain(':user/soc2-auditor');
    // …and with it, in no file at all, nor the IAM user name the run ran as.
    for (const f of filesUnder(join(min, 'soc2-report'))) {
      const text = readFileSync(join(min, 'soc2-report', f), 'utf8');
      for (const p of people) expect(new RegExp(`(?<![A-Za-z0-9-])${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9-])`, 'i').test(text), `${p} in ${f}`).toBe(false);
      expect(text, f).not.toContain(':user/soc2-auditor');
    }
    // One person, one token: the runner's login in the provenance is the token the evidence uses for alice-nw.
    expect(rb.run.provenance.github.login).toMatch(/^person-[0-9a-f]{10}$/);
    const minText = filesUnder(join(min, 'soc2-report')).map((f) => readFileSync(join(min, 'soc2-report', f), 'utf8')).join('\n');
    expect(minText.split(rb.run.provenance.github.login).length - 1).toBeGreaterThan(2);
    expect(rb.dataHandling.minimised).toMatchObject({ identities: expect.any(Number), kinds: expect.arrayContaining(['login or name', 'IAM user name']) });
    expect(rb.dataHandling.minimised.identities).toBeGreaterThanOrEqual(people.filter((p) => plainText.includes(p)).length);
    expect(ra.dataHandling.minimised).toBeNull();
    expect(b.stdout).toMatch(/Personal data minimised: \d+ identifiers replaced by keyed hashes \(the key was not kept\)\./);
  }, 90_000);
});
