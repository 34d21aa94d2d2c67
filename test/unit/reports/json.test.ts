import { describe, expect, it } from 'vitest';
import { json } from '../../../src/reports/json.js';
import { resultsSchema } from '../../../src/results.js';
import { FIXTURES, loadResults } from './support.js';

describe('reports/json', () => {
  for (const name of FIXTURES) {
    it(`${name}: round-trips to valid results with the same content`, () => {
      const r = loadResults(name);
      const out = json.render(r);
      expect(out).toMatch(/^\{\n {2}"/);
      const back = resultsSchema.parse(JSON.parse(out));
      expect(back.summary).toEqual(r.summary);
      expect(back.run).toEqual(r.run);
      expect([...back.controls].sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([...r.controls].sort((a, b) => (a.id < b.id ? -1 : 1)).map((c) => ({ ...c, findings: expect.arrayContaining(c.findings) as unknown, evidence: c.evidence })));
    });
  }

  it('sorts controls by id and puts deviations first within a control', () => {
    const back = JSON.parse(json.render(loadResults('sample'))) as { controls: Array<{ id: string; findings: Array<{ status: string; resource: string }> }> };
    const ids = back.controls.map((c) => c.id);
    expect(ids).toEqual([...ids].sort());
    const gh002 = back.controls.find((c) => c.id === 'GH-002')!;
    expect(gh002.findings.map((f) => f.status)).toEqual(['fail', 'fail', 'fail', 'excepted', 'pass', 'not_applicable']);
  });

  it('keeps unicode as characters rather than \\u escapes', () => {
    expect(json.render(loadResults('sample'))).toContain('Füße 🚀');
  });
});
