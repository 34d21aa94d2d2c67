import { describe, expect, it } from 'vitest';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readResults, type ControlResult, type Results } from '../../../src/results.js';
import { packageRoot } from '../../../src/paths.js';
import { tempDir } from '../../helpers/tmp.js';
import { gateOnBaseline, baselineExitNote } from '../../../src/ci/baseline.js';
import { viewOfResults } from '../../../src/ci/results-reader.js';
import { controlAnnotations, publishToGitHubActions } from '../../../src/ci/github-actions.js';
import { appendStepSummary, stepSummaryMarkdown, STEP_SUMMARY_LIMIT_BYTES } from '../../../src/ci/step-summary.js';
import type { RunOutcome } from '../../../src/ci/run-outcome.js';

const base = readResults(JSON.parse(readFileSync(join(packageRoot, 'test/fixtures/results/sample.json'), 'utf8')));
const template = base.controls.find((c) => c.id === 'GH-002')!;

function ctl(id: string, status: ControlResult['status'], severity: ControlResult['severity'], fails: string[] = [], extra: Partial<ControlResult> = {}): ControlResult {
  return {
    ...template, id, title: `${id} title`, status, severity, statusReason: `${id} ${status}`, incomplete: undefined,
    findings: fails.map((r) => ({ resource: r, status: 'fail' as const, message: `${r}: fails ${id}.` })),
    ...extra,
  };
}
function results(controls: ControlResult[], failOn: Results['run']['failOn'] = 'high', exitCode = 1): Results {
  return { ...base, run: { ...base.run, failOn, sample: false }, summary: { ...base.summary, exitCode }, controls };
}
const outcome = (r: Results, extra: Partial<RunOutcome> = {}): RunOutcome => ({ results: r, exitCode: r.summary.exitCode, reportDir: 'soc2-report', files: ['soc2-report/report.html', 'soc2-report/report.md'], ...extra });

describe('ci/baseline', () => {
  const old = results([ctl('GH-002', 'fail', 'high', ['acme/api']), ctl('AWS-001', 'error', 'medium'), ctl('REPO-003', 'fail', 'low', ['ci.yml'])]);

  it('exits 1 only for a failure that is new and at or above --fail-on, counting a new resource in a failing control', () => {
    const now = results([ctl('GH-002', 'fail', 'high', ['acme/api', 'acme/web']), ctl('AWS-001', 'pass', 'medium'), ctl('REPO-003', 'fail', 'low', ['ci.yml', 'release.yml'])]);
    const gate = gateOnBaseline(now, viewOfResults(old, 'old.json'), 'high');
    expect(gate.exitCode).toBe(1);
    expect(gate.gating.map((f) => `${f.controlId} ${f.resource}`)).toEqual(['GH-002 acme/web']);
    expect(gate.diff.newFailures).toHaveLength(2); // release.yml is new too, but below the threshold
    expect(baselineExitNote(gate)).toBe('Exit code 1: 1 failing resource at or above --fail-on high is new since the baseline.');
  });

  it('exits 0 when every failure was already in the baseline, and says so', () => {
    const now = results([ctl('GH-002', 'fail', 'high', ['acme/api']), ctl('AWS-001', 'pass', 'medium'), ctl('REPO-003', 'fail', 'low', ['ci.yml', 'release.yml'])]);
    const gate = gateOnBaseline(now, viewOfResults(old, 'old.json'), 'high');
    expect(gate.exitCode).toBe(0);
    expect(baselineExitNote(gate)).toBe('Exit code 0: nothing at or above --fail-on high is new since the baseline, and every control could be evaluated; 2 failing resources already in the baseline do not fail the run.');
  });

  it('still exits 3 for a control in error, even one already in error in the baseline, and for incomplete old failures', () => {
    const stillError = gateOnBaseline(results([ctl('GH-002', 'fail', 'high', ['acme/api']), ctl('AWS-001', 'error', 'medium')]), viewOfResults(old, 'old.json'), 'high');
    expect(stillError.exitCode).toBe(3);
    expect(baselineExitNote(stillError)).toMatch(/^Exit code 3: .*\(1 of the 1 control in error was already in error in the baseline\)/);
    const incomplete = gateOnBaseline(results([ctl('GH-002', 'fail', 'high', ['acme/api'], { incomplete: true })]), viewOfResults(old, 'old.json'), 'high');
    expect(incomplete.exitCode).toBe(3);
  });
});

