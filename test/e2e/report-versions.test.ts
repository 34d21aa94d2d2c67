/**
 * `soc2 report` re-renders results.json of this schema version and of the previous one: a report
 * folder written by an older soc2 still renders, and what it writes back is the current version.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, cleanEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { resultsSchemaErrors } from '../helpers/results-schema.js';
import { renderers } from '../../src/reports/index.js';
import { LEGACY_SCHEMA_VERSION, SCHEMA_VERSION, readResults } from '../../src/results.js';

const LEGACY = fileURLToPath(new URL('../fixtures/results/legacy-1.0.0-sample.json', import.meta.url));
const ALL_FORMATS = Object.keys(renderers).join(',');

describe(`soc2 report: results.json ${LEGACY_SCHEMA_VERSION} and ${SCHEMA_VERSION}`, () => {
  it(`renders every format from a ${LEGACY_SCHEMA_VERSION} file, and writes results.json back as ${SCHEMA_VERSION}`, async () => {
    const dir = tempDir();
    copyFileSync(LEGACY, join(dir, 'results.json'));
    const first = await runCli(['report', 'results.json', '--out', 'v2', '--format', ALL_FORMATS], { cwd: dir, env: cleanEnv() });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const read = (p: string) => readFileSync(join(dir, p), 'utf8');
    const legacy = readResults(JSON.parse(readFileSync(LEGACY, 'utf8')));
    // The reports of the old file are those of the same run in memory, and say which schema they came from.
    expect(read('v2/report.html')).toBe(renderers.html.render(legacy));
    expect(read('v2/report.md')).toContain(`results schema ${LEGACY_SCHEMA_VERSION}`);
    const written = JSON.parse(read('v2/results.json'));
    expect(resultsSchemaErrors(written)).toEqual([]);
    expect(written.schemaVersion).toBe(SCHEMA_VERSION);

    // Re-rendered from the 2.0.0 file it wrote, every human report says the same, but for the version.
    const second = await runCli(['report', 'v2/results.json', '--out', 'again', '--format', ALL_FORMATS], { cwd: dir, env: cleanEnv() });
    expect(second.code).toBe(0);
    const sameBut = (s: string) => s.replaceAll(`schema ${LEGACY_SCHEMA_VERSION}`, `schema ${SCHEMA_VERSION}`);
    for (const name of ['report.html', 'report.md', 'junit.xml', 'results.sarif', 'findings.csv', 'assessment-results.oscal.json']) {
      expect(read(`again/${name}`), name).toBe(sameBut(read(`v2/${name}`)));
    }
    expect(read('again/results.json')).toBe(read('v2/results.json'));
  });

  it('refuses a 2.0.0 file whose control names an evidence file the run does not list, at file:line:col (exit 2)', async () => {
    const dir = tempDir();
    const doc = JSON.parse(renderers.json.render(readResults(JSON.parse(readFileSync(LEGACY, 'utf8')))));
    const at = doc.controls.findIndex((c: { evidence: string[] }) => c.evidence.length > 0);
    doc.controls[at].evidence[0] = 'evidence/gone.json';
    writeFileSync(join(dir, 'results.json'), JSON.stringify(doc, null, 2));
    const r = await runCli(['report', 'results.json', '--out', 'out'], { cwd: dir, env: cleanEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/results\.json:\d+:\d+ is not a soc2 results file/);
    expect(r.stderr).toContain('evidence/gone.json');
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
