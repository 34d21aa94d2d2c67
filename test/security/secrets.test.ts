/**
 * Threat model: secrets stay where they belong.
 *
 * - A credential that reaches collected data (a token pasted into CODEOWNERS, a key in an AWS
 *   Config annotation, an API error echoing a header) is redacted once, where evidence enters the
 *   engine: no report, no evidence file and no terminal line shows it, and the finding remains.
 * - A configuration file alone cannot send a credential somewhere new: tokenEnv names only
 *   GITHUB_/GH_/SOC2_ variables, a non-default apiUrl must be confirmed outside the file, plain
 *   http:// is for loopback only, and no request carrying the token leaves the API's origin.
 *
 * Fake secrets are assembled at run time so that this file holds none for a scanner to find.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REDACTED, redactBody, redactDeep, redactString } from '../../src/evidence/redact.js';
import { ForeignOriginError, refuseForeignOrigin, resolveGitHubApiUrl } from '../../src/collectors/github/endpoint.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { demoAwsEstate, DEMO_AWS_KEYS } from '../../src/sandbox/estate/aws.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { filesUnder, startLinkingProxy, startThief, type Thief } from './servers.js';

const GHP = 'ghp' + '_' + 'R3alLook1ngT0kenValue0123456789abcdef'.slice(0, 36);
const AKIA = 'AKIA' + 'Q3EXAMPLEKEY7X2Z'.replace('EXAMPLE', 'ZZZZZZZ');
const PAT = 'github' + '_pat_' + '11ABCDEFG0' + 'x'.repeat(12) + '_' + 'y'.repeat(59);
const SLACK = 'xox' + 'b-' + '1234567890-abcdefghijKLMNOP';
const PEM = ['-----BEGIN RSA ' + 'PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4+9s0aVZQ2J6kT1cMxU0d9o3H1Qm8C', 'q0Q8bz4+9s0aVZQ2J6kT1cMxU0d9o3H1Qm8CMIIEowIBAAKCAQEA7Vx1vZC3l8bY', '-----END RSA ' + 'PRIVATE KEY-----'].join('\n');
const JWT = 'eyJ' + 'hbGciOiJIUzI1NiJ9' + '.eyJ' + 'zdWIiOiIxMjM0NTY3ODkwIn0' + '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/** Every secret the redactor must catch, in the contexts it appears in. */
const SECRETS: Array<[string, string, string]> = [
  ['classic GitHub token', `* @acme/platform ${GHP}`, GHP],
  ['GitHub token glued to a word', `token_${GHP}_suffix`, GHP],
  ['fine-grained token', `Authorization was ${PAT}.`, PAT],
  ['AWS access key id in an annotation', `Access key ${AKIA} is 212 days old.`, AKIA],
  ['AWS key glued to more capitals', `${AKIA}WJALRXUTNFEMI`, AKIA],
  ['Slack token', `notify ${SLACK}`, SLACK],
  ['private key block', `key:\n${PEM}\nafter`, 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4'],
  ['private key without its END line', `${PEM.split('\n').slice(0, 2).join('\n')}`, 'MIIEowIBAAKCAQEA7Vx1vZC3l8bYq0Q8bz4'],
  ['JWT', `Bearer ${JWT}`, JWT.split('.')[1]!],
  ['URL credentials', 'https://deploy:s3cr3t-passw0rd@hooks.example.com/x', 's3cr3t-passw0rd'],
  ['database URL credentials', 'postgres://app:hunter2hunter2@db.internal:5432/app', 'hunter2hunter2'],
  ['token in a URL query', 'https://hooks.example.com/in?token=abcdef0123456789&x=1', 'abcdef0123456789'],
  ['presigned S3 URL', 'https://b.s3.amazonaws.com/k?X-Amz-Signature=0a1b2c3d4e5f60718293&X-Amz-Credential=AK', '0a1b2c3d4e5f60718293'],
  ['AWS secret key assignment', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz', 'wJalrXUtnFEMI/K7MDENG'],
  ['SecretAccessKey in JSON text', '{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"}', 'wJalrXUtnFEMI/K7MDENG'],
  ['Authorization header', 'authorization: token 0123456789abcdef0123456789abcdef01234567', '0123456789abcdef0123456789abcdef01234567'],
  ['Slack webhook URL', 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXX', 'XXXXXXXXXXXXXXXXXXXX'],
  ['API key assignment', 'ApiKey: 0123456789abcdefGHIJ', '0123456789abcdefGHIJ'],
  ['Basic credential', 'curl -H "Authorization: Basic dXNlcjpwYXNzd29yZDEyMzQ1Ng=="', 'dXNlcjpwYXNzd29yZDEyMzQ1Ng'],
  ['npm token', 'npm_' + 'a'.repeat(36), 'a'.repeat(36)],
  ['Google API key', 'AIza' + 'Sy'.padEnd(35, 'B'), 'Sy'.padEnd(35, 'B')],
];

describe('evidence/redact', () => {
  it.each(SECRETS)('removes a %s and says it did', (_kind, text, secret) => {
    const out = redactString(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED');
  });

  it('keeps a public prefix that says what kind of secret it was, never enough to use', () => {
    expect(redactString(`x ${GHP} y`)).toBe(`x ghp_${REDACTED} y`);
    expect(redactString(`Access key ${AKIA} is old.`)).toBe(`Access key AKIA${REDACTED} is old.`);
    expect(redactString(`${PEM}\nafter`)).toBe('[REDACTED PRIVATE KEY]\nafter');
  });

  it('leaves ordinary text alone, environment variable names included', () => {
    const plain = [
      'No GitHub token: SOC2_NORTHWIND_GITHUB_TOKEN is not set.',
      'acme/api: the default branch requires 0 approvals; at least 1 is required.',
      'token lacks github:administration:read: GitHub answered 403 "Resource not accessible by integration"',
      'Access key AKIA…7QX2 is 212 days old (maximum 90).',
      'https://api.github.com/repos/acme/api?per_page=100&page=2',
      'AIDA5NWDEPLOYER0003',
    ];
    for (const text of plain) expect(redactString(text)).toBe(text);
  });

  it('is idempotent, and its output matches no secret pattern, for any text around any secret', () => {
    const secret = fc.constantFrom(...SECRETS);
    const filler = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', ':', '=', ' ', '"', '/', '@', '[', ']', '\n', '.', '?', '&'), maxLength: 12 });
    fc.assert(fc.property(filler, secret, filler, secret, filler, (a, [, t1, v1], b, [, t2, v2], c) => {
      // Secrets stand apart from the text around them (a token glued to a word has its own case above).
      const once = redactString(`${a} ${t1} ${b} ${t2} ${c}`);
      expect(redactString(once)).toBe(once);
      expect(once).not.toContain(v1);
      expect(once).not.toContain(v2);
    }), { numRuns: 500 });
  });

  it('is idempotent on any text built from the pieces its patterns look for', () => {
    const piece = fc.constantFrom('ghp_', 'github_pat_', 'AKIA', 'xoxb-', 'eyJ', '.', '-----BEGIN ', 'PRIVATE KEY-----', '-----END ', '\n', '\\n',
      '://', ':', '@', '?', '&', '=', 'token', 'password', 'authorization', 'Bearer', ' ', '"', '[', ']', 'REDACTED', 'A', 'Z', 'a', 'z', '0', '9', '_', '-', '/', '+');
    fc.assert(fc.property(fc.array(fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')), { maxLength: 8 }).map((a) => a.join('')), (text) => {
      const once = redactString(text);
      expect(redactString(once)).toBe(once);
    }), { numRuns: 2000 });
  });

  it('redacts keys, and values under secret-named keys, in nested data', () => {
    const data = { resources: [{ id: `repo-${GHP}`, data: { hook: { secret: 'whsec-plain-value', url: 'https://a:b@c.example' }, empty: { secret: '' } } }], facts: { [AKIA]: true } };
    const out = redactDeep(data);
    const text = JSON.stringify(out);
    expect(text).not.toContain(GHP);
    expect(text).not.toContain(AKIA);
    expect(text).not.toContain('whsec-plain-value');
    expect(out.resources[0]!.data.empty.secret).toBe(''); // "no secret" must stay visible to the control
    expect(redactDeep(out)).toEqual(out);
  });

  it('keeps a JSON body valid JSON while redacting it', () => {
    const body = JSON.stringify({ a: `x ${GHP}`, b: ['https://u:p4ssw0rd@h.example/'], c: PEM, n: 42 });
    const out = redactBody(body);
    expect(() => JSON.parse(out)).not.toThrow();
    expect(out).not.toContain(GHP);
    expect(out).not.toContain('p4ssw0rd');
    expect(JSON.parse(out).n).toBe(42);
    expect(redactBody(out)).toBe(out);
  });
});

// ── Through the CLI: the real AWS SDK and Octokit against the sandbox servers ──────────────────

const NO_STACK = /\n\s+at .+:\d+:\d+/;
const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')) as {
  controls: Array<{ id: string; status: string; statusReason: string; findings: Array<{ status: string; message: string }>; evidence: Array<{ calls: Array<{ operation: string; cache?: string }> }> }>;
};

describe('soc2 run: a secret in collected data never leaves redacted form', () => {
  let aws: FakeAwsConfig;
  beforeAll(async () => {
    // An AWS Config annotation that names a whole access key id, as a custom rule might.
    const estate = demoAwsEstate({ now: new Date().toISOString() });
    const rule = estate.accounts[0]!.regions['us-east-1']!.rules.find((r) => r.identifier === 'ACCESS_KEYS_ROTATED')!;
    rule.results.find((r) => r.resourceId === 'AIDA5NWDEPLOYER0003')!.annotation = `Access key ${AKIA} is 212 days old (maximum 90).`;
    aws = await startFakeAwsConfig(estate);
  });
  afterAll(() => aws.close());

  it('shows neither a token from CODEOWNERS nor a key from AWS in any report, evidence file or terminal line, and keeps both findings', async () => {
    const dir = tempTree({
      'soc2.config.yaml': 'aws: { regions: [us-east-1] }\n',
      '.github/CODEOWNERS': `* @northwind/platform ${GHP}\n`,
    });
    const r = await runCli(['run', '--only', 'REPO-001,AWS-004', '--format', 'sarif'], {
      cwd: dir,
      env: cleanEnv({ AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url, AWS_ENDPOINT_URL_STS: aws.url, AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod, AWS_SECRET_ACCESS_KEY: 'demo-secret-not-checked', AWS_REGION: 'us-east-1' }),
    });
    expect(r.code).toBe(1);
    const files = filesUnder(join(dir, 'soc2-report'));
    expect([...files.keys()].map((f) => f.slice(dir.length + 1)).sort()).toEqual(expect.arrayContaining([
      'soc2-report/results.json', 'soc2-report/report.html', 'soc2-report/report.md', 'soc2-report/junit.xml', 'soc2-report/results.sarif',
    ]));
    for (const [file, text] of [...files, ['stdout', r.stdout], ['stderr', r.stderr]]) {
      expect(text, file).not.toContain(GHP);
      expect(text, file).not.toContain(AKIA);
    }
    const results = readResults(dir);
    const codeowners = results.controls.find((c) => c.id === 'REPO-001')!;
    expect(codeowners.status).toBe('fail');
    expect(codeowners.findings.find((f) => f.status === 'fail')!.message).toContain(`ghp_${REDACTED}`);
    const keys = results.controls.find((c) => c.id === 'AWS-004')!;
    expect(keys.status).toBe('fail');
    expect(keys.findings.filter((f) => f.status === 'fail').map((f) => f.message).join('\n')).toContain(`AKIA${REDACTED}`);
    expect(r.stdout).toContain(`ghp_${REDACTED}`);
  });
});

describe('collectors/github/endpoint: where the token may go', () => {
  const DEFAULT = 'https://api.github.com';
  it.each([
    ['nothing configured: GitHub', undefined, {}, DEFAULT],
    ['GITHUB_API_URL alone (Actions on GitHub Enterprise Server)', undefined, { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, 'https://ghe.example.com/api/v3'],
    ['the default written in the file', DEFAULT, {}, DEFAULT],
    ['a file URL confirmed by GITHUB_API_URL', 'https://ghe.example.com/api/v3', { GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }, 'https://ghe.example.com/api/v3'],
    ['plain http on loopback', undefined, { GITHUB_API_URL: 'http://127.0.0.1:8080' }, 'http://127.0.0.1:8080'],
    ['plain http on localhost', undefined, { GITHUB_API_URL: 'http://localhost:3000' }, 'http://localhost:3000'],
    ['plain http on ::1', undefined, { GITHUB_API_URL: 'http://[::1]:3000' }, 'http://[::1]:3000'],
  ])('accepts %s', (_what, configured, env, url) => {
    expect(resolveGitHubApiUrl(configured, env)).toMatchObject({ ok: true, url });
  });

  it.each([
    ['a file URL nobody confirmed', 'https://evil.example.com', {}, /not GitHub's API.*configuration file alone/],
    ['a file URL that differs from GITHUB_API_URL', 'https://evil.example.com', { GITHUB_API_URL: 'https://ghe.example.com/api/v3' }, /differs from GITHUB_API_URL/],
    ['plain http to another host, even when confirmed', 'http://ghe.example.com/api/v3', { GITHUB_API_URL: 'http://ghe.example.com/api/v3' }, /plain http:\/\/ would send the GitHub token unencrypted/],
    ['plain http from the environment', undefined, { GITHUB_API_URL: 'http://10.0.0.5' }, /plain http/],
    ['a host that only starts like loopback', undefined, { GITHUB_API_URL: 'http://127.0.0.1.evil.example' }, /plain http/],
    ['credentials in the URL', undefined, { GITHUB_API_URL: 'https://u:p@ghe.example.com' }, /user name or password/],
    ['not a URL', undefined, { GITHUB_API_URL: 'ftp://ghe.example.com' }, /not an http\(s\) URL/],
  ])('refuses %s', (_what, configured, env, why) => {
    const out = resolveGitHubApiUrl(configured, env);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(why);
  });

  it('refuses a request to any origin but the API\'s, naming the host', () => {
    const allowed = refuseForeignOrigin('http://127.0.0.1:8080');
    expect(() => allowed('http://127.0.0.1:8080/orgs/acme/repos?page=2')).not.toThrow();
    expect(() => allowed('http://127.0.0.1:9090/orgs/acme/repos?page=2')).toThrow(/127\.0\.0\.1:9090/);
    expect(() => allowed('https://127.0.0.1:8080/x')).toThrow(ForeignOriginError);
  });
});

describe('soc2 run: a configuration file alone never sends a credential somewhere new', () => {
  let gh: FakeGitHub;
  let thief: Thief;
  beforeAll(async () => {
    [gh, thief] = await Promise.all([startFakeGitHub(demoGitHubEstate()), startThief()]);
  });
  afterAll(async () => {
    await Promise.all([gh.close(), thief.close()]);
  });
  const period = 'period: { start: 2026-01-01, end: 2026-03-31 }\n';

  it('refuses a tokenEnv that names another credential, with file, line and key, before any request', async () => {
    const dir = tempTree({ 'soc2.config.yaml': `${period}github:\n  org: northwind-analytics\n  tokenEnv: AWS_SECRET_ACCESS_KEY\n` });
    const r = await runCli(['run', '--only', 'GH-018'], { cwd: dir, env: cleanEnv({ AWS_SECRET_ACCESS_KEY: 'aws-secret-value-0123456789', GITHUB_API_URL: thief.url }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/soc2\.config\.yaml:4:\d+ github\.tokenEnv: must name an environment variable starting with GITHUB_, GH_ or SOC2_/);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(thief.seen).toEqual([]);
  });

  it('refuses a github.apiUrl the environment does not confirm, saying how to confirm it, before any request', async () => {
    const dir = tempTree({ 'soc2.config.yaml': `${period}github:\n  org: northwind-analytics\n  apiUrl: ${thief.url}\n` });
    const r = await runCli(['run', '--only', 'GH-018'], { cwd: dir, env: cleanEnv({ GITHUB_TOKEN: DEMO_TOKENS.owner }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/soc2\.config\.yaml:4:\d+ github\.apiUrl: .*a configuration file alone may not send the GitHub token to another host/);
    expect(r.stderr).toContain(`GITHUB_API_URL=${thief.url}`);
    expect(r.stderr).toContain(`--github-api-url ${thief.url}`);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
    expect(thief.seen).toEqual([]);
    const perms = await runCli(['permissions'], { cwd: dir, env: cleanEnv() });
    expect(perms.code).toBe(2);
    expect(perms.stderr).toMatch(/github\.apiUrl/);
  });

  it('uses a github.apiUrl that --github-api-url or GITHUB_API_URL confirms', async () => {
    const dir = tempTree({ 'soc2.config.yaml': `${period}github:\n  org: northwind-analytics\n  apiUrl: ${gh.url}\n` });
    const byFlag = await runCli(['run', '--only', 'GH-018', '--github-api-url', gh.url], { cwd: dir, env: cleanEnv({ GITHUB_TOKEN: DEMO_TOKENS.owner }) });
    expect(byFlag.stderr).toBe('');
    expect(byFlag.code).toBe(1);
    expect(readResults(dir).controls[0]!.status).toBe('fail');
    const byEnv = await runCli(['run', '--only', 'GH-018'], { cwd: dir, env: cleanEnv({ GITHUB_TOKEN: DEMO_TOKENS.owner, GITHUB_API_URL: `${gh.url}/` }) });
    expect(byEnv.code).toBe(1);
    const perms = await runCli(['permissions', '--json', '--github-api-url', gh.url], { cwd: dir, env: cleanEnv() });
    expect(perms.code).toBe(0);
  });

  it('never follows a pagination Link to another host with the token: the control ends in error naming the host', async () => {
    const proxy = await startLinkingProxy(gh.url, thief.url);
    try {
      const dir = tempTree({ 'soc2.config.yaml': `${period}github: { org: northwind-analytics }\n` });
      const r = await runCli(['run', '--only', 'GH-018'], { cwd: dir, env: cleanEnv({ GITHUB_TOKEN: DEMO_TOKENS.owner, GITHUB_API_URL: proxy.url }) });
      expect(thief.seen).toEqual([]);
      expect(r.code).toBe(3);
      const control = readResults(dir).controls[0]!;
      expect(control.status).toBe('error');
      expect(control.statusReason).toContain(`refused to send the GitHub token to ${thief.url}`);
    } finally {
      await proxy.close();
    }
  });
});
