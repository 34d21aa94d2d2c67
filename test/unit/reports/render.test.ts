import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import { describe, expect, it } from 'vitest';
import { renderers, DEFAULT_FORMATS } from '../../../src/reports/index.js';
import { FIXTURES, loadResults, shuffled } from './support.js';

describe('reports/index', () => {
  it('registers each renderer under its own format name, with distinct file names', () => {
    for (const [key, r] of Object.entries(renderers)) expect(r.format).toBe(key);
    const names = Object.values(renderers).map((r) => r.fileName);
    expect(new Set(names).size).toBe(names.length);
    for (const r of Object.values(renderers)) expect(r.fileName.endsWith(r.extension)).toBe(true);
  });

  it('writes json, markdown, html and junit by default; SARIF only on request', () => {
    expect([...DEFAULT_FORMATS]).toEqual(['json', 'markdown', 'html', 'junit']);
    for (const f of DEFAULT_FORMATS) expect(renderers[f]).toBeDefined();
  });
});

for (const fixture of FIXTURES) {
  describe(`reports — ${fixture}.json`, () => {
    const results = loadResults(fixture);

    for (const r of Object.values(renderers)) {
      it(`${r.format}: matches the reviewed golden file`, async () => {
        await expect(r.render(results)).toMatchFileSnapshot(`../../fixtures/reports/${fixture}.${r.fileName}`);
      });

      it(`${r.format}: renders the same bytes twice and for any input order`, () => {
        const first = r.render(results);
        expect(r.render(results)).toBe(first);
        for (const seed of [1, 7, 42, 2026]) expect(r.render(shuffled(results, seed))).toBe(first);
      });

      it(`${r.format}: does not modify its input`, () => {
        const before = JSON.stringify(results);
        r.render(results);
        expect(JSON.stringify(results)).toBe(before);
      });

      it(`${r.format}: never says one run shows controls operating throughout the period`, () => {
        expect(r.render(results)).not.toMatch(/operat(?:e|es|ing|ed) (?:throughout|over|during) the (?:whole |review |audit )?period/i);
        // The human and CI reports say what one run is, in those words.
        if (r.format !== 'json' && r.format !== 'findings-csv') expect(r.render(results)).toContain('This run is a point-in-time test inside the period');
      });

      it(`${r.format}: never claims SOC 2 compliance`, () => {
        expect(r.render(results)).not.toMatch(/SOC ?2[- ]compliant|compliant with SOC|passed SOC ?2/i);
      });

      it(`${r.format}: ends with exactly one newline`, () => {
        const out = r.render(results);
        expect(out.endsWith('\n')).toBe(true);
        expect(out.endsWith('\n\n')).toBe(false);
      });
    }
  });
}

describe('reports — edge cases', () => {
  it('renders a run with no controls at all', () => {
    const base = loadResults('minimal');
    const empty = {
      ...base,
      summary: { total: 0, pass: 0, fail: 0, error: 0, excepted: 0, manual: 0, attested: 0, not_applicable: 0, exitCode: 0 },
      criteria: base.criteria.map((c) => ({ ...c, controls: [], status: 'not_covered' as const })),
      controls: [],
    };
    for (const r of Object.values(renderers)) {
      const out = r.render(empty);
      expect(out.length).toBeGreaterThan(0);
      expect(r.render(empty)).toBe(out);
    }
    expect(renderers.markdown.render(empty)).toContain('No evidence files were written in this run.');
    expect(renderers.html.render(empty)).toContain('No controls were evaluated in this run.');
  });
});

describe('README', () => {
  it('never calls a single run controls operating throughout the period', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/operat(?:e|es|ing|ed) (?:throughout|over|during) the (?:whole |review |audit )?period/i);
    expect(readme).toContain('point-in-time test inside the period');
  });
});
