import { describe, expect, it } from 'vitest';
import { junit } from '../../../src/reports/junit.js';
import type { ControlResult, Results } from '../../../src/results.js';
import { FIXTURES, childElements, loadResults, parseXml, textOf, type XmlElement } from './support.js';

function suites(doc: XmlElement): XmlElement[] {
  return childElements(doc, 'testsuite');
}

function cases(doc: XmlElement): XmlElement[] {
  return suites(doc).flatMap((s) => childElements(s, 'testcase'));
}

function outcome(tc: XmlElement): string {
  return childElements(tc).map((c) => c.name).join(',') || 'pass';
}

describe('reports/junit', () => {
  describe('the XML parser used by these tests', () => {
    it('rejects what is not well-formed', () => {
      expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
      expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
      expect(() => parseXml('<a>&nbsp;</a>')).toThrow(/entity/);
      expect(() => parseXml('<a>AT&T</a>')).toThrow();
      expect(() => parseXml('<a x="<"/>')).toThrow(/</);
      expect(() => parseXml('<a>\u0001</a>')).toThrow(/illegal/);
      expect(() => parseXml('<a/><b/>')).toThrow(/after the root/);
      expect(parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a k="&lt;&#10;">x&amp;y</a>\n').attrs['k']).toBe('<\n');
    });
  });

  for (const name of FIXTURES) {
    it(`${name}: is well-formed XML whose totals match the summary`, () => {
      const r = loadResults(name);
      const doc = parseXml(junit.render(r));
      expect(doc.name).toBe('testsuites');
      expect(doc.attrs).toMatchObject({
        name: 'soc2',
        tests: String(r.summary.total),
        failures: String(r.summary.fail),
        errors: String(r.summary.error),
        skipped: String(r.summary.manual + r.summary.attested + r.summary.excepted + r.summary.not_applicable),
      });
      const all = cases(doc);
      expect(all).toHaveLength(r.summary.total);
      expect(all.filter((c) => outcome(c) === 'failure')).toHaveLength(r.summary.fail);
      expect(all.filter((c) => outcome(c) === 'error')).toHaveLength(r.summary.error);
      expect(all.filter((c) => outcome(c) === 'skipped')).toHaveLength(r.summary.manual + r.summary.attested + r.summary.excepted + r.summary.not_applicable);
      expect(all.filter((c) => outcome(c) === 'pass')).toHaveLength(r.summary.pass);
      for (const s of suites(doc)) {
        const mine = childElements(s, 'testcase');
        expect(s.attrs['tests']).toBe(String(mine.length));
        expect(s.attrs['failures']).toBe(String(mine.filter((c) => outcome(c) === 'failure').length));
        expect(s.attrs['errors']).toBe(String(mine.filter((c) => outcome(c) === 'error').length));
        expect(s.attrs['skipped']).toBe(String(mine.filter((c) => outcome(c) === 'skipped').length));
      }
    });
  }

  const sample = loadResults('sample');
  const doc = parseXml(junit.render(sample));

  it('groups controls into one suite per criteria family of their first criterion, in catalogue order', () => {
    expect(suites(doc).map((s) => s.attrs['name'])).toEqual(['CC1', 'CC6', 'CC7', 'CC8', 'C1']);
    const cc8 = suites(doc).find((s) => s.attrs['name'] === 'CC8')!;
    expect(childElements(cc8, 'testcase').map((c) => c.attrs['name'])).toEqual([
      'GH-002 Default branches require an approved pull request',
      'GH-003 Default branches block force pushes and deletion',
      'REPO-003 Workflows pin third-party actions to a commit SHA',
    ]);
    for (const tc of cases(doc)) {
      const id = tc.attrs['name']!.split(' ')[0]!;
      const control = sample.controls.find((c) => c.id === id)!;
      expect(tc.attrs['classname']).toBe(control.criteria[0]);
      expect(tc.attrs['time']).toBe('0');
    }
  });

  it('maps fail to a deviation, error to incomplete evidence, and the rest to skipped with a reason', () => {
    const byId = (id: string) => cases(doc).find((c) => c.attrs['name']!.startsWith(`${id} `))!;
    const failure = childElements(byId('GH-002'))[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs['type']).toBe('deviation');
    expect(textOf(failure)).toContain('3 deviations of 5 items');
    expect(textOf(failure)).toContain('- acme/<script>alert(1)</script> Füße 🚀 | pipe: required approving reviews is 0');
    const error = childElements(byId('AWS-001'))[0]!;
    expect(error.name).toBe('error');
    expect(error.attrs['type']).toBe('evidence-incomplete');
    expect(error.attrs['message']).toContain('AccessDeniedException');
    expect(childElements(byId('POL-001'))[0]!.attrs['message']).toContain('Manual control: Attestations cover 1 of 3 required records; nobody attested item 3');
    // Attested is skipped, never a pass: the test view must not count a person's word as a test.
    expect(childElements(byId('POL-002'))[0]!.name).toBe('skipped');
    expect(childElements(byId('POL-002'))[0]!.attrs['message']).toContain("Attested manual control (a person's attestation, not an automated test): Attested by Sam Okafor");
    expect(childElements(byId('GH-010'))[0]!.attrs['message']).toContain('Vendor engagement SOW-2026-014');
    expect(childElements(byId('AWS-020'))[0]!.attrs['message']).toContain('Not applicable: Nothing to check');
    expect(childElements(byId('GH-001'))).toHaveLength(0);
  });

  it('keeps a failing control with incomplete evidence a failure, and says what could not be read', () => {
    const tc = cases(doc).find((c) => c.attrs['name']!.startsWith('AWS-010 '))!;
    const failure = childElements(tc)[0]!;
    expect(failure.name).toBe('failure');
    expect(failure.attrs['message']).toContain('The evidence is also incomplete, so more may fail:');
    expect(textOf(failure)).toContain('Evidence is incomplete, so more may fail:\n- permission (123456789012/ap-southeast-2): ');
    expect(textOf(failure)).toContain('- could not be read: acme-backups: AWS Config did not report');
  });

  it('records period, tool version, run id and sample flag on every suite', () => {
    for (const s of suites(doc)) {
      const props = Object.fromEntries(childElements(childElements(s, 'properties')[0]!, 'property').map((p) => [p.attrs['name'], p.attrs['value']]));
      expect(props).toMatchObject({ period: '2026-01-01 to 2026-03-31', toolVersion: 'soc2 0.1.0', runId: sample.run.id, sample: 'true' });
    }
  });

  it('marks every non-passing message as sample data when the run used it', () => {
    for (const tc of cases(doc)) for (const child of childElements(tc)) expect(child.attrs['message']).toMatch(/^SAMPLE DATA: /);
    expect(junit.render(loadResults('minimal'))).not.toContain('SAMPLE DATA');
  });

  it('stays well-formed when the data holds characters XML 1.0 forbids, and keeps the rest', () => {
    const gh002 = sample.controls.find((c) => c.id === 'GH-002')!;
    const nasty: ControlResult = {
      ...gh002,
      title: 'Title with "quotes" & <angle> \u0007bell',
      statusReason: 'line one\nline two\u0000',
      findings: [{ resource: 'r\u001b]0;x', status: 'fail', message: 'esc \u001b[31mred\u001b[0m ]]> end \uFFFF \uD83D' }],
    };
    const r: Results = { ...sample, controls: [nasty] };
    const parsed = parseXml(junit.render(r));
    const tc = cases(parsed)[0]!;
    expect(tc.attrs['name']).toBe('GH-002 Title with "quotes" & <angle> \uFFFDbell');
    const failure = childElements(tc)[0]!;
    expect(failure.attrs['message']).toBe('SAMPLE DATA: line one line two\uFFFD');
    expect(textOf(failure)).toContain('esc \uFFFD[31mred\uFFFD[0m ]]> end \uFFFD \uFFFD');
  });
});
