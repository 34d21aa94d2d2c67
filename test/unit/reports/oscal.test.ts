/**
 * The schemas in test/fixtures/schemas/oscal_*_schema.json are NIST's OSCAL 1.1.3 release files
 * (oscal_assessment-results_schema.json, oscal_catalog_schema.json), taken unchanged from the copy
 * oscal-compass/compliance-trestle vendors in release-schemas/ (commit ffc17c31, "upgrade to OSCAL
 * 1.1.3"); their $id names the version.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { oscal } from '../../../src/reports/oscal.js';
import { OSCAL_VERSION, TSC_CATALOG_UUID, tscCatalog, uuidV5 } from '../../../src/reports/oscal-catalog.js';
import type { Results } from '../../../src/results.js';
import { FIXTURES, loadResults } from './support.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function validator(file: string) {
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/schemas/${file}`, import.meta.url)), 'utf8')) as { $id: string };
  // NIST's schemas use draft-07 keywords ajv's strict mode does not know (e.g. contentEncoding).
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return { validate: ajv.compile(schema), id: schema.$id };
}

const ar = validator('oscal_assessment-results_schema.json');
const cat = validator('oscal_catalog_schema.json');

function expectValid(v: ReturnType<typeof validator>, doc: unknown): void {
  const ok = v.validate(doc);
  expect(ok, JSON.stringify(v.validate.errors?.slice(0, 5), null, 2)).toBe(true);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;
const render = (r: Results): Doc => JSON.parse(oscal.render(r));
const sample = loadResults('sample');

describe('reports/oscal', () => {
  it('vendors the NIST OSCAL 1.1.3 schemas it declares', () => {
    expect(OSCAL_VERSION).toBe('1.1.3');
    expect(ar.id).toBe('http://csrc.nist.gov/ns/oscal/1.1.3/oscal-ar-schema.json');
    expect(cat.id).toBe('http://csrc.nist.gov/ns/oscal/1.1.3/oscal-catalog-schema.json');
  });

  for (const fixture of FIXTURES) {
    it(`${fixture}: is valid against the assessment-results schema and declares OSCAL ${OSCAL_VERSION}`, () => {
      const doc = render(loadResults(fixture));
      expectValid(ar, doc);
      expect(doc['assessment-results'].metadata['oscal-version']).toBe(OSCAL_VERSION);
    });
  }

  it('the vendored schema rejects what OSCAL rejects', () => {
    const good = render(sample);
    const badState = structuredClone(good);
    badState['assessment-results'].results[0].findings[0].target.status.state = 'compliant';
    expect(ar.validate(badState)).toBe(false);
    const noAp = structuredClone(good);
    delete noAp['assessment-results']['import-ap'];
    expect(ar.validate(noAp)).toBe(false);
    const badUuid = structuredClone(good);
    badUuid['assessment-results'].uuid = 'not-a-uuid';
    expect(ar.validate(badUuid)).toBe(false);
  });

  it('embeds a valid OSCAL catalog of all 61 criteria, which the findings target', () => {
    const doc = render(sample);
    const resource = doc['assessment-results']['back-matter'].resources.find((r: { uuid: string }) => r.uuid === TSC_CATALOG_UUID);
    expect(resource.base64['media-type']).toBe('application/oscal.catalog+json');
    const catalog = JSON.parse(Buffer.from(resource.base64.value, 'base64').toString('utf8'));
    expectValid(cat, catalog);
    expect(catalog).toEqual(tscCatalog(sample.run.finishedAt));
    const ids = catalog.catalog.groups.flatMap((g: Doc) => g.groups.flatMap((s: Doc) => s.controls.map((c: Doc) => c.id)));
    expect(ids).toHaveLength(61);
    expect(new Set(ids).size).toBe(61);
    expect(ids.slice(0, 2)).toEqual(['CC1.1', 'CC1.2']);
    expect(ids).toContain('P8.1');
    expect(catalog.catalog.groups.map((g: Doc) => g.id)).toEqual(['security', 'availability', 'confidentiality', 'processing-integrity', 'privacy']);
    const result = doc['assessment-results'].results[0];
    const selected = result['reviewed-controls']['control-selections'][0]['include-controls'].map((c: Doc) => c['control-id']);
    for (const f of result.findings) {
      expect(ids).toContain(f.target['target-id']);
      expect(selected).toContain(f.target['target-id']);
    }
  });

  it('calls only a passing control satisfied; fail, error, manual, excepted and not applicable are not', () => {
    const result = render(sample)['assessment-results'].results[0];
    const byStatus = new Map<string, Set<string>>();
    for (const f of result.findings) {
      const status = f.props.find((p: Doc) => p.name === 'control-status').value;
      byStatus.set(status, (byStatus.get(status) ?? new Set()).add(`${f.target.status.state}/${f.target.status.reason}`));
    }
    expect(byStatus.get('pass')).toEqual(new Set(['satisfied/pass']));
    expect(byStatus.get('fail')).toEqual(new Set(['not-satisfied/fail']));
    for (const s of ['error', 'manual', 'excepted', 'not_applicable']) if (byStatus.has(s)) expect(byStatus.get(s), s).toEqual(new Set(['not-satisfied/other']));
    expect([...byStatus.keys()].sort()).toEqual(expect.arrayContaining(['error', 'fail', 'manual', 'pass']));
  });

  it('records one observation per finding, citing its evidence file and hash, and links findings to them', () => {
    const doc = render(sample);
    const result = doc['assessment-results'].results[0];
    const gh = sample.controls.find((c) => c.id === 'GH-002')!;
    const obs = result.observations.filter((o: Doc) => o.props.some((p: Doc) => p.name === 'control-id' && p.value === 'GH-002'));
    expect(obs).toHaveLength(gh.findings.length);
    const legacy = obs.find((o: Doc) => o.title === 'GH-002: acme/legacy');
    expect(legacy.description).toContain('Exception: Frozen legacy service');
    expect(legacy['relevant-evidence'][0]).toMatchObject({ href: gh.evidence[0]!.file, props: [{ name: 'sha256', value: gh.evidence[0]!.sha256 }] });
    const finding = result.findings.find((f: Doc) => f.title.startsWith('CC8.1 — GH-002'));
    expect(finding['related-observations'].map((r: Doc) => r['observation-uuid']).sort()).toEqual(obs.map((o: Doc) => o.uuid).sort());
    const resources = doc['assessment-results']['back-matter'].resources;
    const evidence = resources.find((r: Doc) => r.title === gh.evidence[0]!.file);
    expect(evidence.rlinks[0].hashes).toEqual([{ algorithm: 'SHA-256', value: gh.evidence[0]!.sha256 }]);
    const attachment = sample.controls.flatMap((c) => c.evidence.flatMap((e) => e.attachments ?? []))[0]!;
    expect(resources.find((r: Doc) => r.title === attachment.file).rlinks[0]).toEqual({ href: attachment.file, 'media-type': 'text/csv', hashes: [{ algorithm: 'SHA-256', value: attachment.sha256 }] });
  });

  it('says it is one point-in-time test and not an opinion, and marks sample data', () => {
    const doc = render(sample);
    const result = doc['assessment-results'].results[0];
    expect(result.description).toContain('This run is a point-in-time test inside the period (2026-01-01 to 2026-03-31)');
    expect(result.remarks).toContain('It is not an auditor\'s opinion');
    expect(doc['assessment-results'].metadata.title).toMatch(/^SAMPLE DATA/);
    expect(render(loadResults('minimal'))['assessment-results'].metadata.title).not.toMatch(/SAMPLE/);
  });

  it('uses name-based version 5 UUIDs (RFC 4122), so the same run gives the same identifiers', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const other = { ...sample, run: { ...sample.run, id: 'another-run' } };
    expect(render(other)['assessment-results'].uuid).not.toBe(render(sample)['assessment-results'].uuid);
    const uuids = oscal.render(sample).match(/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g)!;
    const defined = JSON.stringify(render(sample)).match(/"uuid":"[^"]+"/g)!;
    expect(new Set(defined).size).toBe(defined.length);
    expect(uuids.length).toBeGreaterThan(defined.length);
  });

  it('stays valid with text OSCAL cannot carry in a property (line breaks, leading spaces) and odd evidence paths', () => {
    const odd = structuredClone(sample);
    const c = odd.controls.find((x) => x.id === 'GH-002')!;
    c.findings[0]!.resource = '  acme/with\nnewline  ';
    c.findings[0]!.evidence = 'evidence/github/has space#and?query.json';
    c.evidence.push({ ...c.evidence[0]!, file: 'evidence/github/has space#and?query.json' });
    const doc = render(odd);
    expectValid(ar, doc);
    expect(JSON.stringify(doc)).toContain('evidence/github/has%20space%23and%3Fquery.json');
  });
});
