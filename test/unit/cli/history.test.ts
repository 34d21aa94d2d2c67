import { describe, expect, it } from 'vitest';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historySummary, parsePeriod, renderHistory, verifyHistory } from '../../../src/cli/commands/history.js';
import { readChain } from '../../../src/history/chain.js';
import { historyWith, threeRuns } from '../history/fixtures.js';
import { tempDir } from '../../helpers/tmp.js';

const now = new Date('2026-04-02T00:00:00Z');

describe('cli/commands/history', () => {
  it('summarises the newest run\'s period by default, or the one given', () => {
    const cwd = historyWith(threeRuns());
    const h = historySummary('.', { cwd, now });
    expect(h.period).toEqual({ start: '2026-01-01', end: '2026-03-31' });
    expect(h.runs.inPeriod).toBe(3);
    expect(h.chain).toEqual({ records: 3, head: { sequence: 3, sha256: readChain(cwd).records[2]!.sha256 } });
    expect(h.thisRun).toBeNull();
    expect(historySummary('.', { cwd, now, period: '2026-01-02..2026-01-02' }).runs).toMatchObject({ inPeriod: 1, beforePeriod: 1, afterPeriod: 1 });
    expect(JSON.parse(renderHistory(h, 'json'))).toEqual(h);
    expect(renderHistory(h, 'markdown')).toMatch(/^# History over the review period\n/);
  });

  it.each([
    ['2026-01-01', /is not a period/],
    ['2026-01-01..2026-02-30', /2026-02-30 is not a calendar date/],
    ['2026-03-01..2026-01-01', /ends before it starts/],
  ])('refuses --period %s with exit 2', (text, message) => {
    expect(() => parsePeriod(text)).toThrow(message);
    try {
      parsePeriod(text);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('needs --period for a folder without records, and exits 2 for a folder that is not there', () => {
    const cwd = tempDir();
    expect(() => historySummary('.', { cwd, now })).toThrow(/holds no records.*no review period/);
    expect(historySummary('.', { cwd, now, period: '2026-01-01..2026-01-31' }).noRun).toEqual([{ from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z', intervals: 31 }]);
    expect(() => historySummary('missing', { cwd, now })).toThrow(expect.objectContaining({ exitCode: 2, message: 'No history folder at missing.' }));
    writeFileSync(join(cwd, 'file'), '');
    expect(() => verifyHistory('file', { cwd })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('verifies: prints the newest digest to keep; --head catches removed newest records, which the chain alone cannot', () => {
    const cwd = historyWith(threeRuns());
    const head = readChain(cwd).records[2]!.sha256;
    expect(verifyHistory('.', { cwd })).toContain(`.: 3 records, chain intact (000001.json to 000003.json).\nNewest record: 000003.json, SHA-256 ${head}\n`);
    expect(verifyHistory('.', { cwd, head })).toContain(`It holds the record with SHA-256 ${head}.`);
    unlinkSync(join(cwd, '000003.json'));
    expect(verifyHistory('.', { cwd })).toContain('2 records, chain intact');
    expect(() => verifyHistory('.', { cwd, head })).toThrow(expect.objectContaining({ exitCode: 1, message: expect.stringMatching(/No record in \. has SHA-256 .*removed or rewritten \(the chain of 2 records now ends at 000002\.json\)/) }));
    expect(() => verifyHistory('.', { cwd, head: 'ABC' })).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('exits 1 naming the first bad record when the chain is broken, for the summary too', () => {
    const cwd = historyWith(threeRuns());
    unlinkSync(join(cwd, '000002.json'));
    const broken = expect.objectContaining({ exitCode: 1, message: 'The history in . is broken at 000002.json: it is missing: 000001.json is followed by 000003.json (a record was removed or renamed); 000001.json before it is intact.' });
    expect(() => verifyHistory('.', { cwd })).toThrow(broken);
    expect(() => historySummary('.', { cwd, now })).toThrow(broken);
  });
});
