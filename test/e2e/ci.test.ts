import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, cleanEnv, type CliResult } from '../helpers/cli.js';
import { tempDir, tempTree } from '../helpers/tmp.js';
import { policyControl } from '../helpers/policy-control.js';

// The CI gate end to end, through bin/: `soc2 run --baseline`, `soc2 diff`, --quiet and --json, and
// what a run leaves for GitHub Actions ($GITHUB_STEP_SUMMARY and workflow-command annotations).

const config = 'controls: { paths: [controls] }\n';
const NO_STACK = /\n\s+at .+:\d+:\d+/;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const commandLines = (text: string) => text.split('\n').filter((l) => l.startsWith('::'));

describe('soc2 run --baseline (end to end, through bin/)', () => {
  it('fails only on what is new: 0 when every failure is in the baseline, 1 for a new failing control', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001') });
    expect((await runCli(['run'], { cwd: dir })).code).toBe(1);
    copyFileSync(join(dir, 'soc2-report', 'results.json'), join(dir, 'baseline.json'));

    // The previous report in place is a baseline too: it is read before the run replaces it.
    const same = await runCli(['run', '--baseline', 'soc2-report'], { cwd: dir });
    expect(same.stderr).toBe('');
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('Baseline: soc2-report/results.json: 0 new failing resources, 1 already failing in the baseline, 0 fixed, 0 controls newly in error.');
    expect(same.stdout).toContain('Exit code 0: nothing at or above --fail-on low is new since the baseline, and every control could be evaluated; 1 failing resource already in the baseline does not fail the run.');
    // results.json keeps the estate's own verdict.
    expect(readJson(join(dir, 'soc2-report', 'results.json')).summary.exitCode).toBe(1);

    writeFileSync(join(dir, 'controls', 'SEC-002.yaml'), policyControl('SEC-002', 'high'));
    const added = await runCli(['run', '--baseline', 'baseline.json'], { cwd: dir });
    expect(added.code).toBe(1);
    expect(added.stdout).toContain('Baseline: baseline.json: 1 new failing resource (1 at or above --fail-on low), 1 already failing in the baseline');
    expect(added.stdout).toContain('Exit code 1: 1 failing resource at or above --fail-on low is new since the baseline.');
    // A new failure below --fail-on does not fail the run.
    expect((await runCli(['run', '--baseline', 'baseline.json', '--fail-on', 'critical'], { cwd: dir })).code).toBe(0);
    // A baseline from the demo says little about real systems; the run says so.
    const demoBaseline = readJson(join(dir, 'baseline.json'));
    writeFileSync(join(dir, 'demo.json'), JSON.stringify({ ...demoBaseline, run: { ...demoBaseline.run, sample: true } }));
    const mixed = await runCli(['run', '--baseline', 'demo.json'], { cwd: dir });
    expect(mixed.stderr).toBe('soc2: warning: the baseline demo.json is sample data (soc2 demo) and this run is not; the comparison says little.\n');
  });

  it('exits 2 naming the baseline when it is missing or not a results file, before collecting anything', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001'), 'sarif.json': '{"version":"2.1.0","runs":[]}' });
    const missing = await runCli(['run', '--baseline', 'nightly/results.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('soc2: No such file or folder: nightly/results.json (the baseline).');
    expect(missing.stderr).not.toMatch(NO_STACK);
    const wrong = await runCli(['run', '--baseline', 'sarif.json'], { cwd: dir });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/soc2: sarif\.json is not a soc2 results file \(schemaVersion: .*\); it was given as the baseline\./);
    expect(existsSync(join(dir, 'soc2-report'))).toBe(false);
  });
});

