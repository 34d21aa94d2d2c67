import { describe, expect, it } from 'vitest';
import { markdown } from '../../../src/reports/markdown.js';
import type { Results } from '../../../src/results.js';
import { loadResults } from './support.js';

const sample = loadResults('sample');
const minimal = loadResults('minimal');
const md = markdown.render(sample);

/** Splits a GFM table row on unescaped pipes. */
function cells(row: string): string[] {
  return row.slice(1, -1).split(/(?<!\\)\|/);
}

describe('reports/markdown', () => {
  it('shows API-derived markup as escaped text and never emits a raw <script>', () => {
    expect(md).toContain('acme/&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀 \\| pipe');
    expect(md).not.toMatch(/<script/i);
    expect(md).not.toContain('<b>');
    expect(md).toContain('\\`rm -rf /\\` \\[click\\](javascript:alert(1)) &amp; &lt;b&gt;bold&lt;/b&gt; \\*now\\*');
  });

  it('keeps unicode intact', () => {
    expect(md).toContain('Füße 🚀');
  });

  it('never breaks a table: every row has as many cells as its header', () => {
    const lines = md.split('\n');
    let width = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!line.startsWith('|')) {
        width = 0;
        continue;
      }
      if (width === 0) width = cells(line).length;
      else expect(cells(line).length, `line ${i + 1}: ${line}`).toBe(width);
    }
  });

  it('shows the sample banner when, and only when, the run used sample data', () => {
    expect(md).toContain('> **⚠️ SAMPLE DATA — not real systems.**');
    expect(md.split('\n')[0]).toMatch(/SAMPLE DATA/);
    const real = markdown.render(minimal);
    expect(real).not.toMatch(/SAMPLE DATA/);
    const flipped: Results = { ...minimal, run: { ...minimal.run, sample: true } };
    expect(markdown.render(flipped)).toContain('SAMPLE DATA — not real systems.');
  });

  it('lists all 61 criteria, and says manual evidence is required for each uncovered one', () => {
    const rows = md.split('\n').filter((l) => /^\| (CC|A|C|PI|P)\d+\.\d+ \|/.test(l));
    expect(rows).toHaveLength(61);
    const uncovered = rows.filter((r) => r.endsWith('| — |'));
    expect(uncovered).toHaveLength(sample.criteria.filter((c) => c.status === 'not_covered').length);
    for (const r of uncovered) expect(r).toContain('Not covered by automated evidence — manual evidence required');
  });

  it('orders sections by what needs action, and failing controls by severity', () => {
    const at = (s: string) => md.indexOf(s);
    const headings = ['## Summary', '## Scope', '## Criteria coverage', '## Failing controls', '## Controls in error', '## Manual controls', '## Excepted controls', '## Passing controls', '## Not applicable', '## Evidence appendix'];
    const positions = headings.map(at);
    for (const p of positions) expect(p).toBeGreaterThan(0);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(at('### AWS-010')).toBeLessThan(at('### GH-002'));
    expect(at('### GH-002')).toBeLessThan(at('### REPO-003'));
  });

  it('states deviations as n of N, with remediation, for a failing control', () => {
    const gh002 = md.slice(md.indexOf('### GH-002'), md.indexOf('### REPO-003'));
    expect(gh002).toContain('**Result:** 3 deviations of 5 items; 1 excepted; 1 not applicable.');
    expect(gh002).toContain('**Remediation:** Settings → Rules → Rulesets');
    expect(gh002).toContain('Frozen legacy service');
  });

  it('shows that a failing control\'s evidence is incomplete: what could not be read and what to do', () => {
    const aws010 = md.slice(md.indexOf('### AWS-010'), md.indexOf('### GH-002'));
    expect(aws010).toContain('**Fail** — deviations found · **evidence incomplete: the deviations shown are known, and what could not be read may hold more** · severity');
    expect(aws010).toContain('**Result:** 1 deviation of 4 items; 1 could not be read.');
    expect(aws010).toContain('**Gaps in the evidence:**\n- permission · 123456789012/ap-southeast-2: ');
    expect(aws010).toContain('#### Items that could not be read (1)');
    expect(aws010).toContain('2. Fix the cause above and run soc2 again to check what could not be read. The deviations found stand either way.');
    expect(md).toContain('**3 controls with deviations (1 of them on incomplete evidence), and 1 control could not be evaluated');
    // A complete failure shows none of it.
    const gh002 = md.slice(md.indexOf('### GH-002'), md.indexOf('### REPO-003'));
    expect(gh002).not.toMatch(/incomplete|Gaps in the evidence/);
  });

  it('says why a control errored and which permission to grant', () => {
    const aws001 = md.slice(md.indexOf('### AWS-001'), md.indexOf('## Manual controls'));
    expect(aws001).toContain('AccessDeniedException');
    expect(aws001).toContain('1. Grant config:DescribeConfigurationRecorders to the credentials soc2 runs with.');
  });

  it('lists the exact evidence a manual control needs, as a checklist numbered as the attestations file refers to it', () => {
    const real = markdown.render(minimal);
    minimal.controls.find((c) => c.id === 'POL-001')!.evidenceRequired!.forEach((item, i) => expect(real).toContain(`${i + 1}. [ ] ${item}`));
  });

  it('says of a partly attested control exactly which records are attested, expired and missing, and who attested', () => {
    const pol = md.slice(md.indexOf('### POL-001'), md.indexOf('### ', md.indexOf('### POL-001') + 4));
    expect(pol).toContain('1. ☑ attested — The current information security policy (PDF)');
    expect(pol).toContain('2. ☒ **expired** — Minutes of the management meeting');
    expect(pol).toContain('3. ☐ **missing** — Acknowledgement records');
    expect(pol).toContain('   - Dana Whitfield, CISO, 2025-03-01, valid until 2026-02-28 (**expired**) (`attestations.yaml:10`): <https://wiki.example.com/minutes/2025-03-01>');
    expect(pol).toContain('`evidence/manual/POL-001/1a2b3c4d5e6f-infosec-policy-v4.pdf`');
    expect(md).toContain('## Attested manual controls — evidence attested by a person, not tested automatically (1)');
  });

  it('summarises the exit code and the fail-on threshold', () => {
    expect(md).toContain('**Exit code 1:** at least one control fails at or above the fail-on threshold (medium).');
    expect(markdown.render(minimal)).toContain('**Exit code 0:** no control fails');
  });

  it('says why a source was left out of scope', () => {
    const real = markdown.render(minimal);
    expect(real).toContain('- **GitHub:** not in scope.');
    expect(real).toContain('GitHub: the configuration has no github section');
    expect(real).toContain("- **AWS:** the AWS SDK's default region.");
  });

  it('links only http(s) references', () => {
    expect(md).toContain('<https://docs.github.com/en/repositories/');
    expect(md).not.toContain('<javascript:');
    expect(md).not.toMatch(/(?<!\\)\](?:\(javascript:)/);
  });

  it('lists each evidence file once, with its hash, calls and every control that used it', () => {
    const row = md.split('\n').find((l) => l.startsWith('| `evidence/github/github.branch-rules-5e1d9c2b7a.json`'))!;
    expect(row).toContain('`a3f1c9e5b7d2046e8f1a3c5b7d9e0f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d`');
    expect(row).toContain('GH-002, GH-003');
    expect(row).toContain('GET /repos/{owner}/{repo}/rules/branches/{branch} ×2');
    expect(md.split('\n').filter((l) => l.includes('`evidence/github/github.branch-rules-5e1d9c2b7a.json` |'))).toHaveLength(1);
  });

  it('uses the passing wording and no compliance claim when nothing fails', () => {
    const real = markdown.render(minimal);
    expect(real).toContain('**No deviations detected by automated test.** 1 manual control still needs evidence attached by a person.');
    expect(real).not.toMatch(/compliant/i);
  });
});

describe('reports/markdown headings', () => {
  it('keeps a trailing # in a control title instead of letting it close the heading', () => {
    const r = loadResults('minimal');
    const out = markdown.render({ ...r, controls: r.controls.map((c) => (c.id === 'AWS-001' ? { ...c, title: 'Recorder on in region #' } : c)) });
    expect(out).toContain('### AWS-001 — Recorder on in region \\#');
  });
});
