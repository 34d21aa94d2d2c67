import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { diffResults, resourceLabel } from '../../../src/ci/results-diff.js';
import { readResultsView, type ControlView, type ResultsView } from '../../../src/ci/results-reader.js';
import { diffJson, renderDiffMarkdown, renderDiffText } from '../../../src/ci/diff-render.js';
import { tempDir } from '../../helpers/tmp.js';
import { Chalk } from 'chalk';
import { packageRoot } from '../../../src/paths.js';
import { UsageError } from '../../../src/errors.js';

type F = [resource: string, status: string, extra?: { region?: string; account?: string; message?: string }];
function ctl(id: string, status: string, findings: F[] = [], extra: Partial<ControlView> = {}): ControlView {
  return {
    id, title: `${id} title`, severity: 'high', status, statusReason: `${id}: ${status}`,
    findings: findings.map(([resource, s, x]) => ({ resource, status: s, message: x?.message ?? `${resource}: ${s}`, ...(x?.region ? { region: x.region } : {}), ...(x?.account ? { account: x.account } : {}) })),
    ...extra,
  };
}
const run = (...controls: ControlView[]): ResultsView => ({ shown: 'r.json', sample: false, controls });
const keys = (list: Array<{ controlId: string; resource: string | null }>) => list.map((f) => `${f.controlId} ${f.resource ?? '*'}`);

