import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { appendRecord, publish, readChain } from '../../../src/history/chain.js';
import { recordBytes, sha256 } from '../../../src/history/record.js';
import { OutputPathError } from '../../../src/fs-safe.js';
import { tempDir } from '../../helpers/tmp.js';
import { control, historyWith, run, threeRuns } from './fixtures.js';

const at = (dir: string, name: string) => join(dir, name);
const attestation = { kind: 'manifest-sha256' as const, file: 'evidence/manifest.json', sha256: 'a'.repeat(64) };
const broken = (dir: string) => readChain(dir).broken;

/** Rewrite a record's JSON and recompute its own digest, as someone covering their tracks would. */
function rewrite(path: string, edit: (record: Record<string, unknown>) => void): void {
  const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(record);
  delete record.contentSha256;
  const body = `${JSON.stringify(record, null, 2)}\n`;
  writeFileSync(path, `${JSON.stringify({ ...record, contentSha256: sha256(body) }, null, 2)}\n`);
}

describe('history/chain', () => {
  it('reads an intact chain: every record in order, each naming the digest of the one before', () => {
    const dir = historyWith(threeRuns());
    const state = readChain(dir);
    expect(state.broken).toBeUndefined();
    expect(state.records.map((r) => r.name)).toEqual(['000001.json', '000002.json', '000003.json']);
    expect(state.records[0]!.record.previous).toBeNull();
    expect(state.records[1]!.record.previous).toEqual({ sequence: 1, sha256: sha256(readFileSync(at(dir, '000001.json'))) });
    expect(state.records[2]!.record.previous!.sha256).toBe(state.records[1]!.sha256);
    expect(state.records[1]!.record.results.controls[0]!.findings).toEqual([{ resource: 'acme/api', status: 'fail', message: 'acme/api: no security policy.' }]);
  });

  it('treats an empty folder as an intact chain of no records, and ignores hidden files (abandoned temporary writes)', () => {
    const dir = tempDir();
    writeFileSync(at(dir, '.000001.json.abc123.tmp'), '{"half": ');
    expect(readChain(dir)).toEqual({ records: [] });
  });

  it.each([
    ['a record in the middle is removed', (d: string) => unlinkSync(at(d, '000002.json')), '000002.json', /missing: 000001\.json is followed by 000003\.json/],
    ['the first record is removed', (d: string) => unlinkSync(at(d, '000001.json')), '000001.json', /missing: the history starts at 000002\.json/],
    ['the first record is removed and the rest renumbered', (d: string) => {
      unlinkSync(at(d, '000001.json'));
      renameSync(at(d, '000002.json'), at(d, '000001.json'));
      renameSync(at(d, '000003.json'), at(d, '000002.json'));
    }, '000001.json', /says it is record 2/],
    ['two records swap places', (d: string) => {
      renameSync(at(d, '000002.json'), at(d, 'x'));
      renameSync(at(d, '000003.json'), at(d, '000002.json'));
      renameSync(at(d, 'x'), at(d, '000003.json'));
    }, '000002.json', /says it is record 3 .*reordered/],
    ['two records swap places and their sequence numbers are rewritten', (d: string) => {
      renameSync(at(d, '000002.json'), at(d, 'x'));
      renameSync(at(d, '000003.json'), at(d, '000002.json'));
      renameSync(at(d, 'x'), at(d, '000003.json'));
      rewrite(at(d, '000002.json'), (r) => { r.sequence = 2; });
      rewrite(at(d, '000003.json'), (r) => { r.sequence = 3; });
    }, '000002.json', /does not follow 000001\.json/],
    ['a value in a record is edited', (d: string) => {
      writeFileSync(at(d, '000002.json'), readFileSync(at(d, '000002.json'), 'utf8').replace('"status": "fail"', '"status": "pass"'));
    }, '000002.json', /edited after it was recorded/],
    ['the newest record is edited', (d: string) => {
      writeFileSync(at(d, '000003.json'), readFileSync(at(d, '000003.json'), 'utf8').replace('"status": "pass"', '"status": "fail"'));
    }, '000003.json', /edited after it was recorded/],
    ['a record is edited and its own digest recomputed', (d: string) => {
      rewrite(at(d, '000002.json'), (r) => { (r.results as { controls: Array<{ status: string }> }).controls[0]!.status = 'pass'; });
    }, '000003.json', /does not follow 000002\.json: .*changed or replaced after 000003\.json was written/],
    ['a record is only reformatted', (d: string) => {
      writeFileSync(at(d, '000001.json'), JSON.stringify(JSON.parse(readFileSync(at(d, '000001.json'), 'utf8'))));
    }, '000001.json', /edited after it was recorded/],
    ['a record is duplicated as the next record', (d: string) => copyFileSync(at(d, '000003.json'), at(d, '000004.json')), '000004.json', /says it is record 3/],
    ['a record is duplicated and re-chained as the next record', (d: string) => {
      copyFileSync(at(d, '000003.json'), at(d, '000004.json'));
      const head = sha256(readFileSync(at(d, '000003.json')));
      rewrite(at(d, '000004.json'), (r) => { r.sequence = 4; r.previous = { sequence: 3, sha256: head }; });
    }, '000004.json', /records run run-3 again \(already in 000003\.json\)/],
    ['a record is copied under another name', (d: string) => copyFileSync(at(d, '000002.json'), at(d, '000002 copy.json')), '000002 copy.json', /not a record name/],
    ['a record is truncated', (d: string) => truncateSync(at(d, '000002.json'), 200), '000002.json', /not valid JSON: it was cut short/],
    ['a record is emptied', (d: string) => truncateSync(at(d, '000001.json'), 0), '000001.json', /not valid JSON/],
    ['a record is replaced by a symbolic link to a copy of itself', (d: string) => {
      copyFileSync(at(d, '000002.json'), at(d, 'elsewhere'));
      renameSync(at(d, 'elsewhere'), join(d, '..', `${d.split('/').pop()}-copy.json`));
      unlinkSync(at(d, '000002.json'));
      symlinkSync(join(d, '..', `${d.split('/').pop()}-copy.json`), at(d, '000002.json'));
    }, '000002.json', /symbolic link, not a record/],
    ['a record is replaced by a directory', (d: string) => { unlinkSync(at(d, '000003.json')); mkdirSync(at(d, '000003.json')); }, '000003.json', /not a regular file/],
    ['a record is named with extra zeros', (d: string) => renameSync(at(d, '000003.json'), at(d, '0000003.json')), '0000003.json', /not a record name/],
    ['a record that is not a history record takes a record name', (d: string) => writeFileSync(at(d, '000004.json'), '{"kind":"soc2-manifest"}\n'), '000004.json', /not a soc2 history record \(kind/],
  ])('finds the break when %s, naming the first bad record and why', (_what, tamper, record, why) => {
    const dir = historyWith(threeRuns());
    tamper(dir);
    const b = broken(dir);
    expect(b?.record).toBe(record);
    expect(b?.why).toMatch(why);
  });

  it('keeps the records before the break as intact', () => {
    const dir = historyWith(threeRuns());
    unlinkSync(at(dir, '000003.json'));
    writeFileSync(at(dir, '000004.json'), 'x');
    const state = readChain(dir);
    expect(state.records.map((r) => r.name)).toEqual(['000001.json', '000002.json']);
    expect(state.broken?.record).toBe('000003.json');
  });

  it('appends after the newest record, and refuses to append to a broken chain', () => {
    const dir = historyWith(threeRuns().slice(0, 2));
    const appended = appendRecord(dir, 'hist', { recordedAt: new Date('2026-01-03T02:01:00Z'), attestation, resultsSha256: 'b'.repeat(64), results: threeRuns()[2]! });
    expect(appended).toMatchObject({ name: '000003.json', sequence: 3, raced: 0 });
    expect(appended.sha256).toBe(sha256(readFileSync(at(dir, '000003.json'))));
    unlinkSync(at(dir, '000002.json'));
    expect(() => appendRecord(dir, 'hist', { recordedAt: new Date('2026-01-04T02:01:00Z'), attestation, resultsSha256: 'b'.repeat(64), results: run('run-4', '2026-01-04T02:00:00Z', [control('SEC-001', 'pass')]) }))
      .toThrow(/broken at 000002\.json: it is missing.* This run was not recorded in it/);
    expect(existsSync(at(dir, '000004.json'))).toBe(false);
  });

  it('never takes a record name that exists, not even as a dangling link: the second of two runs that prepared the same number loses', () => {
    const dir = tempDir();
    const [a, b] = [run('run-a', '2026-01-01T02:00:00Z', []), run('run-b', '2026-01-01T02:00:01Z', [])];
    const bytes = (r: typeof a) => recordBytes({ sequence: 1, previous: null, recordedAt: new Date('2026-01-01T03:00:00Z'), attestation, resultsSha256: 'c'.repeat(64), results: r });
    expect(publish(dir, 'hist', '000001.json', bytes(a))).toBe(true);
    expect(publish(dir, 'hist', '000001.json', bytes(b))).toBe(false);
    expect(readFileSync(at(dir, '000001.json'), 'utf8')).toBe(bytes(a));
    symlinkSync(join(dir, 'nowhere'), at(dir, '000002.json'));
    expect(publish(dir, 'hist', '000002.json', bytes(b))).toBe(false);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]); // no temporary file left behind
  });

  it('re-reads the folder and takes the next number when a concurrent run took its number first', () => {
    const dir = historyWith(threeRuns().slice(0, 1));
    let interleaved = false;
    const racing = {
      publish: (d: string, shown: string, name: string, bytes: string) => {
        if (!interleaved) {
          interleaved = true; // another run appends between this run's read of the folder and its write
          appendRecord(dir, 'hist', { recordedAt: new Date('2026-01-02T02:01:00Z'), attestation, resultsSha256: 'd'.repeat(64), results: threeRuns()[1]! });
        }
        return publish(d, shown, name, bytes);
      },
    };
    const appended = appendRecord(dir, 'hist', { recordedAt: new Date('2026-01-03T02:01:00Z'), attestation, resultsSha256: 'b'.repeat(64), results: threeRuns()[2]! }, racing);
    expect(appended).toMatchObject({ name: '000003.json', sequence: 3, raced: 1 });
    const state = readChain(dir);
    expect(state.broken).toBeUndefined();
    expect(state.records.map((r) => r.record.results.run.id)).toEqual(['run-1', 'run-2', 'run-3']);
    expect(state.records[2]!.record.previous!.sha256).toBe(state.records[1]!.sha256);
  });

  it('does not append through a history folder that is a symbolic link', () => {
    const real = tempDir();
    const link = join(tempDir(), 'hist');
    symlinkSync(real, link);
    expect(() => appendRecord(link, 'hist', { recordedAt: new Date('2026-01-01T03:00:00Z'), attestation, resultsSha256: 'c'.repeat(64), results: threeRuns()[0]! })).toThrow(OutputPathError);
    expect(readdirSync(real)).toEqual([]);
  });

  it('creates the history folder, and its parents, on the first append', () => {
    const dir = join(tempDir(), 'a', 'b', 'hist');
    appendRecord(dir, 'hist', { recordedAt: new Date('2026-01-01T03:00:00Z'), attestation, resultsSha256: 'c'.repeat(64), results: threeRuns()[0]! });
    expect(readChain(dir).records.map((r) => r.name)).toEqual(['000001.json']);
    rmSync(dir, { recursive: true });
  });
});
