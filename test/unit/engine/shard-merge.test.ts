import { describe, expect, it } from 'vitest';
import { checkParts, joinResults, type ShardPart } from '../../../src/engine/shard-merge.js';
import { joinEvidence, joinFacts } from '../../../src/evidence/join-evidence.js';
import { SCHEMA_VERSION, type ControlResult, type EvidenceRef, type Finding, type Results } from '../../../src/results.js';
import { UsageError } from '../../../src/errors.js';

const FILE = 'evidence/github/github.branch-rules-0000000000.json';

function ref(over: Partial<EvidenceRef> = {}): EvidenceRef {
  return { file: FILE, sha256: 'a'.repeat(64), collector: 'github.branch-rules', params: {}, collectedAt: '2026-04-01T09:00:00.000Z', finishedAt: '2026-04-01T09:00:01.000Z', complete: true, resourceCount: 0, calls: [], gaps: [], ...over };
}

function control(id: string, findings: Finding[], over: Partial<ControlResult> = {}): ControlResult {
  const counts = { resources: findings.length, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 };
  for (const f of findings) counts[f.status === 'not_applicable' ? 'notApplicable' : f.status]++;
  return {
    id, title: id, criteria: ['CC8.1'], severity: 'high', type: 'automated', status: 'pass', statusReason: 'as the shard decided',
    description: '', remediation: '', references: [], source: `${id}.yaml`, collector: 'github.branch-rules',
    counts, findings, evidence: [ref({ resourceCount: findings.length })], whenEmpty: 'error', ...over,
  };
}

function part(index: number, count: number, controls: ControlResult[], over: Partial<Results['run']> = {}): ShardPart {
  const results: Results = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'soc2', version: '0.1.0' },
    run: {
      id: `run-${index}`, startedAt: `2026-04-01T09:0${index}:00.000Z`, finishedAt: `2026-04-01T09:1${index}:00.000Z`, reportType: 'type2',
      period: { start: '2026-01-01', end: '2026-03-31' }, sample: false, failOn: 'low', config: { file: 'soc2.config.yaml', sha256: 'c'.repeat(64) },
      scope: { aws: null, github: { org: 'acme', apiUrl: 'https://api.github.com' }, repo: { path: '/src' }, notInScope: [] },
      shard: { index, count, assignment: 'sha256-mod-n' }, ...over,
    },
    summary: { total: 0, pass: 0, fail: 0, error: 0, excepted: 0, manual: 0, attested: 0, not_applicable: 0, exitCode: 0 },
    criteria: [],
    controls,
  };
  return { label: `part-${index}`, results, statementSha256: String(index).repeat(64), signature: { state: 'unsigned' } };
}

const finding = (resource: string, status: Finding['status'], message = `${resource}: ${status}`): Finding => ({ resource, status, message, evidence: FILE });