describe('soc2 run --quiet and --json', () => {
  it('--quiet prints nothing on success or failure; --json prints exactly one object with counts, exit code and report paths', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001') });
    const quiet = await runCli(['run', '--quiet'], { cwd: dir });
    expect(quiet).toEqual({ code: 1, stdout: '', stderr: '' });

    const json = await runCli(['run', '--json', '--baseline', 'soc2-report'], { cwd: dir });
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.stdout);
    expect(summary).toMatchObject({
      tool: { name: 'soc2' },
      sample: false,
      exitCode: 0,
      resultsExitCode: 1,
      failOn: 'low',
      summary: { total: 1, pass: 0, fail: 1, error: 0 },
      reports: { directory: join(dir, 'soc2-report'), results: join(dir, 'soc2-report', 'results.json') },
      baseline: { file: join(dir, 'soc2-report', 'results.json'), newFailures: 0, alreadyFailing: 1, fixed: 0, newErrors: 0 },
    });
    for (const f of summary.reports.files) expect(existsSync(f), f).toBe(true);
    expect(summary.reports.files[0]).toBe(join(dir, 'soc2-report', 'report.html'));
  });
});

describe('soc2 run inside GitHub Actions', () => {
  it('appends its summary to $GITHUB_STEP_SUMMARY and annotates; under --json the commands go to stderr', async () => {
    const dir = tempTree({ 'soc2.config.yaml': config, 'controls/SEC-001.yaml': policyControl('SEC-001', 'high'), 'controls/SEC-002.yaml': policyControl('SEC-002', 'low') });
    const summaryFile = join(dir, 'step-summary.md');
    writeFileSync(summaryFile, '## From an earlier step\n');
    const env = cleanEnv({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile });
    const r = await runCli(['run', '--fail-on', 'high'], { cwd: dir, env });
    expect(r.code).toBe(1);
    expect(commandLines(r.stdout)).toEqual([
      expect.stringMatching(/^::error title=soc2 SEC-001 \(high\)%3A A security policy tells people how to report vulnerabilities::1 failing resource\.%0A• .*%0ATo fix: Add SECURITY\.md/),
      expect.stringMatching(/^::warning title=soc2 SEC-002 \(low\)%3A /),
    ]);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary.startsWith('## From an earlier step\n\n## soc2: 2 controls failing, 0 in error, 0 passing\n')).toBe(true);
    expect(summary).toContain('**Exit code 1: at least one control fails at or above --fail-on high.**');
    expect(summary).toContain('| `SEC-001` ⛔ | high |');

    const json = await runCli(['run', '--fail-on', 'high', '--json', '--out', 'again'], { cwd: dir, env });
    expect(JSON.parse(json.stdout).exitCode).toBe(1); // stdout is the object alone
    expect(commandLines(json.stderr)).toHaveLength(2);
    expect(readFileSync(summaryFile, 'utf8').match(/^## soc2: /gm)).toHaveLength(2); // appended again, nothing lost
  });
});

describe('soc2 diff (end to end)', () => {
  it('exits 2 naming the file that is missing or not a results file', async () => {
    const dir = tempTree({ 'a.json': '[]' });
    const r = await runCli(['diff', 'a.json', 'b'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('soc2: a.json is not a soc2 results file');
    expect(r.stderr).toContain('it was given as the old run');
    const missing = await runCli(['diff', 'soc2-report', 'soc2-report'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('soc2: No such file or folder: soc2-report (the old run).');
    expect((await runCli(['diff', 'a.json', 'a.json', '--format', 'yaml'], { cwd: dir })).code).toBe(2);
  });
});

describe('the CI gate against the sample estate (soc2 demo)', () => {
  let dir: string;
  let base: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    dir = tempDir();
    const r = await runCli(['demo', '--strict-exit', '--quiet', '--out', 'base'], { cwd: dir });
    expect(r.code).toBe(1);
    base = readJson(join(dir, 'base', 'results.json'));
    // An older state of the estate: data-pipeline's default branch was protected, GH-028 did not exist.
    const old = structuredClone(base);
    const gh002 = old.controls.find((c: { id: string }) => c.id === 'GH-002');
    gh002.findings = gh002.findings.filter((f: { resource: string; status: string }) => !(f.resource === 'northwind-analytics/data-pipeline' && f.status === 'fail'));
    // data-pipeline was GH-002's only failing repository, so in that older state the control passed.
    if (!gh002.findings.some((f: { status: string }) => f.status === 'fail')) gh002.status = 'pass';
    old.controls = old.controls.filter((c: { id: string }) => c.id !== 'GH-028');
    writeFileSync(join(dir, 'old.json'), JSON.stringify(old));
  }, 90_000);

  it('fails the step on the new failures only, with at most 10 annotations of a kind and the job summary naming them', async () => {
    const summaryFile = join(dir, 'summary.md');
    const r: CliResult = await runCli(['demo', '--strict-exit', '--baseline', 'old.json', '--out', 'gated'], { cwd: dir, env: cleanEnv({ GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile }) });
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.code).toBe(1);
    const commands = commandLines(r.stdout);
    const errors = commands.filter((l) => l.startsWith('::error'));
    const warnings = commands.filter((l) => l.startsWith('::warning'));
    expect(errors).toHaveLength(10);
    expect(warnings).toHaveLength(10);
    // The new failures come first; the rest of the errors are controls that could not be evaluated.
    expect(errors[0]).toMatch(/^::error title=soc2 GH-002 \(critical\)%3A [^:]*::1 failing resource \(all new since the baseline\)\.%0A• new: northwind-analytics\/data-pipeline: /);
    expect(errors[1]).toMatch(/^::error title=soc2 GH-028 \(high\)%3A .*\(all new since the baseline\)/);
    expect(errors[9]).toMatch(/^::error title=soc2%3A \d+ more errors not annotated::GitHub shows 10 error annotations per step\. Also: AWS-\d+/);
    expect(warnings[9]).toMatch(/^::warning title=soc2%3A \d+ more warnings not annotated::/);
    expect(warnings[0]).toMatch(/, as in the baseline\./);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary).toContain('SAMPLE DATA');
    expect(summary).toContain('### New since the baseline');
    expect(summary).toContain('| `GH-002` | critical | northwind-analytics/data-pipeline |');
    expect(summary).toMatch(/\*\*Baseline\*\* `old\.json`: 7 new failing resources \(7 at or above --fail-on low\), \d+ already failing in the baseline/);
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024);

    const diff = await runCli(['diff', 'old.json', 'gated', '--format', 'json'], { cwd: dir });
    expect(diff.code).toBe(0);
    const d = JSON.parse(diff.stdout);
    expect(d.summary).toMatchObject({ newFailures: 7, fixed: 0, notChecked: 0, newErrors: 0 });
    expect(d.newFailures.map((f: { controlId: string; resource: string }) => `${f.controlId} ${f.resource}`)).toContain('GH-002 northwind-analytics/data-pipeline');
    expect(d.controls.find((c: { id: string }) => c.id === 'GH-028')).toMatchObject({ old: null, new: 'fail', newFailures: 6 });
    const md = await runCli(['diff', 'old.json', 'gated', '--format', 'markdown'], { cwd: dir });
    expect(md.stdout).toContain('| `GH-028` | high | northwind-analytics/billing-service#331 | northwind-analytics/billing-service#331 “&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀”');
  }, 90_000);

  it('still exits 3 when nothing is new but controls are in error, and says they were in error before', async () => {
    const r = await runCli(['demo', '--strict-exit', '--baseline', 'base', '--json', '--out', 'same'], { cwd: dir });
    expect(r.code).toBe(3);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ sample: true, exitCode: 3, resultsExitCode: 1, baseline: { newFailures: 0, newErrors: 0, fixed: 0 } });
    expect(summary.baseline.stillErroring).toBe(base.summary.error);
    const text = await runCli(['demo', '--strict-exit', '--baseline', 'base', '--out', 'same'], { cwd: dir });
    expect(text.stdout).toContain(`Exit code 3: nothing at or above --fail-on low is new since the baseline, but some controls could not be evaluated completely (${base.summary.error} of the ${base.summary.error} controls in error were already in error in the baseline)`);
  }, 90_000);
});
