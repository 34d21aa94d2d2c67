import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { json } from '../../../src/reports/json.js';
import { LEGACY_SCHEMA_VERSION, SCHEMA_VERSION, readResults, resultsSchema, type Results } from '../../../src/results.js';
import { resultsSchemaErrors } from '../../helpers/results-schema.js';
import { FIXTURES, loadResults } from './support.js';

const byId = <T extends { id: string }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));

function legacySample(): Results {
  const path = fileURLToPath(new URL('../../fixtures/results/legacy-1.0.0-sample.json', import.meta.url));
  return readResults(JSON.parse(readFileSync(path, 'utf8')));
}

describe('reports/json', () => {
  for (const name of FIXTURES) {
    it(`${name}: round-trips to valid results with the same content`, () => {
      const r = loadResults(name);
      const out = json.render(r);
      expect(out).toMatch(/^\{\n {2}"/);
      expect(resultsSchemaErrors(JSON.parse(out))).toEqual([]);
      const back = readResults(JSON.parse(out));
      expect(back.summary).toEqual(r.summary);
      expect(back.run).toEqual(r.run);
      expect(byId(back.controls)).toEqual(byId(r.controls).map((c) => ({ ...c, findings: expect.arrayContaining(c.findings) as unknown, evidence: expect.arrayContaining(c.evidence) as unknown })));
      expect(json.render(back)).toBe(out);
    });
  }

  it('sorts controls by id and puts deviations first within a control', () => {
    const back = JSON.parse(json.render(loadResults('sample'))) as { controls: Array<{ id: string; findings: Array<{ status: string; resource: string }> }> };
    const ids = back.controls.map((c) => c.id);
    expect(ids).toEqual([...ids].sort());
    const gh002 = back.controls.find((c) => c.id === 'GH-002')!;
    expect(gh002.findings.map((f) => f.status)).toEqual(['fail', 'fail', 'fail', 'excepted', 'not_applicable']);
  });

  it('keeps unicode as characters rather than \\u escapes', () => {
    expect(json.render(loadResults('sample'))).toContain('Füße 🚀');
  });
});

describe(`results.json ${SCHEMA_VERSION}: proportional to what needs attention`, () => {
  const legacy = legacySample();
  const written = resultsSchema.parse(JSON.parse(json.render(legacy)));

  it('counts passing findings without listing them, and keeps every other finding in full', () => {
    expect(written.schemaVersion).toBe(SCHEMA_VERSION);
    for (const c of legacy.controls) {
      const out = written.controls.find((x) => x.id === c.id)!;
      expect(out.findings.some((f) => f.status === 'pass')).toBe(false);
      expect(out.counts).toEqual(c.counts);
      expect(out.findings).toEqual(expect.arrayContaining(c.findings.filter((f) => f.status !== 'pass')));
      expect(out.findings).toHaveLength(c.findings.filter((f) => f.status !== 'pass').length);
    }
    // The legacy fixture does list passing findings: the slimming above did something.
    expect(legacy.controls.flatMap((c) => c.findings).filter((f) => f.status === 'pass').length).toBeGreaterThan(0);
  });

  it('holds each evidence reference once, at the top, and controls name their files', () => {
    const files = written.evidence.map((e) => e.file);
    expect(files).toEqual([...new Set(files)].sort());
    const shared = new Map<string, number>();
    for (const c of legacy.controls) for (const e of c.evidence) shared.set(e.file, (shared.get(e.file) ?? 0) + 1);
    expect(files).toEqual([...shared.keys()].sort());
    for (const c of written.controls) {
      expect(c.evidence.every((f) => typeof f === 'string' && files.includes(f))).toBe(true);
      expect(c.evidence).toEqual(legacy.controls.find((x) => x.id === c.id)!.evidence.map((e) => e.file).sort());
    }
  });

  it('refuses a control that names an evidence file the run does not describe, saying where', () => {
    const doc = JSON.parse(json.render(legacy)) as { controls: Array<{ evidence: string[] }> };
    const at = doc.controls.findIndex((c) => c.evidence.length > 0);
    doc.controls[at]!.evidence[0] = 'evidence/missing.json';
    const parsed = resultsSchema.safeParse(doc);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['controls', at, 'evidence', 0]);
    expect(parsed.error!.issues[0]!.message).toContain('evidence/missing.json');
  });

  it(`still reads ${LEGACY_SCHEMA_VERSION} files, with the version they were written in`, () => {
    expect(legacy.schemaVersion).toBe(LEGACY_SCHEMA_VERSION);
    expect(legacy.controls.find((c) => c.id === 'GH-002')!.evidence[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