describe('ci/github-actions', () => {
  const r = results([
    ctl('REPO-003', 'fail', 'low', ['ci.yml']),
    ctl('GH-002', 'fail', 'high', ['acme/api', 'acme/web', 'acme/docs', 'acme/x']),
    ctl('AWS-001', 'error', 'medium'),
    ctl('GH-010', 'excepted', 'high'),
    ctl('POL-001', 'manual', 'high'),
  ]);

  it('annotates what decides the exit code as errors and other failures as warnings, most important first', () => {
    const a = controlAnnotations(outcome(r));
    expect(a.map((x) => [x.level, x.subject])).toEqual([['error', 'GH-002'], ['error', 'AWS-001'], ['warning', 'REPO-003']]);
    expect(a[0]!.title).toBe('soc2 GH-002 (high): GH-002 title');
    expect(a[0]!.message.split('\n')).toEqual([
      '4 failing resources.', '• acme/api: fails GH-002.', '• acme/web: fails GH-002.', '• acme/docs: fails GH-002.', '… and 1 more in soc2-report/report.md.', expect.stringMatching(/^To fix: /),
    ]);
    expect(a[1]!.title).toBe('soc2 AWS-001 (medium) could not be evaluated: AWS-001 title');
  });

  it('with a baseline, annotates only new failures as errors and lists them first', () => {
    const old = results([ctl('GH-002', 'fail', 'high', ['acme/api', 'acme/web', 'acme/docs']), ctl('REPO-003', 'fail', 'low', ['ci.yml'])]);
    const gate = gateOnBaseline(r, viewOfResults(old, 'old.json'), 'high');
    const a = controlAnnotations(outcome(r, { gate, exitCode: gate.exitCode }));
    expect(a[0]!.message.split('\n').slice(0, 2)).toEqual(['4 failing resources (1 new since the baseline).', '• new: acme/x: fails GH-002.']);
    expect(a.find((x) => x.subject === 'REPO-003')!.message).toMatch(/^1 failing resource, as in the baseline\./);
    const allOld = gateOnBaseline(r, viewOfResults(r, 'same.json'), 'high');
    expect(controlAnnotations(outcome(r, { gate: allOld })).find((x) => x.subject === 'GH-002')!.level).toBe('warning');
  });

  it('appends the summary to the step summary file and writes the annotations; under --quiet only errors', () => {
    const dir = tempDir();
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# Earlier step\n');
    const commands: string[] = [];
    const warnings: string[] = [];
    publishToGitHubActions(outcome(r), { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file }, quiet: false, commands: (t) => commands.push(t), warn: (m) => warnings.push(m) });
    const written = readFileSync(file, 'utf8');
    expect(written).toMatch(/^# Earlier step\n\n## soc2: 3 controls failing, 1 in error, 2 passing\n/); // counts from results.summary
    expect(written).toContain('| `GH-002` ⛔ | high | GH-002 title | 4 | acme/api, acme/web, acme/docs, … |');
    expect(commands.join('').split('\n').filter(Boolean).map((l) => l.slice(0, 20))).toEqual(['::error title=soc2 G', '::error title=soc2 A', '::warning title=soc2']);
    expect(warnings).toEqual([]);
    const quiet: string[] = [];
    publishToGitHubActions(outcome(r), { env: { GITHUB_ACTIONS: 'true' }, quiet: true, commands: (t) => quiet.push(t), warn: () => {} });
    expect(quiet.join('')).not.toContain('::warning');
    expect(quiet.join('').match(/^::error/gm)).toHaveLength(2);
  });

  it('turns a step summary it cannot write into a warning, never through a symbolic link', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'elsewhere.md'), 'untouched\n');
    symlinkSync(join(dir, 'elsewhere.md'), join(dir, 'summary.md'));
    const warnings: string[] = [];
    publishToGitHubActions(outcome(r), { env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md') }, quiet: false, commands: () => {}, warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/^could not append to the job summary \(\$GITHUB_STEP_SUMMARY=.*summary\.md\): .*ELOOP.*The report is soc2-report\/report\.md\.$/)]);
    expect(readFileSync(join(dir, 'elsewhere.md'), 'utf8')).toBe('untouched\n');
  });

  it('escapes API text in the step summary so it stays inside its table cell', () => {
    const md = stepSummaryMarkdown(outcome(results([ctl('GH-028', 'fail', 'high', ['acme/api#7 | <img src=x onerror=alert(1)>\n## injected'])])));
    const row = md.split('\n').find((l) => l.startsWith('| `GH-028`'))!;
    expect(row).toContain('acme/api#7 \\| &lt;img src=x onerror=alert(1)&gt;<br>## injected');
    expect(md).not.toMatch(/^## injected/m);
  });
});

describe('ci/step-summary appendStepSummary', () => {
  it('appends within GitHub\'s 1 MiB, counting what earlier steps wrote, and cuts at a line with a note', () => {
    const dir = tempDir();
    const file = join(dir, 'summary.md');
    const earlier = 'x'.repeat(100_000) + '\n';
    writeFileSync(file, earlier);
    const line = `| row | ${'é'.repeat(60)} |\n`; // two-byte characters: the cut must not split one
    const big = line.repeat(Math.ceil((2 * STEP_SUMMARY_LIMIT_BYTES) / Buffer.byteLength(line)));
    const res = appendStepSummary(file, big, { rest: 'The full report is soc2-report/report.md.' });
    expect(res.truncated).toBe(true);
    const bytes = readFileSync(file);
    expect(bytes.length).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(bytes.length).toBeGreaterThan(STEP_SUMMARY_LIMIT_BYTES - Buffer.byteLength(line) - 200);
    const text = bytes.toString('utf8');
    expect(text.startsWith(earlier)).toBe(true);
    expect(text).not.toContain('\ufffd');
    expect(text.endsWith('\n> **Truncated**: GitHub shows at most 1 MiB of step summary. The full report is soc2-report/report.md.\n')).toBe(true);
    const lines = text.split('\n');
    expect(lines.slice(1, -3).every((l) => l === '' || l === line.trimEnd())).toBe(true);
  });

  it('writes everything when it fits, and nothing when not even the note fits', () => {
    const dir = tempDir();
    const file = join(dir, 'summary.md');
    expect(appendStepSummary(file, '## hello', { rest: 'r', limitBytes: 1000 })).toEqual({ written: 11, truncated: false });
    expect(readFileSync(file, 'utf8')).toBe('\n## hello\n\n');
    writeFileSync(file, 'y'.repeat(990));
    expect(appendStepSummary(file, 'z'.repeat(100), { rest: 'r', limitBytes: 1000 })).toEqual({ written: 0, truncated: true });
    expect(readFileSync(file, 'utf8')).toBe('y'.repeat(990));
  });
});
