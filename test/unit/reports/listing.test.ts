import { describe, expect, it } from 'vitest';
import { markdown } from '../../../src/reports/markdown.js';
import { html } from '../../../src/reports/html.js';
import { junit } from '../../../src/reports/junit.js';
import { findingsCsv } from '../../../src/reports/findings-csv.js';
import { JUNIT_LIST_LIMIT, MARKDOWN_LIST_LIMIT } from '../../../src/reports/listing.js';
import type { ControlResult, Finding, Results } from '../../../src/results.js';
import { loadResults } from './support.js';

const sample = loadResults('sample');
const EVIDENCE = 'evidence/repo/repo.secrets-1a2b3c4d5e.json';

function secrets(n: number): NonNullable<Finding['occurrences']> {
  return Array.from({ length: n }, (_, i) => ({
    field: 'secrets found (values redacted)',
    text: `test/fixtures/keys-${String(i).padStart(3, '0')}.env:${i + 1}: aws-access-key-id AKIA…(20 chars)`,
    location: { file: `test/fixtures/keys-${String(i).padStart(3, '0')}.env`, line: i + 1, column: 5 },
  }));
}

/** The sample run with one failing control holding the given findings. */
function withControl(findings: Finding[]): Results {
  const base = sample.controls.find((c) => c.id === 'REPO-003')!;
  const c: ControlResult = {
    ...base,
    id: 'REPO-008',
    title: 'No secrets are committed to the repository',
    findings,
    counts: { ...base.counts, resources: findings.length, fail: findings.length, pass: 0 },
  };
  return { ...sample, controls: [c] };
}

const repoWithSecrets = (n: number, extra: Partial<Finding> = {}): Finding => ({
  resource: 'acme/api',
  status: 'fail',
  message: `acme/api: secrets found (values redacted) is ${n} items (…); required: no secrets in tracked files.`,
  evidence: EVIDENCE,
  occurrences: secrets(n),
  entriesOnly: true,
  ...extra,
});

const failing = (n: number): Finding[] =>
  Array.from({ length: n }, (_, i) => ({ resource: `.github/workflows/w${String(i).padStart(3, '0')}.yml`, status: 'fail', message: `w${i}: unpinned.`, evidence: EVIDENCE }));

describe('reports — listing findings and their entries', () => {
  it('report.md lists every entry of a finding with where it is, not three and "236 more"', () => {
    const md = markdown.render(withControl([repoWithSecrets(150)]));
    expect(md).toContain('**acme/api** — secrets found (values redacted) (150):');
    for (const i of [0, 1, 2, 3, 77, 149]) expect(md).toContain(`- \`test/fixtures/keys-${String(i).padStart(3, '0')}.env:${i + 1}:5\` `);
    expect(md).not.toContain('not listed here');
  });

  it(`report.md stops at ${MARKDOWN_LIST_LIMIT} rows per control and says how many more and where they are`, () => {
    const md = markdown.render(withControl([repoWithSecrets(236)]));
    const listed = md.split('\n').filter((l) => l.startsWith('- `test/fixtures/keys-'));
    // One row for the finding itself, the rest of the budget for its entries.
    expect(listed).toHaveLength(MARKDOWN_LIST_LIMIT - 1);
    expect(md).toContain(`- … and ${236 - (MARKDOWN_LIST_LIMIT - 1)} more entries not listed here: results.json lists them all; the evidence (\`${EVIDENCE}\`) holds everything the collector found.`);
  });

  it('report.md lists failing resources up to the limit too, then the count of the rest', () => {
    const md = markdown.render(withControl(failing(MARKDOWN_LIST_LIMIT + 37)));
    expect(md).toContain(`#### Deviations (${MARKDOWN_LIST_LIMIT + 37})`);
    expect(md.split('\n').filter((l) => l.startsWith('| .github/workflows/w'))).toHaveLength(MARKDOWN_LIST_LIMIT);
    expect(md).toContain('… and 37 more items not listed here: results.json lists them all');
  });

  it('report.md says when the collector found more entries than results.json keeps', () => {
    const md = markdown.render(withControl([repoWithSecrets(3, { occurrenceCount: 1500 })]));
    expect(md).toContain('**acme/api** — secrets found (values redacted) (1500):');
    expect(md).toContain(`- … and 1497 more entries beyond results.json: the evidence (\`${EVIDENCE}\`) lists them.`);
  });

  it('report.html lists all of them, folded, with no script', () => {
    const page = html.render(withControl([repoWithSecrets(236), ...failing(3)]));
    expect(page).toContain('<details class="entries"><summary><code>acme/api</code> — secrets found (values redacted) (236)</summary>');
    expect(page.match(/<tr><td><code>test\/fixtures\/keys-\d{3}\.env:\d+:5<\/code><\/td>/g)).toHaveLength(236);
    expect(page).not.toMatch(/<script/i);
    // A short list starts open.
    expect(html.render(withControl([repoWithSecrets(2)]))).toContain('<details class="entries" open>');
  });

  it(`junit.xml lists at most ${JUNIT_LIST_LIMIT} lines of a failure, then how many more`, () => {
    const xml = junit.render(withControl([repoWithSecrets(80), ...failing(2)]));
    const entries = xml.split('\n').filter((l) => l.startsWith('  - test/fixtures/keys-'));
    expect(entries.length).toBe(JUNIT_LIST_LIMIT - 3);
    expect(entries[0]).toBe('  - test/fixtures/keys-000.env:1:5: secrets found (values redacted): test/fixtures/keys-000.env:1: aws-access-key-id AKIA…(20 chars)');
    expect(xml).toContain(`- … and ${80 - (JUNIT_LIST_LIMIT - 3)} more entries not listed here: results.json and the evidence list them all.`);
    const many = junit.render(withControl(failing(JUNIT_LIST_LIMIT + 4)));
    expect(many).toContain('- … and 4 more deviations not listed here');
  });

  it('findings.csv has one row per entry, with its location, so a sheet can be filtered by file', () => {
    const csv = findingsCsv.render(withControl([repoWithSecrets(3), { resource: 'acme/web', status: 'fail', message: 'acme/web: no policy.', location: { file: 'SECURITY.md' } }]));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]!.endsWith(',exception,location,entry')).toBe(true);
    expect(lines.slice(1).map((l) => l.split(',').slice(-2).join(','))).toEqual([
      'test/fixtures/keys-000.env:1:5,secrets found (values redacted): test/fixtures/keys-000.env:1: aws-access-key-id AKIA…(20 chars)',
      'test/fixtures/keys-001.env:2:5,secrets found (values redacted): test/fixtures/keys-001.env:2: aws-access-key-id AKIA…(20 chars)',
      'test/fixtures/keys-002.env:3:5,secrets found (values redacted): test/fixtures/keys-002.env:3: aws-access-key-id AKIA…(20 chars)',
      'SECURITY.md,',
    ]);
  });

  it('renders a results.json without locations and entries as before', () => {
    const old = withControl(failing(2));
    const md = markdown.render(old);
    expect(md).toContain('| Resource | Finding |');
    expect(md).not.toContain('Location');
    expect(html.render(old)).not.toContain('<th>Location</th>');
  });
});
