/**
 * Fuzzing `soc2 report`, which re-renders whatever results.json it is handed. Mutated real files
 * (keys deleted, duplicated or renamed; values of another type, hostile or 100 kB long; numbers
 * beyond double range; nesting near the limit; truncation, flipped bits, invalid UTF-8, BOMs,
 * CRLF) and generated ones (real results with hostile strings in every free-text field) must end
 * in exit 0 with every format written and valid, or exit 2 naming the file with line and column
 * — never exit 4, a stack trace or a hang. Runs in this process through the command function
 * and the CLI's own error mapping.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportCommand } from '../../src/cli/commands/report.js';
import { renderers } from '../../src/reports/index.js';
import { resultsSchema, toResultsFile } from '../../src/results.js';
import { parsePopulation } from '../../src/evidence/population.js';
import { jsonValueOffset } from '../../src/json-input.js';
import { tempDir } from '../helpers/tmp.js';
import { parseXml } from '../unit/reports/support.js';
import { contractProblem, fuzzParams, fuzzTimeout, hasLineCol, hostileString, hugeString, inProcess, jsonMutations, mutateJson, type Outcome } from './support.js';
import { baseResults, fixturePath, hostileAndTwin, sampleWithHistory } from './results-fixtures.js';
import { tokenizeHtml } from './outputs.js';

const ALL_FORMATS = Object.keys(renderers).join(',');
// The previous schema version too: `soc2 report` still renders a 1.0.0 file.
const SEEDS = [readFileSync(fixturePath('sample'), 'utf8'), readFileSync(fixturePath('minimal'), 'utf8'), renderers.json.render(sampleWithHistory()), readFileSync(fixturePath('legacy-1.0.0-sample'), 'utf8')];

/** What exit 0 must leave behind: every format, each one readable as what it claims to be. */
function expectValidReports(out: string): void {
  const read = (name: string) => readFileSync(join(out, name), 'utf8');
  expect(resultsSchema.safeParse(JSON.parse(read('results.json'))).success).toBe(true);
  const html = read('report.html');
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(tokenizeHtml(html).filter((t) => t.type === 'start' && t.name === 'script')).toEqual([]);
  expect(read('report.md').endsWith('\n')).toBe(true);
  parseXml(read('junit.xml'));
  JSON.parse(read('results.sarif'));
  JSON.parse(read('assessment-results.oscal.json'));
  for (const row of parsePopulation(read('findings.csv')).rows) expect(row.values.length).toBe(16);
}

/** The report contract: exit 0 with valid reports, or exit 2 at file:line:col (line 0 only for a file too large to read). */
function expectReportContract(o: Outcome, file: string, out: string): void {
  const problem = contractProblem(o, { allowed: [0, 2], file });
  if (problem) expect.fail(problem);
  if (o.code === 0) expectValidReports(out);
  else if (!hasLineCol(o.stderr, file)) expect.fail(`exit 2 without a line and column: ${o.stderr}`);
}

describe('fuzz: soc2 report', () => {
  it('a mutated real results.json renders every format, or is exit 2 at file:line:col', async () => {
    const dir = tempDir('soc2-fuzz-report-');
    const file = join(dir, 'results.json');
    const out = join(dir, 'out');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS.keys()), jsonMutations, async (seed, mutations) => {
        writeFileSync(file, mutateJson(SEEDS[seed]!, mutations));
        expectReportContract(await inProcess(() => reportCommand(file, { out, format: ALL_FORMATS })), file, out);
      }),
      fuzzParams(150),
    );
  }, fuzzTimeout(120_000));

  it('a generated results.json with hostile text everywhere renders every format (exit 0)', async () => {
    const dir = tempDir('soc2-fuzz-report-gen-');
    const file = join(dir, 'results.json');
    const out = join(dir, 'out');
    const bases = baseResults();
    const plan = fc.record({
      base: fc.integer({ min: 0, max: bases.length - 1 }),
      strings: fc.array(hostileString(), { minLength: 1, maxLength: 6 }),
      stride: fc.integer({ min: 1, max: 5 }),
      offset: fc.integer({ min: 0, max: 4 }),
      huge: fc.option(fc.record({ at: fc.nat(), text: hugeString }), { freq: 4 }),
      indent: fc.constantFrom(0, 2, '\t'),
    });
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const { hostile } = hostileAndTwin(bases[p.base]!, p);
        writeFileSync(file, JSON.stringify(toResultsFile(hostile), null, p.indent));
        const o = await inProcess(() => reportCommand(file, { out, format: ALL_FORMATS }));
        expect(o.code, o.stderr).toBe(0);
        expectReportContract(o, file, out);
      }),
      fuzzParams(40),
    );
  }, fuzzTimeout(120_000));

  it('jsonValueOffset points at the value a path names, in any layout (property)', () => {
    const pathsOf = (v: unknown, path: Array<string | number> = []): Array<Array<string | number>> => [
      path,
      ...(Array.isArray(v) ? v.flatMap((x, i) => pathsOf(x, [...path, i])) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => pathsOf(x, [...path, k])) : []),
    ];
    const valueAt = (v: unknown, path: Array<string | number>) => path.reduce<unknown>((x, seg) => (x as Record<string | number, unknown>)[seg], v);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(undefined, 1, 2, '\t'), fc.nat(), (value, indent, pick) => {
        const text = JSON.stringify(value, null, indent);
        const paths = pathsOf(JSON.parse(text));
        const path = paths[pick % paths.length]!;
        const at = jsonValueOffset(text, path);
        // The value written from `at` on is the value at the path.
        const expected = JSON.stringify(valueAt(JSON.parse(text), path), null, indent);
        const firstLine = expected.split('\n')[0]!;
        expect(text.slice(at, at + firstLine.length)).toBe(firstLine);
      }),
      fuzzParams(500),
    );
  });
});

/** Minimal cases of what the properties above found, kept as plain tests. */
describe('fuzz findings: soc2 report', () => {
  it('a value of the wrong shape is reported at its line and column, not only by its path', async () => {
    const dir = tempDir('soc2-fuzz-report-min-');
    const file = join(dir, 'results.json');
    const text = renderers.json.render(baseResults()[2]!).replace('"severity": "medium"', '"severity": "urgent"');
    writeFileSync(file, text);
    const o = await inProcess(() => reportCommand(file, { out: join(dir, 'out'), format: 'markdown' }));
    expect(o.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.includes('"urgent"')) + 1;
    expect(o.stderr).toContain(`${file}:${line}:19 is not a soc2 results file (controls.`);
  });

  it('nesting beyond the limit is reported where it starts', async () => {
    const dir = tempDir('soc2-fuzz-report-deep-');
    const file = join(dir, 'results.json');
    writeFileSync(file, `{\n  "x": ${'['.repeat(200)}${']'.repeat(200)}\n}\n`);
    const o = await inProcess(() => reportCommand(file, { out: join(dir, 'out'), format: 'markdown' }));
    expect(o.code).toBe(2);
    expect(o.stderr).toContain(`${file}:2:${8 + 127} nests more than 128 levels deep here`);
  });
});
