import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, cleanEnv } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { policyControl } from '../helpers/policy-control.js';

const config = 'controls: { paths: [controls] }\n';
const NO_STACK = /\n\s+at .+\(.+:\d+:\d+\)/;

describe('soc2 run (end to end, through bin/)', () => {
  it('exits 1 when a control fails, and writes results.json (schema-valid), report.md, junit.xml and hashed evidence', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001'), 'README.md': '# app\n' });
    const r = await runCli(['run'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL');
    expect(r.stdout).toContain('Report:  soc2-report/report.html');
    expect(r.stdout).not.toMatch(/\x1b\[/); // NO_COLOR and not a TTY: no escape codes
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.summary).toMatchObject({ total: 1, fail: 1, exitCode: 1 });
    expect(results.controls[0].findings[0].message).toMatch(/security policy present is false; required: true/);
    for (const f of ['report.md', 'report.html', 'junit.xml', 'attestation.intoto.jsonl']) expect(existsSync(join(dir, 'soc2-report', f)), f).toBe(true);
    // One list of the run's files: the statement. The older manifest is no longer written.
    expect(existsSync(join(dir, 'soc2-report', 'evidence', 'manifest.json'))).toBe(false);
    const envelope = JSON.parse(readFileSync(join(dir, 'soc2-report', 'attestation.intoto.jsonl'), 'utf8'));
    expect(envelope.signatures).toEqual([]);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement.subject.map((s: { name: string }) => s.name).sort()).toEqual(['junit.xml', 'report.html', 'report.md', 'results.json', results.controls[0].evidence[0]].sort());
    expect(results.run.attestation).toEqual({ file: 'attestation.intoto.jsonl', signature: { state: 'unsigned' }, previousStatement: null });
    expect(r.stdout).toContain('Attestation: UNSIGNED');
    const unsigned = await runCli(['verify'], { cwd: dir });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain('The bundle is unsigned');
    const verify = await runCli(['verify', '--allow-unsigned'], { cwd: dir });
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);
  });

  it('exits 0 when failures are below --fail-on, and 0 when everything passes', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001', 'low') });
    expect((await runCli(['run', '--fail-on', 'high'], { cwd: dir })).code).toBe(0);
    // It did fail, at low: the exit code is 0 because of --fail-on, not because nothing failed.
    const below = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    expect(below.controls.map((c: { id: string; severity: string; status: string }) => [c.id, c.severity, c.status])).toEqual([['SEC-001', 'low', 'fail']]);
    expect(below.summary.exitCode).toBe(0);
    const good = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001'), 'SECURITY.md': '# Security\nReport issues to security@example.com.\n' });
    const r = await runCli(['run'], { cwd: good });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 pass');
  });

  it('applies the renewal of an expired exception, and warns about overlapping exceptions with both lines', async () => {
    const entry = (justification: string, approvedBy: string, expires: string) =>
      `  - control: SEC-001\n    justification: ${justification}\n    approvedBy: ${approvedBy}\n    expires: ${expires}\n`;
    const dir = tempTree({
      'soc2.config.yaml': `${config}exceptions: exceptions.yaml\n`,
      'controls/SEC-001.yaml': policyControl('SEC-001'),
      'exceptions.yaml': 'exceptions:\n' +
        entry('Legal is rewriting the policy this quarter.', 'cto@example.com', '2020-01-31') +
        entry('Legal review extended; the policy lands next quarter.', 'ciso@example.com', '2999-12-31') +
        entry('Waived while the repository is being retired.', 'cto@example.com', '2998-12-31'),
    });
    const r = await runCli(['run'], { cwd: dir });
    expect(r.stderr).toBe('soc2: warning: Overlapping exceptions: exceptions.yaml:6 and exceptions.yaml:10 both cover SEC-001 for every resource (expiring 2999-12-31 and 2998-12-31); the one that expires last applies. Remove one, or narrow their resources.\n');
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    expect(results.controls[0].status).toBe('excepted');
    expect(results.controls[0].findings[0].exception).toBe('Legal review extended; the policy lands next quarter. — approved by ciso@example.com, expires 2999-12-31. Overlapping exceptions: exceptions.yaml:10 (expires 2998-12-31) also covers this; the one that expires last applies');
  });

  it('exits 2 with every located problem and no stack trace when a control is invalid, collecting nothing', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001').replace('severity:', 'severty:').replace('op: eq', 'op: equals') });
    const r = await runCli(['run'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('controls/SEC-001.yaml:4:1 severty: unknown key "severty". Did you mean "severity"?');
    expect(r.stderr).toContain('assert.all[0].op: unknown operator "equals"');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
  });

  it('exits 2 naming an unknown configuration key with its line', async () => {
    const dir = tempTree({ 'soc2.config.yaml': 'controls: { paths: [controls] }\nconcurency: 4\n', 'controls/SEC-001.yaml': policyControl('SEC-001') });
    const r = await runCli(['run'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('soc2.config.yaml:2:1 concurency: unknown key "concurency". Did you mean "concurrency"?');
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('exits 2 on a bad option value, without a stack trace', async () => {
    const dir = tempTree({});
    const r = await runCli(['run', '--fail-on', 'severe'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Allowed choices are critical, high, medium, low/);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('ends GitHub controls in error (exit 3) saying where it looked when the config has a github section but no token', async () => {
    const dir = tempTree({
      'soc2.config.yaml': 'github: { org: northwind-analytics }\ncontrols: { paths: [controls] }\n',
      'controls/SEC-001.yaml': policyControl('SEC-001'),
      'SECURITY.md': '# Security\nReport issues to security@example.com.\n',
      'controls/GHX-001.yaml': `id: GHX-001
title: Organisation requires two-factor authentication
criteria: [CC6.1]
severity: high
description: Every member of the organisation must use two-factor authentication.
rationale: A stolen password alone must not be enough to push code.
collector: github.org-settings
assert: { key: twoFactorRequirementEnabled, op: eq, value: true }
remediation: Organisation settings → Authentication security → Require two-factor authentication.
`,
    });
    const r = await runCli(['run'], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(3);
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    const gh = results.controls.find((c: { id: string }) => c.id === 'GHX-001');
    expect(gh.status).toBe('error');
    expect(gh.statusReason).toMatch(/GITHUB_TOKEN/);
    expect(gh.statusReason).toMatch(/GH_TOKEN/);
  });

  it('reports AWS and GitHub controls as not applicable, with the reason, when their sections are absent', async () => {
    const dir = tempTree({ 'SECURITY.md': '# Security\nMail security@example.com.\n' });
    const r = await runCli(['run', '--only', 'REPO-002,AWS-001,GH-001'], { cwd: dir });
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    expect(results.controls.map((c: { id: string; status: string; statusReason: string }) => [c.id, c.status, c.statusReason])).toEqual([
      ['AWS-001', 'not_applicable', 'AWS is not in scope: the configuration has no aws section.'],
      ['GH-001', 'not_applicable', 'GitHub is not in scope: the configuration has no github section.'],
      ['REPO-002', 'pass', expect.stringMatching(/^No deviations detected/)],
    ]);
    expect(results.run.scope.notInScope).toEqual([
      'AWS: the configuration has no aws section, so AWS controls are not applicable. Add an aws section (see `soc2 init`) to evaluate them.',
      'GitHub: the configuration has no github section, so GitHub controls are not applicable. Add a github section with your organisation to evaluate them.',
    ]);
    expect(r.stdout).toContain('Not in scope — AWS: the configuration has no aws section');
    expect(r.stdout).toContain('Not in scope — GitHub: the configuration has no github section');
  });

  it('tunes a built-in control from the configuration, records the change, and places each secret at its line in SARIF', async () => {
    // Split so that this test file is not itself a finding for a secret scanner.
    const key = ['AKIA', 'Z7Q2M4X9B3K8W1RT'].join('');
    const dir = tempTree({
      'soc2.config.yaml': 'controls:\n  params:\n    REPO-008: { exclude: ["build-samples/**"] }\n  severity: { REPO-008: low }\n',
      'src/settings.env': `# deploy settings\nREGION=eu-west-1\nAWS_ACCESS_KEY_ID=${key}\n`,
      'build-samples/settings.env': `AWS_ACCESS_KEY_ID=${key}\n`,
    });
    const r = await runCli(['run', '--only', 'REPO-008', '--format', 'sarif', '--fail-on', 'medium'], { cwd: dir });
    expect(r.stderr).toBe('');
    // Failing at low severity now, below the medium threshold.
    expect(r.code).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
    expect(resultsSchemaErrors(results)).toEqual([]);
    const c = results.controls[0];
    expect(c).toMatchObject({ id: 'REPO-008', status: 'fail', severity: 'low', builtin: true, params: { exclude: ['build-samples/**'] } });
    expect(c.overrides).toMatchObject({ severity: { defined: 'critical', configured: 'low' }, params: { exclude: { configured: ['build-samples/**'] } } });
    expect(c.findings[0].occurrences).toEqual([expect.objectContaining({ location: { file: 'src/settings.env', line: 3, column: expect.any(Number) } })]);
    const sarif = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: unknown }> }) => x.locations[0]!.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'src/settings.env' }, region: { startLine: 3, startColumn: 19 } },
    ]);
    expect(readFileSync(join(dir, 'soc2-report', 'report.md'), 'utf8')).toContain('**Changed by the configuration:** severity `critical` → `low`');
  });

  it('stops with exit 2 and file:line, before collecting anything, when the attestations file is malformed', async () => {
    const dir = tempTree({
      'soc2.config.yaml': `${config}attestations: attestations.yaml\n`,
      'controls/SEC-001.yaml': policyControl('SEC-001'),
      'attestations.yaml': 'attestations:\n  - control: SEC-001\n    covers: [1]\n    attestedBy: Dana Whitfield\n    attestedOn: 2026-01-15\n    validUntil: 2027-01-15\n    evidence: [{ link: https://wiki.example.com/x }]\n',
    });
    const r = await runCli(['run'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('attestations.yaml:2:14 attestations[0].control: SEC-001 is an automated control; only manual controls take attestations');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
  });

  it('records the CI job from GitHub Actions variables in results.json and every report', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001') });
    const env = cleanEnv({ GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/app', GITHUB_WORKFLOW: 'soc2', GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_SHA: 'deadbeefcafe', GITHUB_REF: 'refs/heads/main' });
    await runCli(['run', '--format', 'sarif,oscal'], { cwd: dir, env });
    const out = join(dir, 'soc2-report');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.run.provenance).toEqual({ aws: { state: 'not-in-scope' }, github: { state: 'not-in-scope' }, ci: { system: 'github-actions', repository: 'acme/app', workflow: 'soc2', runId: '42 (attempt 1)', runUrl: 'https://github.com/acme/app/actions/runs/42', commit: 'deadbeefcafe', ref: 'refs/heads/main' }, calls: [] });
    for (const f of ['report.md', 'report.html', 'junit.xml', 'results.sarif', 'assessment-results.oscal.json']) {
      // Markdown escapes the scheme's colon so that GitHub does not turn text from the environment into a link.
      expect(readFileSync(join(out, f), 'utf8'), f).toContain(f === 'report.md' ? 'https\\://github.com/acme/app/actions/runs/42' : 'https://github.com/acme/app/actions/runs/42');
    }
  });

  it('signs with the key in SOC2_SIGNING_KEY (as a CI secret, line breaks written as \\n), and a bad key stops the run before collecting (exit 2)', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001') });
    expect((await runCli(['keygen', '--out', 'ci'], { cwd: dir })).code).toBe(0);
    const pem = readFileSync(join(dir, 'ci.key'), 'utf8').trim().replace(/\n/g, '\\n');
    const r = await runCli(['run'], { cwd: dir, env: cleanEnv({ SOC2_SIGNING_KEY: pem }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Attestation: signed with key [0-9a-f]{64} \(\$SOC2_SIGNING_KEY\)/);
    const v = await runCli(['verify', '--key', 'ci.pub'], { cwd: dir });
    expect(v.stdout).toContain('Signature: valid, by the key in ci.pub');
    expect(v.code).toBe(0);
    const bad = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001') });
    const refused = await runCli(['run', '--sign', 'missing.key'], { cwd: bad });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The signing key file missing.key does not exist.');
    expect(existsSync(join(bad, 'soc2-report'))).toBe(false);
  });
});
