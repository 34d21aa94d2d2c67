/**
 * The auditor's path end to end, through bin/ and the real AWS SDK and Octokit against the fakes:
 * `soc2 run --sign KEY --encrypt-to AGE1…` with manual attestations and OSCAL, then decrypt
 * (soc2 and the standard age tool), verify with the public key, and tamper. Also --encrypt-only:
 * the report exists only encrypted, and nothing in plaintext stays beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { startFakeAwsConfig, type FakeAwsConfig } from '../../src/sandbox/aws-config-server.js';
import { demoAwsEstate, DEMO_AWS_KEYS } from '../../src/sandbox/estate/aws.js';
import { startFakeGitHub, type FakeGitHub } from '../../src/sandbox/github-server.js';
import { demoGitHubEstate, DEMO_TOKENS } from '../../src/sandbox/estate/github.js';
import { loadVerifyKey } from '../../src/evidence/keys.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const AGE = '/usr/bin/age';

let aws: FakeAwsConfig;
let gh: FakeGitHub;
beforeAll(async () => {
  // Dated relative to now: the CLI runs on the real clock.
  aws = await startFakeAwsConfig(demoAwsEstate({ now: new Date().toISOString() }));
  gh = await startFakeGitHub(demoGitHubEstate());
});
afterAll(async () => {
  await aws.close();
  await gh.close();
});

const env = () => cleanEnv({
  AWS_ENDPOINT_URL_CONFIG_SERVICE: aws.url,
  AWS_ENDPOINT_URL_STS: aws.url,
  AWS_ACCESS_KEY_ID: DEMO_AWS_KEYS.prod,
  AWS_SECRET_ACCESS_KEY: 'demo-secret-not-checked',
  AWS_REGION: 'us-east-1',
  GITHUB_API_URL: gh.url,
  GITHUB_TOKEN: DEMO_TOKENS.owner,
});

const POLICY_PDF = '%PDF-1.4\n% the information security policy, v4\n';
const project = () => tempTree({
  'soc2.config.yaml': 'aws: { regions: [us-east-1] }\ngithub: { org: northwind-analytics }\nperiod: { start: 2026-01-01, end: 2026-03-31 }\nattestations: attestations.yaml\n',
  'attestations.yaml': [
    'attestations:',
    '  - control: MAN-001',
    '    covers: [1, 2, 3]',
    '    attestedBy: Dana Whitfield, CISO',
    '    attestedOn: 2026-01-15',
    '    validUntil: 2999-01-15',
    '    evidence:',
    '      - file: policies/infosec-policy-v4.pdf',
    '      - link: https://wiki.example.com/policies/approval',
    '',
  ].join('\n'),
  'policies/infosec-policy-v4.pdf': POLICY_PDF,
});

function statementOf(dir: string): { subject: Array<{ name: string; digest: { sha256: string } }>; predicate: { previousStatement: unknown } } {
  const envelope = JSON.parse(readFileSync(join(dir, 'attestation.intoto.jsonl'), 'utf8')) as { payload: string };
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
}

describe('the auditor bundle, from soc2 run', () => {
  it('signs, encrypts to the auditor, decrypts (soc2 and age), verifies with the public key, and names a changed file', async () => {
    const dir = project();
    expect((await runCli(['keygen', '--out', 'signer'], { cwd: dir })).code).toBe(0);
    const identity = await generateIdentity();
    writeFileSync(join(dir, 'auditor.txt'), `${identity}\n`);
    const recipient = await identityToRecipient(identity);

    const r = await runCli(['run', '--only', 'AWS-001,GH-002,MAN-001', '--format', 'oscal,findings-csv', '--sign', 'signer.key', '--encrypt-to', recipient], { cwd: dir, env: env() });
    expect([0, 1, 3]).toContain(r.code);
    const keyid = loadVerifyKey(join(dir, 'signer.pub')).keyid;
    expect(r.stdout).toContain(`Attestation: signed with key ${keyid}`);
    expect(r.stdout).toContain('Encrypted: soc2-report.tar.age, to one recipient. The plaintext report stays in soc2-report/');
    // Beside the report: the encrypted file and nothing else the run made (no tar, no temp file);
    // .soc2-cache is the GitHub ETag cache of the configuration (github.cacheDir), not the report.
    expect(readdirSync(dir).filter((n) => n !== '.soc2-cache').sort()).toEqual(['attestations.yaml', 'auditor.txt', 'policies', 'signer.key', 'signer.pub', 'soc2-report', 'soc2-report.tar.age', 'soc2.config.yaml']);

    const report = join(dir, 'soc2-report');
    const results = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8'));
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.run.attestation).toEqual({ file: 'attestation.intoto.jsonl', signature: { state: 'signed', keyid }, previousStatement: null });
    expect(results.run.provenance.aws).toEqual({ state: 'known', account: demoAwsEstate().accounts[0]!.id, arn: `arn:aws:iam::${demoAwsEstate().accounts[0]!.id}:user/soc2-auditor`, requestId: expect.any(String) });
    expect(results.run.provenance.github).toEqual({ state: 'known', login: 'alice-nw', tokenKind: 'classic', apiUrl: gh.url });
    expect(results.run.provenance.ci).toBeNull();

    // The manual control is attested, with its file hashed and copied into the bundle.
    const man = results.controls.find((c: { id: string }) => c.id === 'MAN-001');
    expect(man.status).toBe('attested');
    expect(results.summary).toMatchObject({ attested: 1, manual: 0 });
    const copied = man.manualEvidence.attestations[0].evidence[0];
    expect(copied).toMatchObject({ kind: 'file', source: 'policies/infosec-policy-v4.pdf', sha256: createHash('sha256').update(POLICY_PDF).digest('hex') });
    expect(readFileSync(join(report, copied.file), 'utf8')).toBe(POLICY_PDF);
    expect(statementOf(report).subject.map((s) => s.name)).toContain(copied.file);

    const schema = JSON.parse(readFileSync(new URL('../fixtures/schemas/oscal_assessment-results_schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(JSON.parse(readFileSync(join(report, 'assessment-results.oscal.json'), 'utf8'))), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);

    expect((await runCli(['verify', 'soc2-report', '--key', 'signer.pub'], { cwd: dir })).code).toBe(0);

    expect((await runCli(['decrypt', 'soc2-report.tar.age', '--identity', 'auditor.txt', '--out', 'received'], { cwd: dir })).code).toBe(0);
    const ok = await runCli(['verify', 'received', '--key', 'signer.pub'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Every one of the ${statementOf(report).subject.length} files the statement lists matches its SHA-256`);

    if (existsSync(AGE)) {
      // The standard tool opens it too: age -d, then tar -x.
      mkdirSync(join(dir, 'by-age'));
      const tar = execFileSync(AGE, ['-d', '-i', join(dir, 'auditor.txt'), join(dir, 'soc2-report.tar.age')]);
      execFileSync('tar', ['-x', '-C', join(dir, 'by-age')], { input: tar });
      expect((await runCli(['verify', 'by-age', '--key', 'signer.pub'], { cwd: dir })).code).toBe(0);
    }

    const evidence = results.controls.find((c: { id: string }) => c.id === 'GH-002').evidence[0];
    writeFileSync(join(dir, 'received', evidence), `${readFileSync(join(dir, 'received', evidence), 'utf8')} `);
    const tampered = await runCli(['verify', 'received', '--key', 'signer.pub'], { cwd: dir });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`${evidence}: contents changed since the run`);

    // The next run links to this one's statement.
    const previous = createHash('sha256').update(Buffer.from(JSON.parse(readFileSync(join(report, 'attestation.intoto.jsonl'), 'utf8')).payload, 'base64')).digest('hex');
    await runCli(['run', '--only', 'MAN-001', '--sign', 'signer.key'], { cwd: dir, env: env() });
    expect(statementOf(report).predicate.previousStatement).toEqual({ sha256: previous });
  }, 120_000);

  it('--encrypt-only writes the report only encrypted: --out is not created and no plaintext stays beside the file', async () => {
    const dir = project();
    const identity = await generateIdentity();
    writeFileSync(join(dir, 'auditor.txt'), `${identity}\n`);
    const r = await runCli(['run', '--only', 'MAN-001,GH-002', '--encrypt-to', await identityToRecipient(identity), '--encrypt-only', '--out', 'for-auditor'], { cwd: dir, env: env() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('No plaintext report was written (--encrypt-only)');
    expect(readdirSync(dir).filter((n) => n !== '.soc2-cache').sort()).toEqual(['attestations.yaml', 'auditor.txt', 'for-auditor.tar.age', 'policies', 'soc2.config.yaml']);
    expect(readFileSync(join(dir, 'for-auditor.tar.age')).subarray(0, 21).toString('latin1')).toBe('age-encryption.org/v1');
    expect((await runCli(['decrypt', 'for-auditor.tar.age', '-i', 'auditor.txt', '-o', 'opened'], { cwd: dir })).code).toBe(0);
    expect(readdirSync(join(dir, 'opened'))).toContain('report.html');
    expect((await runCli(['verify', 'opened', '--allow-unsigned'], { cwd: dir })).code).toBe(0);
  }, 60_000);

  it('refuses --encrypt-only without a recipient, and a recipient that is not age1…, before collecting anything (exit 2)', async () => {
    const dir = project();
    const only = await runCli(['run', '--encrypt-only'], { cwd: dir, env: env() });
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('--encrypt-only needs --encrypt-to');
    const typo = await runCli(['run', '--encrypt-to', 'age1notakey'], { cwd: dir, env: env() });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"age1notakey" is not a valid age recipient');
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
  });
});
