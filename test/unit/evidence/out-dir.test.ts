import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_MARKER, inspectOutDir, stageReport } from '../../../src/evidence/out-dir.js';
import { sealBundle } from '../../../src/evidence/run-bundle.js';
import { ATTESTATION_FILE } from '../../../src/evidence/attestation.js';
import { sampleResults } from './bundle-fixture.js';
import { OutputPathError } from '../../../src/fs-safe.js';
import { tempDir } from '../../helpers/tmp.js';

const stage = (parent: string) => stageReport(join(parent, 'soc2-report'), { cwd: parent, shown: 'soc2-report' });

describe('evidence/out-dir', () => {
  it('tells a soc2 report, an empty directory, a foreign one, a file and a link apart (a marker that is a link does not count)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'report'));
    writeFileSync(join(dir, 'report', REPORT_MARKER), '');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'foreign'));
    symlinkSync(join(dir, 'report', REPORT_MARKER), join(dir, 'foreign', REPORT_MARKER));
    writeFileSync(join(dir, 'file'), '');
    symlinkSync(join(dir, 'report'), join(dir, 'link'));
    expect(['report', 'empty', 'foreign', 'file', 'link', 'absent'].map((n) => inspectOutDir(join(dir, n)))).toEqual(['report', 'empty', 'foreign', 'not-directory', 'symlink', 'absent']);
  });

  it('writes nothing at --out until commit, then swaps the whole report in, marker included', () => {
    const dir = tempDir();
    const staged = stage(dir);
    staged.write('evidence/repo/a.json', '{}\n');
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^\.soc2-report\.soc2-tmp-/)]);
    expect(staged.commit()).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['soc2-report']);
    expect(readdirSync(join(dir, 'soc2-report')).sort()).toEqual([REPORT_MARKER, 'evidence']);
    expect(() => staged.write('late.json', '{}')).toThrow(/after the report was committed/);
    staged.discard(); // after commit: nothing to undo, the report stays
    expect(readFileSync(join(dir, 'soc2-report', 'evidence', 'repo', 'a.json'), 'utf8')).toBe('{}\n');
  });

  it('builds the statement from what it wrote: a file slipped into the staging directory is not a subject, nor the marker', () => {
    const dir = tempDir();
    const staged = stage(dir);
    staged.write('results.json', '{"a":1}\n');
    writeFileSync(join(staged.root, 'slipped-in.json'), '{}');
    sealBundle(staged, sampleResults(), { key: undefined, recipients: [], encryptOnly: false });
    const envelope = JSON.parse(readFileSync(join(staged.root, ATTESTATION_FILE), 'utf8')) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: unknown[] };
    expect(statement.subject).toEqual([{ name: 'results.json', digest: { sha256: createHash('sha256').update('{"a":1}\n').digest('hex') } }]);
    staged.discard();
  });

  it('refuses to commit when --out became something it may not replace during the run, and leaves it alone', () => {
    const dir = tempDir();
    const staged = stage(dir);
    staged.write('results.json', '{}');
    mkdirSync(join(dir, 'soc2-report'));
    writeFileSync(join(dir, 'soc2-report', 'theirs.txt'), 'mine');
    expect(() => staged.commit()).toThrow(OutputPathError);
    expect(readdirSync(dir)).toEqual(['soc2-report']);
    expect(readdirSync(join(dir, 'soc2-report'))).toEqual(['theirs.txt']);
  });

  it('refuses a report path that could leave the report directory (a bug, not user input)', () => {
    const staged = stage(tempDir());
    for (const bad of ['../x', '/etc/passwd', 'evidence//x', 'a/./b']) expect(() => staged.write(bad, ''), bad).toThrow(/not a plain relative path/);
    staged.discard();
  });

  it('puts the previous report back when the new one cannot be moved in', () => {
    const dir = tempDir();
    const first = stage(dir);
    first.write('results.json', 'first');
    first.commit();
    const second = stage(dir);
    second.write('results.json', 'second');
    // The staging directory vanishes under it (another process, a full clean-up job).
    renameSync(second.root, join(dir, 'moved-away'));
    expect(() => second.commit()).toThrow(/previous report is unchanged/);
    expect(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')).toBe('first');
    expect(readdirSync(dir).sort()).toEqual(['moved-away', 'soc2-report']);
  });
});
