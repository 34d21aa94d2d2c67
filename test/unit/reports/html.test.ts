import { describe, expect, it } from 'vitest';
import { html } from '../../../src/reports/html.js';
import type { Results } from '../../../src/results.js';
import { loadResults } from './support.js';
import { plural } from '../../../src/text.js';

const sample = loadResults('sample');
const minimal = loadResults('minimal');
const page = html.render(sample);

describe('reports/html', () => {
  it('is one UTF-8 document with a Content-Security-Policy that allows no script and no remote resource', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/i);
    expect(page).not.toMatch(/\ssrc=/i);
  });

  it('links only within the page, to evidence files of the report folder, or to http(s) references', () => {
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(10);
    for (const h of hrefs) expect(h).toMatch(/^(#[A-Za-z0-9_.-]+|https:\/\/[^\s"]+|\.\/evidence\/[A-Za-z0-9_.%\/-]+)$/);
    for (const h of hrefs.filter((x) => x.startsWith('#'))) expect(page, `anchor ${h}`).toContain(`id="${h.slice(1)}"`);
    expect(page).not.toMatch(/href="javascript:/i);
  });

  it('HTML-escapes API-derived text, in content and in attributes', () => {
    expect(page).toContain('acme/&lt;script&gt;alert(1)&lt;/script&gt; Füße 🚀 | pipe');
    expect(page).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(page).not.toContain('<b>bold</b>');
    const nasty: Results = {
      ...sample,
      criteria: sample.criteria.map((c) => (c.id === 'CC8.1' ? { ...c, title: `"><img src=x onerror=alert(1)>'` } : c)),
    };
    const out = html.render(nasty);
    expect(out).toContain('title="CC8.1 &quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39; — Fail"');
    expect(out).not.toContain('<img');
  });

  it('keeps unicode intact', () => {
    expect(page).toContain('Füße 🚀');
  });

  it('shows the sample banner when, and only when, the run used sample data', () => {
    expect(page).toContain('id="sample-banner"');
    expect(page).toMatch(/<title>SAMPLE DATA — /);
    const real = html.render(minimal);
    expect(real).not.toContain('sample-banner"');
    expect(real).not.toMatch(/SAMPLE DATA/);
  });

  it('has a section per control, grouped by status in reading order, with a filter for each status', () => {
    for (const c of sample.controls) expect(page).toContain(`id="control-${c.id}" data-status="${c.status}"`);
    const groups = [...page.matchAll(/<section class="group" data-status="([a-z_]+)"/g)].map((m) => m[1]);
    expect(groups).toEqual(['fail', 'error', 'manual', 'excepted', 'attested', 'pass', 'not_applicable']);
    for (const s of ['all', ...groups]) expect(page).toContain(`id="filter-${s}"`);
  });

  it('shows that a failing control\'s evidence is incomplete, with its gaps and what to do', () => {
    const aws010 = page.slice(page.indexOf('id="control-AWS-010"'), page.indexOf('id="control-GH-002"'));
    expect(aws010).toContain('<strong>evidence incomplete: the deviations shown are known, and what could not be read may hold more</strong>');
    expect(aws010).toContain('<h4>Gaps in the evidence</h4>');
    expect(aws010).toContain('<li>Fix the cause above and run soc2 again to check what could not be read. The deviations found stand either way.</li>');
    expect(aws010).toContain('<h4>Items that could not be read (1)</h4>');
    const gh002 = page.slice(page.indexOf('id="control-GH-002"'), page.indexOf('id="control-REPO-003"'));
    expect(gh002).not.toContain('Gaps in the evidence');
  });

  it('shows the criteria matrix with all 61 criteria, and the evidence table with full hashes', () => {
    expect([...page.matchAll(/<a class="tile st-/g)]).toHaveLength(61);
    expect([...page.matchAll(/<tr id="crit-/g)]).toHaveLength(61);
    for (const c of sample.controls) for (const e of c.evidence) expect(page).toContain(`<code class="hash">${e.sha256}</code>`);
  });

  it('lists the first 50 API calls of an evidence file and points to the file for the rest, so thousands of calls do not swell the page', () => {
    const withRef = sample.controls.find((c) => c.evidence.length > 0)!;
    const ref = withRef.evidence[0]!;
    const call = ref.calls[0] ?? { source: 'github-rest', operation: 'GET /repos/{owner}/{repo}', params: {}, at: '2026-04-01T09:00:00Z' };
    const many = Array.from({ length: 1200 }, (_, i) => ({ ...call, requestId: `req-${i}-end` }));
    const big: Results = { ...sample, controls: sample.controls.map((c) => ({ ...c, evidence: c.evidence.map((e) => (e.file === ref.file ? { ...e, calls: many } : e)) })) };
    const out = html.render(big);
    const table = out.slice(out.indexOf(`<code>${ref.file}</code> — ${plural(1200, 'call')}`));
    const rows = table.slice(0, table.indexOf('</table>')).match(/<tr><td>/g) ?? [];
    expect(rows).toHaveLength(50);
    expect(table).toContain(`The first 50 of 1200 calls; all of them are in the last line of <a href="./${ref.file}">`);
    expect(out).not.toContain('req-50-end');
    expect(out).toContain('req-49-end');
  });
});
