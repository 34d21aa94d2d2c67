/**
 * Hostile strings through every renderer. Markup (`<script>`, `</textarea>`, `]]>`, `" onerror=`),
 * Markdown injection (`[x](javascript:…)`, table pipes, backticks, bare URLs), control characters,
 * ANSI escapes, bidi overrides, lone surrogates, NUL and 100 kB values are put into every free-text
 * field of real results (control titles, finding messages, resource ids, remediation, evidence
 * paths, scope, history) and must come out inert:
 *
 * - HTML: the same elements and attributes as the harmless twin's page, and the text intact;
 * - Markdown (report.md and the SARIF rule help): no raw HTML, link, image or autolink from data,
 *   the same lines, blocks and table cells as the twin's;
 * - JUnit: well-formed XML 1.0 (no character XML forbids), the text intact;
 * - SARIF, OSCAL, results.json: valid JSON with the text intact (SARIF: no unescaped bracket);
 * - findings.csv and the change population CSV: every row whole, no cell a spreadsheet runs;
 * - the terminal summary: no control character, escape or bidi override, the same lines.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Chalk } from 'chalk';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCommand, showCommand } from '../../src/cli/commands/controls.js';
import { tempDir } from '../helpers/tmp.js';
import { renderers } from '../../src/reports/index.js';
import { cleanText, mdText, oneLine } from '../../src/reports/format.js';
import { parseResults, type ControlResult, type Results } from '../../src/results.js';
import { renderSummary } from '../../src/cli/terminal.js';
import { parsePopulation } from '../../src/evidence/population.js';
import { toCsv, type ChangeRow } from '../../src/collectors/github/change-rows.js';
import { markdown } from '../../src/reports/markdown.js';
import { sarif } from '../../src/reports/sarif.js';
import { childElements, parseXml, textOf, type XmlElement } from '../unit/reports/support.js';
import { TERMINAL_UNSAFE, contractProblem, fuzzParams, fuzzTimeout, hostileString, hugeString, inProcess } from './support.js';
import { blockShape, htmlEndTags, htmlStructure, htmlTexts, scanMarkdown, tokenizeHtml } from './outputs.js';
import { baseResults, hostileAndTwin } from './results-fixtures.js';

const BASES = baseResults();

const plan = fc.record({
  base: fc.integer({ min: 0, max: BASES.length - 1 }),
  strings: fc.array(hostileString(), { minLength: 1, maxLength: 6 }),
  stride: fc.integer({ min: 1, max: 4 }),
  offset: fc.integer({ min: 0, max: 3 }),
  huge: fc.option(fc.record({ at: fc.nat(), text: hugeString }), { freq: 3 }),
});

const build = (p: typeof plan extends fc.Arbitrary<infer T> ? T : never) => hostileAndTwin(BASES[p.base]!, p);

/** Controls whose findings the human reports show, and the failing findings of each. */
const shownControls = (r: Results) => r.controls.filter((c) => c.status !== 'not_applicable' && c.status !== 'manual');
const failing = (c: ControlResult) => c.findings.filter((f) => f.status === 'fail');

const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;
const CSV_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** SARIF plain text: a run of backslashes before a bracket escapes in pairs; an odd one out escapes the bracket. */
function readSarifText(text: string): { text: string; linkBrackets: number } {
  let out = '';
  let linkBrackets = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] === '\\') {
      let n = 0;
      while (text[i + n] === '\\') n++;
      const next = text[i + n];
      if (next === '[' || next === ']') {
        out += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 0) linkBrackets++;
        out += next;
        i += n + 1;
      } else {
        out += '\\'.repeat(n);
        i += n;
      }
    } else {
      if (text[i] === '[' || text[i] === ']') linkBrackets++;
      out += text[i];
      i++;
    }
  }
  return { text: out, linkBrackets };
}

function expectSameMultiset(actual: string[], expected: string[], what: string): void {
  if (actual.length === expected.length && actual.every((x, i) => x === expected[i])) return;
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const a = count(actual);
  const e = count(expected);
  const diff = [...new Set([...a.keys(), ...e.keys()])].filter((k) => a.get(k) !== e.get(k)).map((k) => `${JSON.stringify(k).slice(0, 120)}: ${a.get(k) ?? 0} (twin ${e.get(k) ?? 0})`);
  expect.fail(`${what} differ from the harmless twin's:\n${diff.slice(0, 20).join('\n')}`);
}

