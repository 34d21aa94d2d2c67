import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { directCommitRow, toCsv } from '../../src/collectors/github/change-rows.js';

function population(dir: string, n: number): string {
  const rows = Array.from({ length: n }, (_, i) =>
    directCommitRow({ repository: 'acme/api', branch: 'main', oid: (i + 1).toString(16).padStart(40, '0'), committedDate: '2026-02-01T00:00:00Z', headline: i === 72 ? 'multi\nline \x1b[31mred' : `change ${i + 1}`, author: 'dev', checksState: 'SUCCESS', url: `https://github.test/acme/api/commit/${i + 1}` }),
  );
  writeFileSync(join(dir, 'changes.csv'), toCsv(rows));
  return 'changes.csv';
}

describe('soc2 sample', () => {
  it('prints the same sampled rows for the same file and seed, with line numbers and content', async () => {
    const cwd = tempDir();
    const file = population(cwd, 100);
    const a = await runCli(['sample', file, '--size', '10', '--seed', '42'], { cwd });
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Population: changes.csv — 100 rows after the header (sha256 ');
    expect(a.stdout).toContain('Re-draw: soc2 sample changes.csv --size 10 --seed 42');
    // Rows 14, 84, 87, 10, 3, 28, 88, 46, 66, 29 (see the sampling unit test), printed in file order.
    const rows = [...a.stdout.matchAll(/^Row (\d+) \(line (\d+) of the file; draw (\d+) of 10\)$/gm)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3])]);
    // Row 73's title spans two lines, so rows after it start two lines below their number.
    expect(rows).toEqual([[3, 4, 5], [10, 11, 4], [14, 15, 1], [28, 29, 6], [29, 30, 10], [46, 47, 8], [66, 67, 9], [84, 86, 2], [87, 89, 3], [88, 90, 7]]);
    expect(a.stdout).toMatch(/ title +change 14\n/);
    expect((await runCli(['sample', file, '--size', '10', '--seed', '42'], { cwd })).stdout).toBe(a.stdout);
    expect((await runCli(['sample', file, '--size', '10', '--seed', '43'], { cwd })).stdout).not.toBe(a.stdout);
  });

  it('shows a value\'s line breaks indented and its control characters harmless', async () => {
    const cwd = tempDir();
    const file = population(cwd, 100);
    const out = (await runCli(['sample', file, '--size', '100', '--seed', '1'], { cwd })).stdout;
    expect(out).not.toContain('\x1b');
    expect(out).toMatch(/title +multi\n +line \uFFFD\[31mred\n/);
    expect(out).toContain('Row 73 (line 74 of the file;');
    expect(out).toContain('Row 74 (line 76 of the file;');
  });

  it('writes CSV and JSON for workpapers', async () => {
    const cwd = tempDir();
    const file = population(cwd, 100);
    const csv = await runCli(['sample', file, '--size', '3', '--seed', '42', '--format', 'csv'], { cwd });
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^sample_draw,source_row,source_line,id,kind,/);
    expect(csv.stdout.split('\r\n').slice(1, 4).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['1,14,15', '2,84,86', '3,87,89']);
    const json = JSON.parse((await runCli(['sample', file, '--size', '3', '--seed', '42', '--format', 'json'], { cwd })).stdout);
    expect(json.sample).toEqual({ size: 3, seed: '42', algorithm: expect.stringContaining('SplitMix64') });
    expect(json.items.map((i: { row: number }) => i.row)).toEqual([14, 84, 87]);
    expect(json.population).toMatchObject({ file: 'changes.csv', rows: 100, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it.each([
    [['--size', '3'], /--seed is required/],
    [['--seed', '1'], /--size is required/],
    [['--size', '0', '--seed', '1'], /is not a whole number of rows/],
    [['--size', '2.5', '--seed', '1'], /is not a whole number of rows/],
    [['--size', '3', '--seed', '-1'], /is not a whole number from 0 to 18446744073709551615/],
    [['--size', '3', '--seed', '18446744073709551616'], /is not a whole number from 0/],
    [['--size', '101', '--seed', '1'], /--size 101 is more than the 100 rows in changes.csv/],
    [['--size', '3', '--seed', '1', '--format', 'xml'], /Allowed choices are text, csv, json/],
  ])('exits 2 for bad arguments: %j', async (args, message) => {
    const cwd = tempDir();
    const file = population(cwd, 100);
    const r = await runCli(['sample', file, ...args], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 naming the file and line of a malformed CSV, and for a missing file', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.csv'), 'id,title\r\n1,ok\r\n2,"unclosed\r\n');
    const bad = await runCli(['sample', 'bad.csv', '--size', '1', '--seed', '1'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad.csv:3: a quoted field is never closed.');
    const missing = await runCli(['sample', 'nope.csv', '--size', '1', '--seed', '1'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv: no such file: the population CSV does not exist.');
  });
});
