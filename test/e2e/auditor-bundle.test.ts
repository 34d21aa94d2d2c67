/**
 * The auditor's path end to end on the demo's real output: sign the report directory the demo
 * wrote (with the attestation module: `soc2 run` does not sign yet), re-render OSCAL and
 * findings.csv from its results.json, encrypt it to the auditor, decrypt it, and verify it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { hashBundleFiles, predicateFromResults, writeAttestation } from '../../src/evidence/attestation.js';
import { loadSigningKey } from '../../src/evidence/keys.js';
import { walkBundle } from '../../src/evidence/walk.js';
import { resultsSchema } from '../../src/results.js';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

describe('the auditor bundle, from soc2 demo output', () => {
  it('signs, re-renders, encrypts, decrypts and verifies the demo report; a changed file is then named', async () => {
    const cwd = tempDir();
    expect((await runCli(['demo', '--out', 'report'], { cwd })).code).toBe(0);
    const report = join(cwd, 'report');

    const formats = await runCli(['report', 'report/results.json', '--format', 'oscal,findings-csv'], { cwd });
    expect(formats.code).toBe(0);
    const schema = JSON.parse(readFileSync(new URL('../fixtures/schemas/oscal_assessment-results_schema.json', import.meta.url), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const oscal = JSON.parse(readFileSync(join(report, 'assessment-results.oscal.json'), 'utf8'));
    expect(validate(oscal), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(readFileSync(join(report, 'findings.csv'), 'utf8').split('\r\n')[0]).toMatch(/^control_id,/);

    expect((await runCli(['keygen', '--out', 'signer'], { cwd })).code).toBe(0);
    const key = loadSigningKey({ file: join(cwd, 'signer.key'), env: {} })!;
    const results = resultsSchema.parse(JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')));
    const files = walkBundle(report).map((e) => e.path);
    writeAttestation({ dir: report, files: hashBundleFiles(report, files), predicate: predicateFromResults(results, null), key });

    const identity = await generateIdentity();
    writeFileSync(join(cwd, 'auditor.txt'), `${identity}\n`);
    expect((await runCli(['encrypt', 'report', '--to', await identityToRecipient(identity)], { cwd })).code).toBe(0);
    expect((await runCli(['decrypt', 'report.tar.age', '--identity', 'auditor.txt', '--out', 'received'], { cwd })).code).toBe(0);

    const ok = await runCli(['verify', 'received', '--key', 'signer.pub'], { cwd });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`Every one of the ${files.length} files the statement lists matches its SHA-256`);
    expect(ok.stdout).toContain('(SAMPLE DATA from soc2 demo)');

    const evidence = results.controls.find((c) => c.id === 'GH-002')!.evidence[0]!.file;
    writeFileSync(join(cwd, 'received', evidence), readFileSync(join(cwd, 'received', evidence), 'utf8').replace('"protected": false', '"protected": true'));
    const tampered = await runCli(['verify', 'received', '--key', 'signer.pub'], { cwd });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`${evidence}: contents changed since the run`);
  }, 90_000);
});