describe('engine/shard-merge', () => {
  it('decides a split control again from every shard\'s findings: fail before error, findings in report order', () => {
    const a = control('GH-002', [finding('acme/b', 'pass'), finding('acme/z', 'error', 'acme/z: GitHub did not say.')], { status: 'error', incomplete: true });
    const b = control('GH-002', [finding('acme/a', 'fail', 'acme/a: not protected.')], { status: 'fail' });
    const joined = joinResults({ parts: checkParts([part(2, 2, [b]), part(1, 2, [a])]), runId: 'joined', evidence: new Map() });
    const c = joined.controls[0]!;
    expect(c.status).toBe('fail');
    expect(c.incomplete).toBe(true);
    expect(c.statusReason).toBe('1 of 3 resources fails: acme/a: not protected. The evidence is also incomplete, so more may fail: acme/z: GitHub did not say.');
    expect(c.findings.map((f) => f.resource)).toEqual(['acme/a', 'acme/z', 'acme/b']);
    expect(c.counts).toEqual({ resources: 3, pass: 1, fail: 1, error: 1, excepted: 0, notApplicable: 0 });
    expect(c).not.toHaveProperty('whenEmpty');
    expect(joined.summary).toMatchObject({ total: 1, fail: 1, exitCode: 1 });
    expect(joined.run).toMatchObject({ id: 'joined', startedAt: '2026-04-01T09:01:00.000Z', finishedAt: '2026-04-01T09:12:00.000Z' });
    expect(joined.run.shard).toBeUndefined();
    expect(joined.run.merged?.parts.map((p) => [p.shard, p.runId])).toEqual([[1, 'run-1'], [2, 'run-2']]);
  });

  it('an empty part adds nothing; an empty whole is decided by the control\'s whenEmpty', () => {
    const empty = (i: number, whenEmpty: ControlResult['whenEmpty']) => control('GH-002', [], { status: whenEmpty!, whenEmpty });
    expect(joinResults({ parts: checkParts([part(1, 2, [empty(1, 'error')]), part(2, 2, [control('GH-002', [finding('acme/a', 'pass')])])]), runId: 'j', evidence: new Map() }).controls[0]!.status).toBe('pass');
    const none = joinResults({ parts: checkParts([part(1, 2, [empty(1, 'not_applicable')]), part(2, 2, [empty(2, 'not_applicable')])]), runId: 'j', evidence: new Map() }).controls[0]!;
    expect(none.status).toBe('not_applicable');
    expect(none.statusReason).toBe('Nothing to check: the collector found no resources.');
  });

  it('takes a control only shard 1 evaluated as shard 1 decided it', () => {
    const org = control('GH-001', [finding('acme', 'pass')], { collector: 'github.org-settings', statusReason: 'kept' });
    const joined = joinResults({ parts: checkParts([part(1, 2, [org]), part(2, 2, [])]), runId: 'j', evidence: new Map() });
    expect(joined.controls.map((c) => [c.id, c.status, c.statusReason])).toEqual([['GH-001', 'pass', 'kept']]);
  });

  it('refuses parts that are not shards 1..n of one run, naming the part', () => {
    const refuse = (parts: ShardPart[]) => {
      try {
        checkParts(parts);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refuse([part(1, 3, []), part(3, 3, [])])).toBe('Shard 2/3 is missing: the joined run would leave part of the scope unchecked.');
    expect(refuse([part(1, 2, []), part(2, 3, [])])).toBe('part-2 does not belong with part-1: its number of shards is 3, not 2.');
    expect(refuse([part(1, 2, []), part(2, 2, [], { period: { start: '2026-02-01', end: '2026-03-31' } })])).toMatch(/^part-2 does not belong with part-1: its review period is/);
    const { shard: _s, ...whole } = part(1, 1, []).results.run;
    expect(refuse([{ ...part(1, 1, []), label: 'whole', results: { ...part(1, 1, []).results, run: whole } }])).toMatch(/^whole is not a shard/);
    expect(refuse([part(1, 1, [])])).toBe('accepted');
    // A control shard 1 does not have: the shards ran with different controls.
    expect(() => joinResults({ parts: checkParts([part(1, 2, []), part(2, 2, [control('GH-002', [])])]), runId: 'j', evidence: new Map() })).toThrow(/part-2 has control GH-002, which shard 1/);
  });
});

describe('evidence/join-evidence', () => {
  /** An evidence file as a run writes it: header, one resource per line, closing line. */
  const body = (shard: number, resources: string[], facts: Record<string, unknown>) => Buffer.from([
    { kind: 'soc2-evidence', format: 'jsonl', runId: `run-${shard}`, sample: false, collector: 'github.branch-rules', params: {}, collectedAt: `2026-04-01T09:0${shard}:00.000Z` },
    ...resources.map((id) => ({ id, data: {} })),
    { kind: 'soc2-evidence-end', finishedAt: `2026-04-01T09:1${shard}:00.000Z`, complete: shard !== 2, resourceCount: resources.length, gaps: [], calls: [{ source: 'github-rest', operation: `GET ${shard}`, params: {}, at: 'x' }], facts },
  ].map((v) => JSON.stringify(v) + '\n').join(''));
  const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

  it('joins one evidence file per collector, copies the rest once, and keeps differing other files per shard', () => {
    const joined = joinEvidence([
      { shard: 1, files: new Map([[FILE, body(1, ['acme/a'], { repositoriesInScope: 1, excluded: ['x'] })], ['evidence/manual/policy.pdf', Buffer.from('same')], ['evidence/github/p.csv', Buffer.from('one')]]), refs: [ref({ resourceCount: 1 })] },
      { shard: 2, files: new Map([[FILE, body(2, ['acme/b', 'acme/c'], { repositoriesInScope: 2, excluded: ['x'] })], ['evidence/manual/policy.pdf', Buffer.from('same')], ['evidence/github/p.csv', Buffer.from('two')]]), refs: [ref({ resourceCount: 2, complete: false })] },
    ], 'joined');
    expect([...joined.files.keys()].sort()).toEqual([FILE, 'evidence/github/p.shard-1.csv', 'evidence/github/p.shard-2.csv', 'evidence/manual/policy.pdf']);
    const file = lines(joined.files.get(FILE)!);
    expect(file[0]).toEqual({ kind: 'soc2-evidence', format: 'jsonl', runId: 'joined', sample: false, collector: 'github.branch-rules', params: {}, collectedAt: '2026-04-01T09:01:00.000Z' });
    const end = file.at(-1);
    expect(end).toMatchObject({ kind: 'soc2-evidence-end', complete: false, resourceCount: 3, finishedAt: '2026-04-01T09:12:00.000Z', facts: { repositoriesInScope: 3, excluded: ['x'] } });
    expect(file.slice(1, -1).map((r: { id: string }) => r.id)).toEqual(['acme/a', 'acme/b', 'acme/c']);
    expect(end.shards.map((s: { shard: number; runId: string }) => [s.shard, s.runId])).toEqual([[1, 'run-1'], [2, 'run-2']]);
    expect(joined.refs.get(FILE)).toMatchObject({ file: FILE, resourceCount: 3, complete: false });
    expect(joined.refs.get(FILE)!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('adds counts, keeps what every shard shares, joins lists without repeats', () => {
    expect(joinFacts([{ rows: 2, query: 'q', regions: ['a'] }, { rows: 2, query: 'q', regions: ['b', 'a'] }, { rows: 1 }]))
      .toEqual({ rows: 5, query: 'q', regions: ['a', 'b'] });
    expect(joinFacts([{ aggregator: 'x' }, { aggregator: 'y' }])).toEqual({ aggregator: { byShard: ['x', 'y'] } });
  });
});
