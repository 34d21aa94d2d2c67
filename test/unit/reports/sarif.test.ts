import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { sarif } from '../../../src/reports/sarif.js';
import type { ControlResult, Results } from '../../../src/results.js';
import { FIXTURES, loadResults } from './support.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/schemas/sarif-2.1.0.json', import.meta.url)), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(schema);

interface Log {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri: string; rules: Array<{ id: string; defaultConfiguration: { level: string }; properties: { tags: string[]; 'security-severity': string } }> } };
    automationDetails: { id: string };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
      partialFingerprints: { primaryLocationLineHash: string };
      properties: Record<string, unknown>;
    }>;
    properties: Record<string, unknown>;
  }>;
}

function render(r: Results): Log {
  return JSON.parse(sarif.render(r)) as Log;
}

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(ok, JSON.stringify(validate.errors, null, 2)).toBe(true);
}

const sample = loadResults('sample');

describe('reports/sarif', () => {
  it('the vendored schema rejects what SARIF 2.1.0 rejects', () => {
    const good = render(sample);
    expectValid(good);
    expect(validate({ ...good, version: '2.0.0' })).toBe(false);
    const noMessage = structuredClone(good);
    delete (noMessage.runs[0]!.results[0] as { message?: unknown }).message;
    expect(validate(noMessage)).toBe(false);
    const badLine = structuredClone(good);
    badLine.runs[0]!.results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(badLine)).toBe(false);
    const badLevel = structuredClone(good);
    badLevel.runs[0]!.results[0]!.level = 'critical';
    expect(validate(badLevel)).toBe(false);
  });

  for (const name of FIXTURES) {
    it(`${name}: validates against the SARIF 2.1.0 schema, and every result has a physical location`, () => {
      const log = render(loadResults(name));
      expectValid(log);
      expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
      expect(log.version).toBe('2.1.0');
      expect(log.runs).toHaveLength(1);
      for (const res of log.runs[0]!.results) {
        expect(res.locations.length).toBeGreaterThan(0);
        expect(res.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/\S/);
        expect(log.runs[0]!.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
      }
    });
  }

  const log = render(sample);
  const run = log.runs[0]!;

  it('describes the tool and one rule per control, sorted by id, with GitHub severities', () => {
    expect(run.tool.driver).toMatchObject({ name: 'soc2', version: '0.1.0' });
    const ids = run.tool.driver.rules.map((r) => r.id);
    expect(ids).toEqual([...sample.controls.map((c) => c.id)].sort());
    const rule = (id: string) => run.tool.driver.rules.find((r) => r.id === id)!;
    expect(rule('AWS-010').properties['security-severity']).toBe('9.5');
    expect(rule('GH-002').properties['security-severity']).toBe('8.0');
    expect(rule('AWS-001').properties['security-severity']).toBe('5.5');
    expect(rule('REPO-003').properties['security-severity']).toBe('3.0');
    expect(rule('REPO-003').defaultConfiguration.level).toBe('note');
    expect(rule('GH-002').properties.tags).toEqual(['CC8.1', 'CC6.8', 'soc2']);
    expect(run.automationDetails.id).toBe('soc2/');
  });

  it('reports only deviations, controls in error and failing controls with incomplete evidence', () => {
    const expected =
      sample.controls.flatMap((c) => c.findings.filter((f) => f.status === 'fail')).length + sample.controls.filter((c) => c.status === 'error' || c.incomplete).length;
    expect(run.results).toHaveLength(expected);
    const statuses = new Set(run.results.map((r) => r.properties['controlStatus']));
    expect([...statuses].sort()).toEqual(['error', 'fail']);
    expect(run.results.some((r) => r.ruleId === 'GH-010' || r.ruleId === 'GH-001' || r.ruleId === 'POL-001')).toBe(false);
  });

  it('sets the level from severity, and error for a control that could not be evaluated', () => {
    const levels = Object.fromEntries(run.results.map((r) => [r.ruleId, r.level]));
    expect(levels).toEqual({ 'AWS-001': 'error', 'AWS-010': 'error', 'GH-002': 'error', 'REPO-003': 'note' });
    const err = run.results.find((r) => r.ruleId === 'AWS-001')!;
    expect(err.message.text).toContain('could not be evaluated');
    expect(err.message.text).toContain('Grant config:DescribeConfigurationRecorders');
  });

  it('anchors account- and org-level findings to the control file, and repository files to themselves', () => {
    const uri = (ruleId: string, resource: string) =>
      run.results.find((r) => r.ruleId === ruleId && r.properties['resource'] === resource)!.locations[0]!.physicalLocation;
    expect(uri('GH-002', 'acme/api')).toEqual({ artifactLocation: { uri: 'controls/GH-002.yaml' }, region: { startLine: 1 } });
    expect(uri('AWS-010', 'acme-public-assets').artifactLocation.uri).toBe('controls/AWS-010.yaml');
    expect(uri('REPO-003', '.github/workflows/ci.yml').artifactLocation.uri).toBe('.github/workflows/ci.yml');
  });

  it('reports the incomplete evidence of a failing control once, at the control, beside its deviations', () => {
    const aws = run.results.filter((r) => r.ruleId === 'AWS-010');
    expect(aws.map((r) => r.properties['resource'] ?? 'control')).toEqual(['control', 'acme-public-assets']);
    expect(aws[0]).toMatchObject({ level: 'error', properties: { controlStatus: 'fail', gaps: [expect.stringContaining('ap-southeast-2')] } });
    expect(aws[0]!.message.text).toMatch(/^SAMPLE DATA: AWS-010 fails on incomplete evidence: 1 of 4 resources fails: .* Grant config:SelectAggregateResourceConfig/);
  });

  it('puts resource, region and account in properties', () => {
    const aws = run.results.find((r) => r.ruleId === 'AWS-010' && r.properties['resource'])!;
    expect(aws.properties).toMatchObject({ resource: 'acme-public-assets', resourceType: 'AWS::S3::Bucket', region: 'us-east-1', account: '123456789012' });
    expect(aws.message.text).toContain('(account 123456789012, region us-east-1)');
  });

  it('gives every result a stable fingerprint that depends on the control and resource only', () => {
    const hashes = run.results.map((r) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(hashes).size).toBe(hashes.length);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
    const reworded: Results = {
      ...sample,
      run: { ...sample.run, id: 'another-run', startedAt: '2026-05-01T00:00:00.000Z' },
      controls: sample.controls.map((c) => ({ ...c, findings: c.findings.map((f) => ({ ...f, message: `${f.message} (reworded)` })) })),
    };
    expect(render(reworded).runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash)).toEqual(hashes);
  });

  it('escapes brackets so data cannot become a SARIF embedded link, and keeps unicode', () => {
    const docs = run.results.find((r) => r.properties['resource'] === 'acme/docs')!;
    expect(docs.message.text).toContain('\\[click\\](javascript:alert(1))');
    expect(sarif.render(sample)).toContain('Füße 🚀');
  });

  it('marks results as sample data when the run used it', () => {
    for (const r of run.results) expect(r.message.text).toMatch(/^SAMPLE DATA: /);
    expect(run.properties['sample']).toBe(true);
    expect(sarif.render(loadResults('minimal'))).not.toContain('SAMPLE DATA');
  });

  it('still reports a failing control that has no failing resource to point at', () => {
    const emptyFail: ControlResult = {
      ...sample.controls.find((c) => c.id === 'AWS-020')!,
      status: 'fail',
      statusReason: 'Nothing to check: the collector found no resources, and this control requires at least one.',
    };
    const out = render({ ...sample, controls: [emptyFail] });
    expectValid(out);
    expect(out.runs[0]!.results).toHaveLength(1);
    expect(out.runs[0]!.results[0]).toMatchObject({ ruleId: 'AWS-020', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'controls/AWS-020.yaml' } } }] });
  });

  it('makes control files inside the checkout repository-relative and encodes anything else as a valid URI', () => {
    const base = sample.controls.find((c) => c.id === 'AWS-001')!;
    const at = (source: string): string => {
      const out = render({ ...sample, controls: [{ ...base, source }] });
      expectValid(out);
      return out.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    };
    expect(at('/tmp/soc2-demo/acme-app/policies/AWS-001.yaml')).toBe('policies/AWS-001.yaml');
    expect(at('./my controls/AWS 001.yaml')).toBe('my%20controls/AWS%20001.yaml');
    expect(at('/etc/soc2/AWS-001.yaml')).toBe('file:///etc/soc2/AWS-001.yaml');
    expect(at('C:\\soc2\\AWS-001.yaml')).toBe('file:///C:/soc2/AWS-001.yaml');
  });

  it('does not mistake a repository name or an unsafe path for a file of the checkout', () => {
    const base = sample.controls.find((c) => c.id === 'REPO-003')!;
    const uriFor = (resource: string, extra: Partial<ControlResult> = {}) => {
      const c: ControlResult = { ...base, ...extra, findings: [{ resource, status: 'fail', message: `${resource}: x.` }] };
      return render({ ...sample, controls: [c] }).runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    };
    expect(uriFor('acme/app')).toBe('controls/REPO-003.yaml');
    expect(uriFor('../../etc/passwd.txt')).toBe('controls/REPO-003.yaml');
    expect(uriFor('/etc/passwd.txt')).toBe('controls/REPO-003.yaml');
    expect(uriFor('docs/CODEOWNERS')).toBe('docs/CODEOWNERS');
    expect(uriFor('.github/workflows/ci.yml', { collector: 'github.workflows' })).toBe('.github/workflows/ci.yml');
    expect(uriFor('src/Füße 🚀.ts')).toBe('src/F%C3%BC%C3%9Fe%20%F0%9F%9A%80.ts');
  });

  it('anchors a built-in control to the configuration file in the repository, since its own YAML is not there', () => {
    const base = loadResults('sample');
    const failing = base.controls.find((c) => c.status === 'fail' && !c.collector?.startsWith('repo.'))!;
    const r: Results = {
      ...base,
      run: { ...base.run, config: { file: `${base.run.scope.repo.path}/soc2.config.yaml`, sha256: null } },
      controls: [{ ...failing, builtin: true }],
    };
    const uris = render(r).runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris.length).toBeGreaterThan(0);
    expect(new Set(uris)).toEqual(new Set(['soc2.config.yaml']));
    // a user's own control keeps its own file
    const own = render({ ...r, controls: [{ ...failing, builtin: false }] }).runs[0]!.results[0]!;
    expect(own.locations[0]!.physicalLocation.artifactLocation.uri).toBe(failing.source);
  });

  describe('locations from the evidence', () => {
    const base = sample.controls.find((c) => c.id === 'REPO-003')!;
    const secret = (file: string, line: number, column: number) => ({
      field: 'secrets found (values redacted)',
      text: `${file}:${line}: aws-access-key-id AKIA…(20 chars)`,
      location: { file, line, column },
    });
    const place = (r: Log['runs'][number]['results'][number]) => {
      const p = r.locations[0]!.physicalLocation;
      return `${p.artifactLocation.uri}:${p.region.startLine}${'startColumn' in p.region ? `:${(p.region as { startColumn: number }).startColumn}` : ''}`;
    };
    const withFindings = (...findings: ControlResult['findings']): Log => {
      const out = render({ ...sample, controls: [{ ...base, id: 'REPO-008', findings }] });
      expectValid(out);
      return out;
    };

    it('gives each secret a result of its own at its file, line and column, valid against the SARIF schema', () => {
      const out = withFindings({
        resource: 'acme/api', status: 'fail', message: 'acme/api: secrets found is 3 items (…); required: no secrets.', entriesOnly: true,
        occurrences: [secret('config/prod.yaml', 6, 22), secret('deploy/env', 1, 1), secret('src/Füße.ts', 40, 7)],
      });
      const results = out.runs[0]!.results;
      expect(results.map(place)).toEqual(['config/prod.yaml:6:22', 'deploy/env:1:1', 'src/F%C3%BC%C3%9Fe.ts:40:7']);
      expect(results[0]!.message.text).toBe('SAMPLE DATA: acme/api: secrets found (values redacted): config/prod.yaml:6: aws-access-key-id AKIA…(20 chars)');
      expect(new Set(results.map((r) => r.partialFingerprints.primaryLocationLineHash)).size).toBe(3);
    });

    it('keeps the finding itself when something besides its listed entries fails, or when entries were left out', () => {
      const mixed = withFindings({
        resource: 'acme/api', status: 'fail', message: 'acme/api: invalid lines is 1 item; catch-all rule present is false.', location: { file: '.github/CODEOWNERS' },
        occurrences: [{ field: 'invalid CODEOWNERS lines', text: 'line 6: bad owner', location: { file: '.github/CODEOWNERS', line: 6 } }],
      });
      expect(mixed.runs[0]!.results.map(place)).toEqual(['.github/CODEOWNERS:6', '.github/CODEOWNERS:1']);
      const cut = withFindings({ resource: 'acme/api', status: 'fail', message: 'acme/api: secrets found is 1500 items.', entriesOnly: true, occurrences: [secret('a.env', 2, 3)], occurrenceCount: 1500 });
      expect(cut.runs[0]!.results.map(place)).toEqual(['a.env:2:3', 'controls/REPO-003.yaml:1']);
    });

    it('points a repository-level finding at the file that decides it, and never at a path outside the checkout', () => {
      const out = withFindings(
        { resource: 'acme/api', status: 'fail', message: 'acme/api: security policy names a contact is false.', location: { file: 'SECURITY.md' } },
        { resource: 'acme/web', status: 'fail', message: 'acme/web: x.', location: { file: '../../etc/passwd' }, occurrences: [{ field: 'f', text: 't', location: { file: '/etc/shadow', line: 3 } }] },
      );
      expect(out.runs[0]!.results.map(place)).toEqual(['SECURITY.md:1', 'controls/REPO-003.yaml:1']);
    });

    it('reads a results.json written before findings had locations, as before', () => {
      const old = JSON.parse(JSON.stringify(sample)) as Results;
      for (const c of old.controls) for (const f of c.findings) delete f.location, delete f.occurrences, delete f.entriesOnly;
      const out = render(old);
      expectValid(out);
      const ci = out.runs[0]!.results.find((r) => r.ruleId === 'REPO-003')!;
      expect(place(ci)).toBe('.github/workflows/ci.yml:1');
      expect(ci.message.text).toContain('unpinned actions is 1 item');
    });
  });
});
