import { describe, expect, it, beforeAll } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { sampleAwsKeyId } from '../../src/sandbox/estate/sample-repo.js';
import { DEMO_TOKENS } from '../../src/sandbox/estate/github.js';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? allFiles(join(dir, f)) : [join(dir, f)]));
}

describe('soc2 demo (the README quick start)', () => {
  let dir: string;
  let out: string;
  let run: CliResult;
  let results: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    dir = tempDir();
    run = await runCli(['demo', '--strict-exit', '--out', 'report'], { cwd: dir });
    out = join(dir, 'report');
    results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  }, 60_000);

  it('runs the whole pipeline against the sample estate and exits with the real code under --strict-exit', () => {
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.code).toBe(1);
    expect(resultsSchemaErrors(results)).toEqual([]);
    expect(results.run.sample).toBe(true);
    // The sample estate's seeded problems, control by control; this moves only when the library or the estate does.
    expect(results.summary).toEqual({ total: 85, pass: 12, fail: 41, error: 19, excepted: 0, manual: 12, attested: 1, not_applicable: 0, exitCode: 1 });
  });

  it('shows manual evidence both ways: MAN-001 attested with its files in the bundle, MAN-008 manual saying what expired and what is missing', () => {
    const c = (id: string) => results.controls.find((x: { id: string }) => x.id === id);
    expect(c('MAN-001').status).toBe('attested');
    expect(results.summary.attested).toBe(1);
    const files = c('MAN-001').manualEvidence.attestations.flatMap((a: { evidence: Array<{ kind: string; file?: string }> }) => a.evidence.filter((e) => e.kind === 'file').map((e) => e.file));
    expect(files).toHaveLength(2);
    for (const f of files) expect(statSync(join(out, f)).isFile()).toBe(true);
    expect(c('MAN-008').status).toBe('manual');
    expect(c('MAN-008').manualEvidence.requirements.map((r: { state: string }) => r.state)).toEqual(['expired', 'covered', 'missing']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('1. ☒ **expired** — The incident response plan, with approval date.');
    // A person's word is never an automated pass: the exit code and the pass count are what they were.
    expect(results.summary.pass).toBe(results.controls.filter((x: { status: string }) => x.status === 'pass').length);
  });

  it('exits 0 without --strict-exit so `npm run demo` succeeds, and says what a real run would return', async () => {
    const again = await runCli(['demo', '--out', 'report2'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('A real run would exit 1');
  });

  it('finds the seeded problems in all three sources, through the real clients', () => {
    const status = (id: string) => results.controls.find((c: { id: string }) => c.id === id);
    expect(status('REPO-008').status).toBe('fail'); // committed secrets in the sample checkout
    expect(status('GH-002').findings.some((f: { resource: string; status: string }) => f.resource === 'northwind-analytics/data-pipeline' && f.status === 'fail')).toBe(true);
    expect(status('AWS-002').status).toBe('fail'); // root user without MFA
    expect(status('AWS-001').findings.some((f: { region?: string; status: string }) => f.region === 'eu-west-1' && f.status === 'fail')).toBe(true);
  });

  it('fails every control with a known deviation, even beside the stopped recorder region, and shows what it could not read', () => {
    type C = { id: string; status: string; incomplete?: boolean; statusReason: string; findings: Array<{ status: string }> };
    const controls = results.controls as C[];
    const withDeviation = controls.filter((c) => c.findings.some((f) => f.status === 'fail'));
    expect(withDeviation.filter((c) => c.status !== 'fail').map((c) => c.id)).toEqual([]);
    // eu-west-1's recorder is stopped: these fail (AWS-017: SSH open in us-west-2, a rule named restricted-ssh; AWS-029 and
    // AWS-031: a fixed-capacity table and a detached volume in us-east-1) on what the trusted regions show, and say the rest is incomplete.
    const incompleteFailures = controls.filter((c) => c.status === 'fail' && c.incomplete).map((c) => c.id).sort();
    expect(incompleteFailures).toEqual(['AWS-009', 'AWS-012', 'AWS-015', 'AWS-017', 'AWS-019', 'AWS-029', 'AWS-031']);
    const aws019 = controls.find((c) => c.id === 'AWS-019')!;
    expect(aws019.statusReason).toMatch(/^1 of 17 resources fails: nw-analytics-exports .* The evidence is also incomplete, so more may fail: AWS Config is not recording in eu-west-1 \(recorder stopped\)/);
    // Without a known deviation, the stopped region leaves the control in error, never passing.
    expect(controls.find((c) => c.id === 'AWS-010')).toMatchObject({ status: 'error', incomplete: true });
    expect(run.stdout).toMatch(/\d+ fail \(7 on incomplete evidence\)/);
  });

  it('gives automated evidence for capacity, control monitoring, disposal, recovery and continuity, each beside a manual control', () => {
    type Crit = { id: string; controls: string[] };
    const automated = new Set((results.controls as Array<{ id: string; type: string }>).filter((c) => c.type === 'automated').map((c) => c.id));
    const coverage = new Map((results.criteria as Crit[]).map((c) => [c.id, c.controls]));
    const expected: Record<string, string[]> = {
      'A1.1': ['AWS-029', 'MAN-013'], 'A1.3': ['AWS-033', 'MAN-009'], 'CC4.1': ['AWS-030', 'MAN-006'],
      'CC6.5': ['AWS-031', 'MAN-011'], 'CC7.5': ['AWS-032', 'AWS-033', 'MAN-009'], 'CC9.1': ['AWS-034', 'MAN-005'],
    };
    for (const [criterion, ids] of Object.entries(expected)) expect(coverage.get(criterion), criterion).toEqual(expect.arrayContaining(ids));
    expect([...coverage].filter(([, ids]) => ids.some((id) => automated.has(id))).map(([id]) => id)).toHaveLength(26);
    type F = { resource: string; status: string; message: string };
    const failing = (id: string) => (results.controls.find((c: { id: string }) => c.id === id).findings as F[]).filter((f) => f.status === 'fail');
    expect(failing('AWS-029').map((f) => f.resource)).toEqual(['nw-sessions']);
    expect(failing('AWS-029')[0]!.message).toContain('dynamodb-autoscaling-enabled');
    expect(failing('AWS-031').map((f) => f.resource)).toEqual(['vol-0c9e2f4a6b8d0e1f2']);
  });

  it('judges the collected facts by the controls\' thresholds, naming what is late, and records GitHub calls by host and a query\'s cost as its cost', () => {
    type F = { resource: string; status: string; message: string };
    const control = (id: string) => results.controls.find((c: { id: string }) => c.id === id) as { status: string; findings: F[]; evidence: string[] };
    const message = (id: string, resource: string) => control(id).findings.find((f) => f.resource === resource)?.message;
    expect(message('GH-024', 'northwind-analytics/data-pipeline')).toMatch(/^northwind-analytics\/data-pipeline: critical alerts open longer than 7 days: 2 — Dependabot #3 critical apache-airflow .* opened 2026-01-05, Dependabot #5 /);
    expect(message('GH-017', 'northwind-analytics/data-pipeline')).toBe('northwind-analytics/data-pipeline: deploy keys older than 365 days: 1 — “airflow deploy (write)” added 2024-03-01; required: none.');
    expect(message('GH-015', 'northwind-analytics/web-app')).toBe('northwind-analytics/web-app: outside collaborators who can push: 1 — design-agency (write); required: none.');
    // results.json 2.0.0: the control names its evidence file; the run's evidence list describes it.
    const calls = (results.evidence as Array<{ file: string; calls: Array<Record<string, unknown>> }>).find((e) => e.file === control('GH-024').evidence[0])!.calls;
    const graphql = calls.filter((c) => c['source'] === 'github-graphql');
    expect(graphql.length).toBeGreaterThan(0);
    for (const c of graphql) expect(c).not.toHaveProperty('items');
    expect(graphql.some((c) => typeof c['cost'] === 'number')).toBe(true);
    for (const c of calls.filter((x) => String(x['source']).startsWith('github-'))) expect(c).toMatchObject({ host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    for (const c of calls.filter((x) => String(x['source']).startsWith('github-'))) expect(c).not.toHaveProperty('region');
  });

  it('says plainly in every report that it is sample data', () => {
    expect(run.stdout).toContain('SAMPLE DATA');
    for (const f of ['report.md', 'report.html', 'junit.xml', 'results.sarif']) {
      expect(readFileSync(join(out, f), 'utf8'), f).toMatch(/SAMPLE DATA/i);
    }
  });

  it('carries a pull request title with HTML and unicode into the reports as text, never as markup', () => {
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀');
    expect(html).not.toContain('<script>alert(1)</script>');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀');
    expect(md).not.toContain('<script>alert(1)</script>');
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀');
    expect(run.stdout).toContain('<script>alert(1)</script> Füße 🚀'); // a terminal shows text as it is
    expect(JSON.stringify(results)).toContain('<script>alert(1)</script> Füße 🚀');
  });

  it('writes no secret value into any file: not the committed key, not the token', () => {
    const key = sampleAwsKeyId();
    for (const f of allFiles(out)) {
      const text = readFileSync(f, 'utf8');
      expect(text.includes(key), f).toBe(false);
      expect(text.includes(DEMO_TOKENS.owner), f).toBe(false);
    }
  });

  it('writes an attestation that verifies (unsigned, so only with --allow-unsigned), and detects an edited evidence file', async () => {
    expect((await runCli(['verify', 'report', '--allow-unsigned'], { cwd: dir })).code).toBe(0);
    const evidence = results.controls.find((c: { id: string }) => c.id === 'GH-002').evidence[0];
    const file = join(out, evidence);
    const { writeFileSync } = await import('node:fs');
    const before = readFileSync(file, 'utf8');
    expect(before).toContain('"protected":false'); // JSON Lines: one resource per line, no spaces
    writeFileSync(file, before.replace('"protected":false', '"protected":true'));
    const tampered = await runCli(['verify', 'report', '--allow-unsigned'], { cwd: dir });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`${evidence}: contents changed since the run`);
  });
});
