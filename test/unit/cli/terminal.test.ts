import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { renderSummary } from '../../../src/cli/terminal.js';
import { readResults, type Results, type ControlResult } from '../../../src/results.js';
import { packageRoot } from '../../../src/paths.js';

const base = readResults(JSON.parse(readFileSync(join(packageRoot, 'test/fixtures/results/sample.json'), 'utf8')));
const plain = new Chalk({ level: 0 });

function withControls(controls: ControlResult[]): Results {
  return { ...base, controls };
}
const ctl = (over: Partial<ControlResult>): ControlResult => ({ ...base.controls[0]!, findings: [], ...over });

describe('cli/terminal', () => {
  it('lists controls that errored for the same reason once, and ends with where the report is', () => {
    const reason = 'Evidence is incomplete: AWS Config is not recording in eu-west-1 (recorder stopped).';
    const out = renderSummary(withControls([
      ctl({ id: 'AWS-010', status: 'error', statusReason: reason }),
      ctl({ id: 'AWS-011', status: 'error', statusReason: `${reason} (and 2 more problems)` }),
      ctl({ id: 'AWS-012', status: 'error', statusReason: 'Evidence is incomplete: token lacks administration:read.' }),
    ]), { outDir: 'soc2-report', files: ['soc2-report/report.html', 'soc2-report/report.md'], c: plain });
    expect(out).toContain(' ERROR  2 controls: AWS-010, AWS-011\n          • ' + reason);
    expect(out).toContain('AWS-012');
    expect(out.trimEnd().split('\n').at(-1)).toBe('Report:  soc2-report/report.html  (also soc2-report/report.md)');
  });

  it('puts manual controls on one line and shows failing findings', () => {
    const out = renderSummary(withControls([
      ctl({ id: 'MAN-001', status: 'manual' }),
      ctl({ id: 'MAN-002', status: 'manual' }),
      ctl({ id: 'GH-002', status: 'fail', findings: [{ resource: 'nw/api', status: 'fail', message: 'nw/api: required approvals is 0; required: at least 1.' }] }),
    ]), { outDir: 'r', files: ['r/report.html'], c: plain });
    expect(out).toContain('MANUAL 2 controls need evidence attached by a person (listed in the report): MAN-001, MAN-002');
    expect(out).toContain('• nw/api: required approvals is 0; required: at least 1.');
    expect(out.indexOf('GH-002')).toBeLessThan(out.indexOf('MANUAL'));
  });

  it('shows that a failing control\'s evidence is incomplete, with what could not be read', () => {
    const gap = { kind: 'precondition' as const, message: 'eu-west-1: AWS Config is not recording (recorder stopped).' };
    const evidence = [{ ...base.controls[0]!.evidence[0]!, complete: false, gaps: [gap] }];
    const out = renderSummary(withControls([
      ctl({ id: 'AWS-004', status: 'fail', incomplete: true, evidence, findings: [
        { resource: 'sg-0a1b', status: 'fail', message: 'sg-0a1b: SSH open to the internet.' },
        { resource: 'sg-0c2d', status: 'error', message: 'sg-0c2d: AWS Config did not report its evaluation.' },
      ] }),
      ctl({ id: 'AWS-005', status: 'fail', findings: [{ resource: 'b', status: 'fail', message: 'b: public.' }] }),
    ]), { outDir: 'r', files: ['r/report.html'], c: plain });
    expect(out).toContain('• sg-0a1b: SSH open to the internet.\n          • evidence incomplete, so more may fail: eu-west-1: AWS Config is not recording (recorder stopped). (and 1 more in the report)\n');
    expect(out.match(/evidence incomplete/g)).toHaveLength(1);
    expect(out).toMatch(/ · \d+ fail \(1 on incomplete evidence\) · /);
  });

  it('writes no colour codes with a level-0 chalk (NO_COLOR or not a terminal)', () => {
    const out = renderSummary(base, { outDir: 'r', files: ['r/report.html'], c: plain });
    expect(out).not.toMatch(/\x1b\[/);
    expect(out).toContain('SAMPLE DATA');
  });

  it('prints control characters from API data as visible replacements, never as escape sequences', () => {
    const out = renderSummary(withControls([
      ctl({ id: 'GH-028', status: 'fail', findings: [{ resource: 'nw/api#7', status: 'fail', message: 'nw/api#7 “\u001b[2Jcleared\u0007”: not approved.' }] }),
    ]), { outDir: 'r', files: ['r/report.html'], c: plain });
    expect(out).toContain('nw/api#7 “\ufffd[2Jcleared\ufffd”: not approved.');
    expect(out).not.toMatch(/[\u001b\u0007]/);
  });

  it('neutralises escape sequences, newlines and bidi overrides in control titles and report paths', () => {
    const out = renderSummary(withControls([
      ctl({ id: 'SEC-001', status: 'fail', title: 'Policy\u001b[2J\u202egnp.exe\n PASS  GH-002 forged', findings: [] }),
    ]), { outDir: 'r', files: ['r\u001b[31m/report.html'], c: plain });
    expect(out).not.toMatch(/[\u001b\u202e]/);
    expect(out).toContain('Policy\ufffd[2J\ufffdgnp.exe  PASS  GH-002 forged');
    expect(out).toContain('Report:  r\ufffd[31m/report.html');
    expect(out.split('\n').filter((l) => l.includes('GH-002'))).toHaveLength(1);
  });

  it('keeps a line break in API data on its line, so in CI it can never start a workflow command', () => {
    const out = renderSummary(withControls([
      ctl({ id: 'GH-028', status: 'fail', findings: [{ resource: 'nw/api#7', status: 'fail', message: 'nw/api#7 “fix\n::add-mask::x\r\n::error::forged”: not approved.' }] }),
    ]), { outDir: 'r', files: ['r/report.html'], c: plain });
    expect(out).toContain('• nw/api#7 “fix ::add-mask::x ::error::forged”: not approved.');
    expect(out.split('\n').filter((l) => l.trimStart().startsWith('::'))).toEqual([]);
  });
});

