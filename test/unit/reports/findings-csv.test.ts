import { describe, expect, it } from 'vitest';
import { findingsCsv } from '../../../src/reports/findings-csv.js';
import type { Results } from '../../../src/results.js';
import { loadResults } from './support.js';

/** A strict RFC 4180 reader (CRLF records, "" inside quotes), so the test checks structure, not regexes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), (i += 2);
      else if (ch === '"') (quoted = false), i++;
      else (cell += ch), i++;
    } else if (ch === '"' && cell === '') (quoted = true), i++;
    else if (ch === ',') row.push(cell), (cell = ''), i++;
    else if (ch === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), (i += 2);
    else if (ch === '\r' || ch === '\n' || ch === '"') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    else (cell += ch), i++;
  }
  if (cell !== '' || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

const sample = loadResults('sample');
const table = (r: Results) => {
  const [header, ...rows] = parseCsv(findingsCsv.render(r));
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!])));
};

describe('reports/findings-csv', () => {
  it('has one row per finding (per entry for a finding that lists entries) with control, criteria, resource, status, message, evidence file, exception and location', () => {
    const [header, ...rows] = parseCsv(findingsCsv.render(sample));
    expect(header).toEqual(['control_id', 'control_title', 'severity', 'criteria', 'control_status', 'resource', 'resource_type', 'region', 'account', 'status', 'message', 'evidence_file', 'evidence_sha256', 'exception', 'location', 'entry']);
    for (const r of rows) expect(r).toHaveLength(header!.length);
    const withFindings = sample.controls.filter((c) => c.findings.length);
    const without = sample.controls.filter((c) => !c.findings.length);
    expect(rows).toHaveLength(withFindings.reduce((n, c) => n + c.findings.reduce((m, f) => m + Math.max(1, f.occurrences?.length ?? 0), 0), 0) + without.length);
    expect(table(sample).find((r) => r.control_id === 'REPO-003' && r.status === 'fail')).toMatchObject({ location: '.github/workflows/ci.yml:17:15', entry: expect.stringContaining('actions/setup-node@v4') });

    const legacy = table(sample).find((r) => r.resource === 'acme/legacy')!;
    const gh = sample.controls.find((c) => c.id === 'GH-002')!;
    expect(legacy).toMatchObject({
      control_id: 'GH-002',
      criteria: 'CC8.1 CC6.8',
      status: 'excepted',
      control_status: gh.status,
      evidence_file: gh.evidence[0]!.file,
      evidence_sha256: gh.evidence[0]!.sha256,
      exception: expect.stringContaining('Frozen legacy service'),
    });
  });

  it('keeps every control on the sheet: one with no findings gets a row with its status reason', () => {
    const rows = table(sample);
    for (const c of sample.controls.filter((x) => !x.findings.length)) {
      const row = rows.find((r) => r.control_id === c.id)!;
      expect(row).toMatchObject({ resource: '', status: c.status });
      expect(row.message).toContain(c.statusReason);
      if (c.status === 'manual') expect(row.message).toContain('Evidence to attach:');
    }
  });

  it('keeps text byte for byte (quotes, commas, line breaks, unicode) and defuses formulas', () => {
    const r = structuredClone(sample);
    const c = r.controls.find((x) => x.id === 'GH-002')!;
    const texts = ['=HYPERLINK("http://evil","x")', '+1+1', '-2', '@SUM(A1)', '\tTAB', '＝1+1', 'a, "b"\r\nc Füße 🚀'];
    c.findings = texts.map((t, i) => ({ resource: `r${i}`, status: 'fail' as const, message: t }));
    const messages = new Map(table(r).filter((x) => x.control_id === 'GH-002').map((x) => [x.resource, x.message]));
    texts.forEach((t, i) => expect(messages.get(`r${i}`)).toBe(i < texts.length - 1 ? `'${t}` : t));
  });
});