describe('ci/results-diff', () => {
  it('tells new, still failing and fixed apart by control id and resource', () => {
    const d = diffResults(
      run(ctl('GH-002', 'fail', [['acme/api', 'fail'], ['acme/web', 'fail'], ['acme/docs', 'pass']]), ctl('GH-003', 'pass', [['acme/api', 'pass']])),
      run(ctl('GH-002', 'fail', [['acme/api', 'fail'], ['acme/web', 'pass'], ['acme/docs', 'fail']]), ctl('GH-003', 'fail', [['acme/api', 'fail']])),
    );
    expect(keys(d.newFailures)).toEqual(['GH-002 acme/docs', 'GH-003 acme/api']);
    expect(keys(d.stillFailing)).toEqual(['GH-002 acme/api']);
    expect(keys(d.fixed)).toEqual(['GH-002 acme/web']);
    expect(d.fixed[0]!.now).toBe('passes');
    expect(d.controls.map((c) => [c.id, c.old, c.new, c.newFailures, c.fixed, c.stillFailing])).toEqual([['GH-002', 'fail', 'fail', 1, 1, 1], ['GH-003', 'pass', 'fail', 1, 0, 0]]);
  });

  it('keeps the same resource name in two regions or accounts apart, and joins the checks one resource fails', () => {
    const d = diffResults(
      run(ctl('AWS-010', 'fail', [['logs', 'fail', { region: 'us-east-1', account: '1' }], ['logs', 'fail', { region: 'us-east-1', account: '1', message: 'second rule' }]])),
      run(ctl('AWS-010', 'fail', [['logs', 'fail', { region: 'us-east-1', account: '1' }], ['logs', 'fail', { region: 'eu-west-1', account: '1' }]])),
    );
    expect(d.stillFailing).toHaveLength(1);
    expect(d.newFailures.map(resourceLabel)).toEqual(['logs (eu-west-1, account 1)']);
    expect(d.fixed).toEqual([]);
  });

  it('never calls a failure fixed when the new run could not check it', () => {
    const old = run(
      ctl('A-1', 'fail', [['x', 'fail']]),
      ctl('A-2', 'fail', [['x', 'fail']]),
      ctl('A-3', 'fail', [['x', 'fail']]),
      ctl('A-4', 'fail', [['x', 'fail'], ['y', 'fail']]),
      ctl('A-5', 'fail', [['x', 'fail']]),
    );
    const d = diffResults(old, run(
      ctl('A-1', 'error'), // could not be evaluated
      ctl('A-2', 'fail', [['x', 'error'], ['z', 'fail']]), // the resource could not be read
      ctl('A-3', 'fail', [['z', 'fail']], { incomplete: true }), // absent from incomplete evidence
      ctl('A-4', 'fail', [['x', 'fail']]), // y is absent from complete evidence: gone, so fixed
      // A-5 is not in the new run at all
    ));
    expect(d.notChecked.map((n) => [n.controlId, n.resource, n.why])).toEqual([
      ['A-1', 'x', 'the control could not be evaluated: A-1: error'],
      ['A-2', 'x', 'the resource could not be read in the new run'],
      ['A-3', 'x', 'it is not in the new evidence, which is incomplete'],
      ['A-5', 'x', 'the control is not in the new run'],
    ]);
    expect(keys(d.fixed)).toEqual(['A-4 y']);
    expect(d.controls.find((c) => c.id === 'A-5')).toMatchObject({ old: 'fail', new: null, notChecked: 1 });
  });

  it('says how a fixed failure stopped failing: an exception, or no longer applicable', () => {
    const d = diffResults(
      run(ctl('A-1', 'fail', [['x', 'fail']]), ctl('A-2', 'fail', [['x', 'fail']])),
      run(ctl('A-1', 'excepted', [['x', 'excepted']]), ctl('A-2', 'not_applicable')),
    );
    expect(d.fixed.map((f) => [f.controlId, f.now])).toEqual([['A-1', 'excepted'], ['A-2', 'not_applicable']]);
  });

  it('reports controls newly in error and still in error, and a control failing as a whole by its id', () => {
    const d = diffResults(
      run(ctl('A-1', 'pass'), ctl('A-2', 'error'), ctl('A-3', 'fail')),
      run(ctl('A-1', 'error'), ctl('A-2', 'error'), ctl('A-3', 'fail'), ctl('A-4', 'error'), ctl('A-5', 'fail')),
    );
    expect(d.newErrors.map((e) => e.controlId)).toEqual(['A-1', 'A-4']);
    expect(d.stillErroring.map((e) => e.controlId)).toEqual(['A-2']);
    expect(keys(d.stillFailing)).toEqual(['A-3 *']);
    expect(keys(d.newFailures)).toEqual(['A-5 *']);
    expect(resourceLabel(d.newFailures[0]!)).toBe('(the control as a whole)');
  });

  it('orders every list by severity, then control id, then resource', () => {
    const d = diffResults(run(), run(
      ctl('B-1', 'fail', [['b', 'fail'], ['a', 'fail']], { severity: 'low' }),
      ctl('C-1', 'fail', [['z', 'fail']], { severity: 'critical' }),
      ctl('A-1', 'fail', [['z', 'fail']], { severity: 'low' }),
    ));
    expect(keys(d.newFailures)).toEqual(['C-1 z', 'A-1 z', 'B-1 a', 'B-1 b']);
  });

  it('renders text, Markdown and JSON; API text cannot break out of a Markdown table or rewrite the terminal', () => {
    const d = diffResults(run(), run(ctl('GH-028', 'fail', [['acme/api#7', 'fail', { message: 'acme/api#7 “a | b <script>\n::add-mask::x\u001b[2J”: not approved.' }]])));
    const md = renderDiffMarkdown(d);
    const rowLine = md.split('\n').find((l) => l.startsWith('| `GH-028`'))!;
    expect(rowLine).toContain('“a \\| b &lt;script&gt; ::add-mask::x\ufffd\\[2J”');
    expect(rowLine.split(/(?<!\\)\|/)).toHaveLength(6); // four cells: the pipe from the API is escaped
    const text = renderDiffText(d, new Chalk({ level: 0 }));
    expect(text).toContain('• acme/api#7 “a | b <script> ::add-mask::x\ufffd[2J”: not approved.');
    expect(text.split('\n').some((l) => l.startsWith('::'))).toBe(false);
    const json = diffJson(d);
    expect(json).toMatchObject({ kind: 'soc2-diff', version: 1, summary: { newFailures: 1, fixed: 0, stillFailing: 0, notChecked: 0, newErrors: 0, stillErroring: 0 } });
    expect(json.newFailures[0]).toEqual({ controlId: 'GH-028', title: 'GH-028 title', severity: 'high', resource: 'acme/api#7', messages: [expect.stringContaining('not approved')] });
    expect(text).toMatch(/Summary: 1 new failure · 0 fixed · 0 still failing/);
  });
});

