import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyAttestations, attestationsFor, loadAttestations, type LoadedAttestations } from '../../../src/evidence/manual-attestations.js';
import { ConfigError, formatIssue } from '../../../src/errors.js';
import type { Control } from '../../../src/controls/schema.js';
import type { ControlResult } from '../../../src/results.js';
import { tempDir, tempTree } from '../../helpers/tmp.js';

const REQUIRED = ['The policy, with its approval date.', 'The approval record.', 'Acknowledgements of every employee.'];
const controls = [
  { id: 'MAN-001', type: 'manual', evidenceRequired: REQUIRED },
  { id: 'GH-002', type: 'automated' },
] as unknown as Control[];
const TODAY = '2026-04-01';

function load(files: Record<string, string>, today = TODAY): LoadedAttestations {
  const dir = tempTree(files);
  return loadAttestations({ file: join(dir, 'attestations.yaml'), display: 'attestations.yaml', baseDir: dir, controls, today });
}

function problems(files: Record<string, string>): string[] {
  try {
    load(files);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

const entry = (over: Partial<Record<'control' | 'covers' | 'attestedBy' | 'attestedOn' | 'validUntil' | 'evidence', string>> = {}) => [
  'attestations:',
  `  - control: ${over.control ?? 'MAN-001'}`,
  `    covers: ${over.covers ?? '[1, 2]'}`,
  `    attestedBy: ${over.attestedBy ?? 'Dana Whitfield, CISO'}`,
  `    attestedOn: ${over.attestedOn ?? '2026-01-15'}`,
  `    validUntil: ${over.validUntil ?? '2027-01-15'}`,
  '    evidence:',
  over.evidence ?? '      - file: docs/policy.pdf\n      - link: https://wiki.example.com/approval',
  '',
].join('\n');

const manualResult = (): ControlResult => ({
  id: 'MAN-001', title: 'Policies', criteria: ['CC1.1'], severity: 'high', type: 'manual', status: 'manual',
  statusReason: 'Needs a person: attach these 3 records to the audit file.', description: 'd', remediation: 'r', references: [], source: 'controls/MAN-001.yaml',
  evidenceRequired: REQUIRED, counts: { resources: 0, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 }, findings: [], evidence: [],
});

describe('evidence/manual-attestations: the attestations file', () => {
  it('loads an entry: the file hashed and read once for copying under evidence/manual/, the link kept, covers sorted', () => {
    const loaded = load({ 'attestations.yaml': entry({ covers: '[2, 1, 2]' }), 'docs/policy.pdf': 'PDF bytes' });
    const sha = createHash('sha256').update('PDF bytes').digest('hex');
    expect(loaded.byControl.get('MAN-001')).toEqual([{
      at: 'attestations.yaml:2',
      attestedBy: 'Dana Whitfield, CISO',
      attestedOn: '2026-01-15',
      validUntil: '2027-01-15',
      expired: false,
      covers: [1, 2],
      evidence: [
        { kind: 'file', file: `evidence/manual/MAN-001/${sha.slice(0, 12)}-policy.pdf`, source: 'docs/policy.pdf', sha256: sha, size: 9 },
        { kind: 'link', url: 'https://wiki.example.com/approval' },
      ],
    }]);
    expect(loaded.files).toEqual([{ path: `evidence/manual/MAN-001/${sha.slice(0, 12)}-policy.pdf`, bytes: Buffer.from('PDF bytes') }]);
  });

  it('marks an attestation whose validUntil is before the day of the run as expired; the day itself still counts', () => {
    expect(load({ 'attestations.yaml': entry({ validUntil: '2026-03-31' }), 'docs/policy.pdf': 'x' }).byControl.get('MAN-001')![0]!.expired).toBe(true);
    expect(load({ 'attestations.yaml': entry({ validUntil: TODAY }), 'docs/policy.pdf': 'x' }).byControl.get('MAN-001')![0]!.expired).toBe(false);
  });

  it('refuses malformed entries with file:line:col: unknown and automated controls, items that do not exist, bad and impossible dates, unknown keys', () => {
    const pdf = { 'docs/policy.pdf': 'x' };
    expect(problems({ 'attestations.yaml': entry({ control: 'MAN-099' }), ...pdf })).toEqual(['attestations.yaml:2:14 attestations[0].control: no loaded control has the id MAN-099.']);
    expect(problems({ 'attestations.yaml': entry({ control: 'GH-002' }), ...pdf })).toEqual(['attestations.yaml:2:14 attestations[0].control: GH-002 is an automated control; only manual controls take attestations (automated ones collect their own evidence).']);
    expect(problems({ 'attestations.yaml': entry({ covers: '[1, 4]' }), ...pdf })).toEqual(['attestations.yaml:3:13 attestations[0].covers: MAN-001 lists 3 evidenceRequired items; there is no item 4.']);
    expect(problems({ 'attestations.yaml': entry({ attestedOn: '2026-02-30' }), ...pdf })).toEqual(['attestations.yaml:5:17 attestations[0].attestedOn: "2026-02-30" is not a calendar date.']);
    expect(problems({ 'attestations.yaml': entry({ attestedOn: '2026-05-01' }), ...pdf })).toEqual(['attestations.yaml:5:17 attestations[0].attestedOn: 2026-05-01 is after the day of the run (2026-04-01); an attestation cannot be dated in the future.']);
    expect(problems({ 'attestations.yaml': entry({ validUntil: '2025-01-01' }), ...pdf })).toEqual(['attestations.yaml:6:17 attestations[0].validUntil: the attestation ends (2025-01-01) before it was made (2026-01-15).']);
    expect(problems({ 'attestations.yaml': entry().replace('    covers:', '    cover:'), ...pdf })).toEqual([
      'attestations.yaml:2:5 attestations[0].covers: missing required key "covers" (expected a list).',
      expect.stringMatching(/^attestations\.yaml:3:5 attestations\[0\]\.cover: unknown key "cover"\. Did you mean "covers"\?/),
    ]);
    expect(problems({ 'attestations.yaml': entry({ evidence: '      - link: javascript:alert(1)' }) })).toEqual(['attestations.yaml:8:15 attestations[0].evidence[0].link: expected an http(s) URL.']);
    expect(problems({ 'attestations.yaml': 'attestations:\n  - control: MAN-001\n    covers: [\n' })[0]).toMatch(/^attestations\.yaml:\d+:\d+ /);
  });

  it('copies evidence files only from inside the configuration\'s directory: no absolute path, no .., no link out, and says which file is missing', () => {
    const outside = tempTree({ 'secret.txt': 'do not copy' });
    expect(problems({ 'attestations.yaml': entry({ evidence: `      - file: ${join(outside, 'secret.txt')}` }) })).toEqual([`attestations.yaml:8:15 attestations[0].evidence[0].file: "${join(outside, 'secret.txt')}" is an absolute path; name evidence files relative to the directory of soc2.config.yaml.`]);
    expect(problems({ 'attestations.yaml': entry({ evidence: '      - file: ../../etc/passwd' }) })).toEqual(['attestations.yaml:8:15 attestations[0].evidence[0].file: "../../etc/passwd" is outside the directory of soc2.config.yaml; soc2 copies evidence files only from inside it.']);
    expect(problems({ 'attestations.yaml': entry({ evidence: '      - file: docs/missing.pdf' }) })[0]).toMatch(/^attestations\.yaml:8:15 attestations\[0\]\.evidence\[0\]\.file: the file "docs\/missing\.pdf" does not exist/);

    const dir = tempDir();
    writeFileSync(join(dir, 'attestations.yaml'), entry({ evidence: '      - file: docs/link.pdf' }));
    mkdirSync(join(dir, 'docs'));
    symlinkSync(join(outside, 'secret.txt'), join(dir, 'docs', 'link.pdf'));
    let message = '';
    try {
      loadAttestations({ file: join(dir, 'attestations.yaml'), display: 'attestations.yaml', baseDir: dir, controls, today: TODAY });
    } catch (e) {
      message = (e as ConfigError).issues.map(formatIssue).join('\n');
    }
    expect(message).toBe('attestations.yaml:8:15 attestations[0].evidence[0].file: "docs/link.pdf" leads outside the directory of soc2.config.yaml through a symbolic link; soc2 copies evidence files only from inside it.');
  });

  it('refuses a directory, and a FIFO, as an evidence file (the safe reader), with the entry\'s line', () => {
    expect(problems({ 'attestations.yaml': entry({ evidence: '      - file: docs' }), 'docs/a.txt': 'x' })[0]).toMatch(/^attestations\.yaml:8:15 attestations\[0\]\.evidence\[0\]\.file: the evidence file is a directory, not a regular file/);
    const dir = tempTree({ 'attestations.yaml': entry({ evidence: '      - file: docs/pipe.pdf' }), 'docs/a.txt': 'x' });
    execFileSync('mkfifo', [join(dir, 'docs', 'pipe.pdf')]);
    let message = '';
    try {
      loadAttestations({ file: join(dir, 'attestations.yaml'), display: 'attestations.yaml', baseDir: dir, controls, today: TODAY });
    } catch (e) {
      message = (e as ConfigError).issues.map(formatIssue).join('\n');
    }
    expect(message).toMatch(/^attestations\.yaml:8:15 attestations\[0\]\.evidence\[0\]\.file: the evidence file is a named pipe \(FIFO\), not a regular file/);
  });
});

describe('evidence/manual-attestations: --only', () => {
  it('keeps only the attestations, and copies only the files, of the controls the run evaluates', () => {
    const loaded = load({ 'attestations.yaml': entry(), 'docs/policy.pdf': 'x' });
    expect(attestationsFor(loaded, new Set(['MAN-001'])).files).toHaveLength(1);
    const none = attestationsFor(loaded, new Set(['GH-002']));
    expect(none.files).toEqual([]);
    expect(none.byControl.size).toBe(0);
  });
});

describe('evidence/manual-attestations: deciding a manual control', () => {
  const loadedWith = (...list: Array<{ covers: number[]; expired?: boolean; by?: string }>): LoadedAttestations => ({
    display: 'attestations.yaml',
    files: [],
    byControl: new Map([['MAN-001', list.map((a, i) => ({ at: `attestations.yaml:${2 + i * 8}`, attestedBy: a.by ?? 'Dana Whitfield, CISO', attestedOn: '2026-01-15', validUntil: a.expired ? '2026-02-28' : '2027-01-15', expired: a.expired ?? false, covers: a.covers, evidence: [{ kind: 'link' as const, url: 'https://wiki.example.com/x' }] }))]]),
  });

  it('is attested, saying who and when, only when attestations in force cover every required record', () => {
    const r = applyAttestations(manualResult(), loadedWith({ covers: [1, 2] }, { covers: [3], by: 'Sam Okafor, Head of People' }));
    expect(r.status).toBe('attested');
    expect(r.statusReason).toBe("Attested by Dana Whitfield, CISO on 2026-01-15 (valid until 2027-01-15); Sam Okafor, Head of People on 2026-01-15 (valid until 2027-01-15): every required record is attached. An attestation is a person's statement, not an automated test; the auditor examines the records.");
    expect(r.manualEvidence!.requirements.map((q) => q.state)).toEqual(['covered', 'covered', 'covered']);
  });

  it('stays manual and lists exactly what is missing and what expired', () => {
    const r = applyAttestations(manualResult(), loadedWith({ covers: [1] }, { covers: [2], expired: true }));
    expect(r.status).toBe('manual');
    expect(r.statusReason).toBe('Attestations cover 1 of 3 required records; nobody attested item 3; the attestation of item 2 expired (2026-02-28). Attach the missing records to the attestations file.');
    expect(r.manualEvidence!.requirements).toEqual([
      { item: REQUIRED[0], state: 'covered', attestations: [0] },
      { item: REQUIRED[1], state: 'expired', attestations: [1] },
      { item: REQUIRED[2], state: 'missing', attestations: [] },
    ]);
  });

  it('an expired attestation does not count even beside one in force for another item', () => {
    expect(applyAttestations(manualResult(), loadedWith({ covers: [1, 2, 3], expired: true })).status).toBe('manual');
    expect(applyAttestations(manualResult(), loadedWith({ covers: [1, 2, 3], expired: true }, { covers: [1, 2, 3] })).status).toBe('attested');
  });

  it('leaves automated controls, and manual ones nobody attested, as they are', () => {
    const automated = { ...manualResult(), id: 'GH-002', type: 'automated' as const, status: 'pass' as const };
    expect(applyAttestations(automated, loadedWith({ covers: [1, 2, 3] }))).toBe(automated);
    const other = { ...manualResult(), id: 'MAN-002' };
    expect(applyAttestations(other, loadedWith({ covers: [1, 2, 3] }))).toBe(other);
    expect(applyAttestations(manualResult(), undefined).status).toBe('manual');
  });
});