function checkHtml(hostile: Results, twin: Results): void {
  const page = renderers.html.render(hostile);
  const tokens = tokenizeHtml(page);
  const twinTokens = tokenizeHtml(renderers.html.render(twin));
  expectSameMultiset(htmlStructure(tokens), htmlStructure(twinTokens), 'HTML elements and attributes');
  expectSameMultiset(htmlEndTags(tokens), htmlEndTags(twinTokens), 'HTML end tags');
  const texts = htmlTexts(tokens);
  const shows = (s: string) => texts.some((t) => t.includes(cleanText(s)));
  for (const c of hostile.controls) {
    if (!shows(c.title)) expect.fail(`the HTML does not show the title of ${c.id} as text: ${JSON.stringify(c.title.slice(0, 200))}`);
  }
  for (const c of shownControls(hostile)) {
    for (const f of c.findings) {
      if (!shows(f.message)) expect.fail(`the HTML does not show the finding ${JSON.stringify(f.message.slice(0, 200))} as text`);
      if (!shows(f.resource)) expect.fail(`the HTML does not show the resource ${JSON.stringify(f.resource.slice(0, 200))} as text`);
    }
  }
}

function checkMarkdown(md: string, twinMd: string, what: string): void {
  const scan = scanMarkdown(md);
  const twinScan = scanMarkdown(twinMd);
  if (scan.problems.length) expect.fail(`${what}: ${scan.problems.slice(0, 5).join('\n')}`);
  // <br> is how the renderer writes a line break that was in the data; the twin has none.
  const constructs = (xs: string[]) => xs.filter((c) => c !== 'html <br>');
  expectSameMultiset(constructs(scan.constructs), constructs(twinScan.constructs), `${what}: Markdown constructs (raw HTML, links, autolinks, brackets)`);
  expect(md.split('\n').length, `${what}: a line break from data started a new line`).toBe(twinMd.split('\n').length);
  // A line of nothing but the renderer's own <br> (data that was only line breaks) is an HTML block
  // to CommonMark, and reads as the paragraph it replaces.
  const shape = (line: string, previous?: string) => (/^(<br>|[ \t])+$/.test(line) ? 'paragraph' : blockShape(line, previous));
  const shapes = (text: string) => text.split('\n').map((line, i, all) => shape(line, all[i - 1])).sort();
  expectSameMultiset(shapes(md), shapes(twinMd), `${what}: Markdown blocks`);
}

function checkJunit(hostile: Results): void {
  let doc: XmlElement;
  try {
    doc = parseXml(renderers.junit.render(hostile));
  } catch (e) {
    expect.fail(`junit.xml is not well-formed XML 1.0: ${(e as Error).message}`);
  }
  const cases = childElements(doc).flatMap((suite) => childElements(suite, 'testcase'));
  const names = new Set(cases.map((t) => t.attrs['name']));
  const failures = cases.flatMap((t) => childElements(t, 'failure')).map(textOf);
  for (const c of hostile.controls) {
    const name = cleanText(oneLine(`${c.id} ${c.title}`));
    if (!names.has(name)) expect.fail(`no testcase named ${JSON.stringify(name.slice(0, 200))}`);
    if (c.status !== 'fail') continue;
    for (const f of failing(c)) {
      if (!failures.some((t) => t.includes(cleanText(f.message)))) expect.fail(`no failure text keeps ${JSON.stringify(f.message.slice(0, 200))}`);
    }
  }
}

function checkSarif(hostile: Results, twin: Results): void {
  const log = JSON.parse(renderers.sarif.render(hostile)) as { runs: Array<{ results: Array<{ message: { text: string } }>; tool: { driver: { rules: Array<{ help: { markdown: string } }> } } }> };
  const texts = log.runs[0]!.results.map((r) => readSarifText(r.message.text));
  const linked = texts.find((t) => t.linkBrackets > 0);
  if (linked) expect.fail(`a SARIF message has a bracket a viewer may read as a link: ${JSON.stringify(linked.text.slice(0, 300))}`);
  for (const c of hostile.controls) {
    for (const f of failing(c)) {
      // The finding's message, or — when its listed entries are the whole failure — one result per entry, at its location.
      const keeps = (text: string) => texts.some((t) => t.text.includes(cleanText(text)));
      const byEntries = f.entriesOnly === true && (f.occurrences?.length ?? 0) > 0 && f.occurrences!.every((o) => keeps(o.text));
      if (!byEntries && !keeps(f.message)) expect.fail(`no SARIF message keeps ${JSON.stringify(f.message.slice(0, 200))}`);
    }
  }
  const twinLog = JSON.parse(sarif.render(twin)) as typeof log;
  checkMarkdown(log.runs[0]!.tool.driver.rules.map((r) => r.help.markdown).join('\n\n'), twinLog.runs[0]!.tool.driver.rules.map((r) => r.help.markdown).join('\n\n'), 'SARIF rule help');
}