describe('ci/results-reader', () => {
  it('reads the fixture results.json, a report folder, and results from other schema versions with fields it does not know', () => {
    const dir = tempDir();
    const sample = JSON.parse(readFileSync(join(packageRoot, 'test/fixtures/results/sample.json'), 'utf8'));
    mkdirSync(join(dir, 'report'));
    writeFileSync(join(dir, 'report', 'results.json'), JSON.stringify(sample));
    const view = readResultsView('report', dir);
    expect(view.shown).toBe(join('report', 'results.json'));
    expect(view.controls.map((c) => c.id)).toContain('GH-002');
    expect(view.runId).toBe(sample.run.id);
    // A later schema: passing findings are counts, new fields everywhere, a status this version does not know.
    const later = { schemaVersion: '2.0.0', tool: { name: 'soc2', version: '9.0.0' }, run: { id: 'r2', streamed: true }, controls: [
      { id: 'GH-002', title: 'T', severity: 'high', status: 'fail', passing: 41, findings: [{ resource: 'acme/api', status: 'fail', message: 'm', extra: 1 }, { resource: 'acme/x', status: 'deferred', message: 'm' }] },
      { id: 'GH-003', status: 'pass', counts: { pass: 12 } },
    ] };
    writeFileSync(join(dir, 'later.json'), JSON.stringify(later));
    const d = diffResults(readResultsView('report', dir), readResultsView('later.json', dir));
    expect(d.stillFailing.map((f) => f.resource)).toEqual(['acme/api']);
    expect(d.new.runId).toBe('r2');
  });

  it('refuses, with exit 2 and the file named, what is not a soc2 results file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{"schemaVersion": ');
    writeFileSync(join(dir, 'sarif.json'), JSON.stringify({ version: '2.1.0', runs: [] }));
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ schemaVersion: '1.0.0', tool: { name: 'prowler' }, controls: [] }));
    writeFileSync(join(dir, 'bad-control.json'), JSON.stringify({ schemaVersion: '1.0.0', controls: [{ id: 7, status: 'fail' }] }));
    mkdirSync(join(dir, 'empty'));
    const err = (p: string) => {
      try {
        readResultsView(p, dir, 'baseline');
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as UsageError).exitCode).toBe(2);
        return (e as Error).message;
      }
      throw new Error(`${p} was accepted`);
    };
    expect(err('missing.json')).toBe('No such file or folder: missing.json (the baseline).');
    expect(err('empty')).toBe('empty is a folder without a results.json (the baseline).');
    expect(err('broken.json')).toMatch(/^broken\.json is not valid JSON \(.+\); it was given as the baseline\.$/);
    expect(err('sarif.json')).toMatch(/^sarif\.json is not a soc2 results file \(schemaVersion: .+\); it was given as the baseline\.$/);
    expect(err('other.json')).toBe('other.json was written by prowler, not soc2; it was given as the baseline.');
    expect(err('bad-control.json')).toMatch(/^bad-control\.json is not a soc2 results file \(controls\.0\.id: /);
  });

  it('refuses a baseline that is not UTF-8 text, or not a regular file, with exit 2 naming it', () => {
    const dir = tempDir();
    // A valid results file but for one byte that is not UTF-8 (it used to become U+FFFD and compare).
    const valid = Buffer.from(JSON.stringify({ schemaVersion: '1.0.0', tool: { name: 'soc2' }, controls: [{ id: 'GH-001', title: 'caf\u00e9', severity: 'high', status: 'pass', findings: [] }] }));
    const at = valid.indexOf(0xc3);
    writeFileSync(join(dir, 'latin1.json'), Buffer.concat([valid.subarray(0, at), Buffer.from([0xe9]), valid.subarray(at + 2)]));
    expect(() => readResultsView('latin1.json', dir, 'baseline')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^latin1\.json:1:\d+ .*UTF-8/) }));
    // A named pipe with no writer: reading it the old way waited for a writer forever.
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    expect(() => readResultsView('pipe.json', dir, 'baseline')).toThrow(expect.objectContaining({ exitCode: 2, message: 'pipe.json: is a named pipe (FIFO), not a regular file; soc2 reads a results file (the baseline) only from a regular file.' }));
  });
});