function checkOscal(hostile: Results): void {
  const doc = JSON.parse(renderers.oscal.render(hostile)) as { 'assessment-results': { results: Array<{ observations?: Array<{ description: string }> }> } };
  const descriptions = (doc['assessment-results'].results[0]!.observations ?? []).map((o) => o.description);
  for (const c of hostile.controls) {
    for (const f of c.findings) {
      if (!descriptions.some((d) => d.startsWith(f.message))) expect.fail(`no OSCAL observation keeps ${JSON.stringify(f.message.slice(0, 200))}`);
    }
  }
}

function checkJson(hostile: Results): void {
  const out = renderers.json.render(hostile);
  const back = parseResults(JSON.parse(out));
  if (!back.success) return expect.fail(`results.json does not read back: ${back.error.message.slice(0, 500)}`);
  expect(renderers.json.render(back.data)).toBe(out);
}

function checkCsvCells(csv: string, columns: number, what: string): string[][] {
  const rows = parsePopulation(csv).rows;
  for (const r of rows) {
    if (r.values.length !== columns) expect.fail(`${what}: row ${r.row} has ${r.values.length} cells, not ${columns}`);
    for (const cell of r.values) {
      if (FORMULA_START.test(cell)) expect.fail(`${what}: a cell a spreadsheet would run as a formula: ${JSON.stringify(cell.slice(0, 200))}`);
      if (CSV_CONTROL.test(cell)) expect.fail(`${what}: a control character in a cell: ${JSON.stringify(cell.slice(0, 200))}`);
    }
  }
  return rows.map((r) => r.values);
}

function checkFindingsCsv(hostile: Results): void {
  const rows = checkCsvCells(renderers['findings-csv'].render(hostile), 16, 'findings.csv');
  // One row per finding, or per entry of a finding that lists them; one row for a control without findings.
  const rowsOf = (c: Results['controls'][number]) => Math.max(1, c.findings.reduce((n, f) => n + Math.max(1, f.occurrences?.length ?? 0), 0));
  expect(rows.length).toBe(hostile.controls.reduce((n, c) => n + rowsOf(c), 0));
}

function checkTerminal(hostile: Results, twin: Results): void {
  const opts = { outDir: 'soc2-report', files: ['soc2-report/report.md', 'soc2-report/report.html'], c: new Chalk({ level: 0 }) };
  const out = renderSummary(hostile, opts);
  const bad = TERMINAL_UNSAFE.exec(out);
  if (bad) expect.fail(`the terminal summary holds U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')}: ${JSON.stringify(out.slice(Math.max(0, bad.index - 80), bad.index + 80))}`);
  expect(out.split('\n').length).toBe(renderSummary(twin, opts).split('\n').length);
}

describe('fuzz: hostile strings through every renderer', () => {
  it('every renderer keeps hostile text inert and intact (property)', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const { hostile, twin } = build(p);
        checkHtml(hostile, twin);
        checkMarkdown(markdown.render(hostile), markdown.render(twin), 'report.md');
        checkJunit(hostile);
        checkSarif(hostile, twin);
        checkOscal(hostile);
        checkJson(hostile);
        checkFindingsCsv(hostile);
        checkTerminal(hostile, twin);
      }),
      fuzzParams(60),
    );
  }, fuzzTimeout(120_000));

  it('the change population CSV keeps hostile pull request titles, logins and branches in their cells (property)', () => {
    const row = (title: string, author: string, branch: string, n: number): ChangeRow => ({
      kind: 'pull_request', repository: 'acme/api', number: n, title, url: `https://github.com/acme/api/pull/${n}`, author, createdAt: '2026-01-01T00:00:00Z',
      mergedAt: '2026-01-02T00:00:00Z', mergedBy: author, mergeCommit: 'a'.repeat(40), baseBranch: branch, headCommit: 'b'.repeat(40),
      approvals: [`${author} APPROVED at 2026-01-01T12:00:00Z on bbbbbbb`], approvedByOther: true, approvedOnFinalCommit: true, checksState: 'SUCCESS', checksPassed: true,
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(hostileString({ huge: true }), hostileString(), hostileString()), { minLength: 1, maxLength: 5 }), (items) => {
        const rows = checkCsvCells(toCsv(items.map(([t, a, b], i) => row(t, a, b, i + 1))), 17, 'change population CSV');
        expect(rows.length).toBe(items.length);
        rows.forEach((cells, i) => {
          const clean = items[i]![0].replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\ufffd');
          expect([clean, `'${clean}`]).toContain(cells[5]);
        });
      }),
      fuzzParams(100),
    );
  });

  it('mdText leaves nothing a Markdown renderer would act on (property)', () => {
    fc.assert(
      fc.property(hostileString(), (s) => {
        const line = `| ${mdText(s)} |`;
        const scan = scanMarkdown(`| a |\n|---|\n${line}`);
        expect(scan.problems).toEqual([]);
        expect(scan.constructs.filter((c) => c !== 'html <br>')).toEqual([]);
        expect(line.includes('\n')).toBe(false);
        // As a paragraph of its own, or right under one, it opens no other block (a line of only
        // the renderer's own <br> is an HTML block to CommonMark, and still just line breaks).
        const md = mdText(s);
        const expected = /^(<br>|[ \t])+$/.test(md) ? ['html', 'paragraph'] : ['paragraph', 'blank'];
        expect(expected).toContain(blockShape(md));
        expect(expected).toContain(blockShape(md, 'Some text.'));
      }),
      fuzzParams(500),
    );
  });
});

/** Minimal cases of what the properties above found, kept as plain tests. */
describe('fuzz findings: renderers', () => {
  const sample = () => BASES[0]!;
  const withFailingFinding = (message: string): Results => {
    const r = structuredClone(sample());
    const c = r.controls.find((x) => x.status === 'fail')!;
    c.findings.find((f) => f.status === 'fail')!.message = message;
    return r;
  };

  it('SARIF and OSCAL render a path holding a lone surrogate (encodeURIComponent threw URIError: exit 4 from soc2 report)', () => {
    const r = structuredClone(sample());
    r.controls[0]!.source = 'controls/GH-\ud800.yaml';
    r.controls[0]!.evidence[0]!.file = 'evidence/github/x-\udc00.json';
    const log = JSON.parse(renderers.sarif.render(r)) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    expect(log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toContain('controls/GH-%EF%BF%BD.yaml');
    expect(renderers.oscal.render(r)).toContain('evidence/github/x-%EF%BF%BD.json');
  });

  it('SARIF escapes every backslash before a bracket, so "\\\\[x](javascript:…)" is no link', () => {
    const log = JSON.parse(renderers.sarif.render(withFailingFinding('a\\\\[x](javascript:alert(1)) b\\[y] c\\d'))) as { runs: Array<{ results: Array<{ message: { text: string } }> }> };
    const texts = log.runs[0]!.results.map((x) => readSarifText(x.message.text));
    expect(texts.every((t) => t.linkBrackets === 0)).toBe(true);
    expect(texts.some((t) => t.text.includes('a\\\\[x](javascript:alert(1)) b\\[y] c\\d'))).toBe(true);
  });

  it('Markdown text of its own never becomes a thematic break or a setext heading ("---", "===")', () => {
    const r = structuredClone(sample());
    r.controls[0]!.description = '---';
    r.controls[1]!.description = '===';
    const help = (JSON.parse(renderers.sarif.render(r)) as { runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { markdown: string } }> } } }> }).runs[0]!.tool.driver.rules;
    const lines = help.flatMap((x) => x.help.markdown.split('\n'));
    expect(lines).toContain('\\---');
    expect(lines).toContain('\\===');
    expect(lines.map((l, i) => blockShape(l, lines[i - 1])).filter((b) => b === 'break' || b === 'setext')).toEqual([]);
  });

  it('report.md links no URL, www. name, e-mail address or @mention from data', () => {
    const md = markdown.render(withFailingFinding('see https://evil.example/x, www.evil.example, mallory@evil.example and @octocat'));
    expect(md).toContain('see https\\://evil.example/x, www\\.evil.example, mallory\\@evil.example and \\@octocat');
    expect(scanMarkdown(md).constructs.filter((c) => /^(bare-|mention)/.test(c))).toEqual([]);
  });

  it('the history section renders a span whose end is not a time, and runs in the period without a first time (RangeError and TypeError: exit 4)', () => {
    const r = structuredClone(BASES[3]!);
    const h = r.history!;
    h.noRun = [{ from: '2026-01-03T00:00:00.000Z', to: 'not a time', intervals: 1 }];
    h.runs = { ...h.runs, inPeriod: 2, first: null, last: null };
    h.controls[0]!.failures = [{ from: 'garbage', to: 'also garbage', runs: 1, lastPassBefore: null, beganBeforePeriod: false }];
    for (const format of ['markdown', 'html'] as const) {
      const out = renderers[format].render(r);
      expect(out).toContain('2026-01-03 to not a time');
      expect(out).toContain('first an unrecorded time, last an unrecorded time');
    }
  });

  it('the terminal summary neutralises control characters in ids, the version and the period', () => {
    const r = structuredClone(sample());
    r.tool.version = '1.0\u001b]0;owned\u0007';
    r.run.period.start = '\u001b[2J2026-01-01';
    for (const c of r.controls) c.id = `\u001b[31m${c.id}\u202e`;
    const out = renderSummary(r, { outDir: 'out', files: ['out/report.md'], c: new Chalk({ level: 0 }) });
    expect(out).not.toMatch(TERMINAL_UNSAFE);
    expect(out).toContain('\ufffd[31mGH-002\ufffd');
  });
});

describe('fuzz: hostile control text on the terminal', () => {
  it('controls list and controls show print hostile titles, descriptions, remediation and references inert (property)', async () => {
    const dir = tempDir('soc2-fuzz-terminal-');
    mkdirSync(join(dir, 'controls'));
    writeFileSync(join(dir, 'soc2.config.yaml'), `controls: { paths: [${JSON.stringify(join(dir, 'controls'))}] }\n`);
    const quoted = (s: string) => JSON.stringify(s);
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString({ minLength: 1 }), { minLength: 6, maxLength: 6 }), async ([title, description, rationale, remediation, reference, message]) => {
        const file = join(dir, 'controls', 'SEC-001.yaml');
        writeFileSync(file, [
          'id: SEC-001',
          `title: ${quoted(title!)}`,
          'criteria: [CC2.3]',
          'severity: medium',
          `description: ${quoted(description!)}`,
          `rationale: ${quoted(rationale!)}`,
          'collector: repo.security-policy',
          `assert: { key: securityPolicyPresent, op: eq, value: true, message: ${quoted(message!)} }`,
          `remediation: ${quoted(remediation!)}`,
          `references: [${quoted(reference!)}]`,
          '',
        ].join('\n'));
        for (const run of [() => listCommand([file], {}), () => listCommand([file], { json: true }), () => showCommand('SEC-001', { config: join(dir, 'soc2.config.yaml') })]) {
          const o = await inProcess(run);
          const problem = contractProblem(o, { allowed: [0, 2], file: 'SEC-001.yaml' });
          if (problem) expect.fail(problem);
        }
      }),
      fuzzParams(40),
    );
  }, fuzzTimeout(120_000));

  it('controls list --json escapes DEL and the C1 controls, which JSON.stringify leaves raw (found by the property)', async () => {
    const dir = tempDir('soc2-fuzz-terminal-json-');
    const file = join(dir, 'SEC-001.yaml');
    writeFileSync(file, 'id: SEC-001\ntitle: "A\\x7f B\\x9b2J C"\ncriteria: [CC2.3]\nseverity: medium\ndescription: d\ncollector: repo.security-policy\nassert: { key: securityPolicyPresent, op: eq, value: true }\nremediation: r\n');
    const o = await inProcess(() => listCommand([file], { json: true }));
    expect(o.code, o.stderr).toBe(0);
    expect(o.stdout).toContain('"title": "A\\u007f B\\u009b2J C"');
    expect(o.stdout).not.toMatch(TERMINAL_UNSAFE);
  });
});
