import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { stageReport } from '../../../src/evidence/out-dir.js';
import { EVIDENCE_END_KIND, openEvidenceFile, readEvidenceFile, readEvidenceResources } from '../../../src/evidence/write.js';
import { collectAll } from '../../../src/engine/collect.js';
import { planCollection } from '../../../src/engine/plan.js';
import { EvidenceBuilder } from '../../../src/collectors/evidence-builder.js';
import type { AnyCollector } from '../../../src/collectors/types.js';
import type { Control } from '../../../src/controls/schema.js';
import { OutputPathError } from '../../../src/fs-safe.js';
import { tempDir } from '../../helpers/tmp.js';

const stage = (parent: string) => stageReport(join(parent, 'soc2-report'), { cwd: parent, shown: 'soc2-report' });
const at = new Date('2026-04-01T09:00:00Z');
const fileInput = (outDir: ReturnType<typeof stage>) => ({ outDir, collectorId: 'repo.stub', params: { a: 1 }, key: 'repo.stub:{"a":1}', startedAt: at, runId: 'run-1', sample: false });

describe('evidence files: JSON Lines written while collecting', () => {
  it('puts the provenance header first, one resource per line, the calls, gaps and facts last, and hashes the bytes as written', () => {
    const dir = tempDir();
    const staged = stage(dir);
    const file = openEvidenceFile(fileInput(staged));
    file.add({ id: 'a', data: { n: 1 } });
    file.add({ id: 'b', data: { n: 2 }, notApplicable: 'archived' });
    const ref = file.finish({ resources: [{ id: 'c', data: { n: 3 } }], complete: false, gaps: [{ kind: 'other', message: 'x' }], calls: [], facts: { total: 3 }, attachments: { 'rows.csv': 'id\na\n' } }, new Date('2026-04-01T09:01:00Z'));

    expect(ref.file).toMatch(/^evidence\/repo\/repo\.stub-[0-9a-f]{10}\.jsonl$/);
    const bytes = readFileSync(join(staged.root, ref.file));
    expect(ref.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(staged.written().find((f) => f.path === ref.file)).toEqual({ path: ref.file, sha256: ref.sha256, size: bytes.length });
    const lines = bytes.toString('utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({ kind: 'soc2-evidence', format: 'jsonl', runId: 'run-1', sample: false, collector: 'repo.stub', params: { a: 1 }, collectedAt: '2026-04-01T09:00:00.000Z' });
    expect(lines.slice(1, 4).map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a', 'b', 'c']);
    expect(JSON.parse(lines[4]!)).toEqual({ kind: EVIDENCE_END_KIND, finishedAt: '2026-04-01T09:01:00.000Z', complete: false, resourceCount: 3, gaps: [{ kind: 'other', message: 'x' }], calls: [], facts: { total: 3 } });
    expect(ref).toMatchObject({ resourceCount: 3, complete: false, attachments: [{ file: expect.stringMatching(/-rows\.csv$/) }] });

    const path = join(staged.root, ref.file);
    expect([...readEvidenceResources(path)].map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(readEvidenceFile(path).end?.resourceCount).toBe(3);
    staged.discard();
  });

  it('reads back a population larger than one read buffer, lines split across buffers included', () => {
    const dir = tempDir();
    const staged = stage(dir);
    const file = openEvidenceFile(fileInput(staged));
    const title = 'é'.repeat(300); // two bytes a character, so a buffer boundary falls inside one
    for (let i = 0; i < 5000; i++) file.add({ id: `r${i}`, data: { i, title } });
    const ref = file.finish({ resources: [], complete: true, gaps: [], calls: [] }, at);
    let n = 0;
    for (const r of readEvidenceResources(join(staged.root, ref.file))) {
      expect(r.data).toEqual({ i: n, title });
      n++;
    }
    expect(n).toBe(5000);
    staged.discard();
  });

  it('reads back a resource whose line spans several read buffers, multi-byte characters on the boundaries', () => {
    const dir = tempDir();
    const staged = stage(dir);
    const file = openEvidenceFile(fileInput(staged));
    const long = 'ab€'.repeat(100_000); // 500,000 bytes: about eight read buffers
    file.add({ id: 'short', data: { n: 1 } });
    file.add({ id: 'long', data: { long } });
    file.add({ id: 'after', data: { n: 2 } });
    const ref = file.finish({ resources: [], complete: true, gaps: [], calls: [] }, at);
    const read = [...readEvidenceResources(join(staged.root, ref.file))];
    expect(read.map((r) => r.id)).toEqual(['short', 'long', 'after']);
    expect(read[1]!.data['long']).toBe(long);
    staged.discard();
  });

  it('leaves nothing under the name until closed, nothing at all when discarded', () => {
    const dir = tempDir();
    const staged = stage(dir);
    const file = openEvidenceFile(fileInput(staged));
    file.add({ id: 'a', data: {} });
    const evidenceDir = join(staged.root, 'evidence', 'repo');
    expect(readdirSync(evidenceDir).filter((n) => n.endsWith('.jsonl'))).toEqual([]);
    file.discard();
    expect(readdirSync(evidenceDir)).toEqual([]);
    expect(staged.written().map((f) => f.path)).not.toContain(file.file);
    staged.discard();
  });

  it('refuses to close over a symbolic link planted under its name, and writes nothing through it', () => {
    const dir = tempDir();
    const staged = stage(dir);
    const file = openEvidenceFile(fileInput(staged));
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'untouched');
    mkdirSync(join(staged.root, 'evidence', 'repo'), { recursive: true });
    symlinkSync(outside, file.stagedPath);
    file.add({ id: 'a', data: {} });
    expect(() => file.finish({ resources: [], complete: true, gaps: [], calls: [] }, at)).toThrow(OutputPathError);
    expect(readFileSync(outside, 'utf8')).toBe('untouched');
    expect(readdirSync(join(staged.root, 'evidence', 'repo'))).toEqual([file.file.split('/').at(-1)]);
    staged.discard();
  });
});

describe('engine/collect: a collector\'s builder streams each resource, redacted, into the evidence file', () => {
  const control: Control = { id: 'S-001', title: 'S', criteria: ['CC8.1'], severity: 'high', type: 'automated', description: 'd', remediation: 'r', collector: 'repo.stub', assert: { key: 'n', op: 'eq', value: 1 }, file: '/c/S-001.yaml', source: 'c/S-001.yaml', builtin: false, resolvedParams: {}, whenEmptyResolved: 'error' };
  const secret = 'ghp_' + 'a'.repeat(36);
  const stub = (added: number[]): AnyCollector => ({
    id: 'repo.stub', source: 'repo', description: 'stub', params: z.object({}), resource: z.object({ n: z.number(), note: z.string() }), permissions: [], defaultWhenEmpty: 'error', example: '',
    collect: async () => {
      const out = new EvidenceBuilder<{ n: number; note: string }>();
      for (let n = 0; n < 3; n++) {
        out.add({ id: `r${n}`, data: { n, note: n === 1 ? `token ${secret}` : 'fine' } });
        added.push(out.resourceCount);
      }
      return out.withFacts({ note: secret }).build();
    },
  } as AnyCollector);

  it('holds no resource in the returned evidence, and every resource in the file is redacted', async () => {
    const dir = tempDir();
    const staged = stage(dir);
    const added: number[] = [];
    const outcomes = await collectAll(planCollection([control]), {
      concurrency: 1, timeoutMs: 2 ** 31 - 1, now: () => at, load: async () => stub(added),
      contextFor: async () => ({ ok: true, ctx: { repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now: () => at, progress: () => {} } }),
      evidenceFile: (call, startedAt) => openEvidenceFile({ outDir: staged, collectorId: call.collectorId, params: call.params, key: call.key, startedAt, runId: 'run-1', sample: false }),
    });
    const o = [...outcomes.values()][0]!;
    if (o.kind !== 'evidence' || !o.written) throw new Error(`expected written evidence, got ${o.kind}`);
    expect(added).toEqual([1, 2, 3]);
    expect(o.evidence.resources).toEqual([]);
    expect(o.written.ref.resourceCount).toBe(3);
    const text = readFileSync(join(staged.root, o.written.ref.file), 'utf8');
    expect(text).not.toContain(secret);
    expect([...o.written.resources].map((r) => r.data['note'])).toEqual(['fine', 'token ghp_[REDACTED]', 'fine']);
    // Iterable again, for a second control on the same call.
    expect([...o.written.resources]).toHaveLength(3);
    expect(JSON.stringify(o.evidence.facts)).not.toContain(secret);
    staged.discard();
  });

  const csvStub: AnyCollector = {
    ...stub([]),
    collect: async () => {
      const out = new EvidenceBuilder<{ n: number; note: string }>().attachCsv({ name: 'rows.csv', header: ['n', 'note'], row: (d) => [String(d.n), d.note] });
      for (let n = 0; n < 3; n++) out.add({ id: `r${n}`, data: { n, note: n === 1 ? `token ${secret}` : '=cmd' } });
      return out.build();
    },
  } as AnyCollector;

  it('writes a CSV attachment row by row beside the resources, from their redacted copies, with its SHA-256, the same bytes as when kept in memory', async () => {
    const dir = tempDir();
    const staged = stage(dir);
    const outcomes = await collectAll(planCollection([control]), {
      concurrency: 1, timeoutMs: 2 ** 31 - 1, now: () => at, load: async () => csvStub,
      contextFor: async () => ({ ok: true, ctx: { repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now: () => at, progress: () => {} } }),
      evidenceFile: (call, startedAt) => openEvidenceFile({ outDir: staged, collectorId: call.collectorId, params: call.params, key: call.key, startedAt, runId: 'run-1', sample: false }),
    });
    const o = [...outcomes.values()][0]!;
    if (o.kind !== 'evidence' || !o.written) throw new Error(`expected written evidence, got ${o.kind}`);
    expect(o.evidence.attachments).toBeUndefined();
    const [attachment] = o.written.ref.attachments ?? [];
    expect(attachment?.file).toMatch(/^evidence\/repo\/repo\.stub-[0-9a-f]{10}-rows\.csv$/);
    const bytes = readFileSync(join(staged.root, attachment!.file));
    expect(attachment!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(bytes.toString('utf8')).toBe("n,note\r\n0,'=cmd\r\n1,token ghp_[REDACTED]\r\n2,'=cmd\r\n");
    expect(staged.written().map((f) => f.path)).toContain(attachment!.file);

    // Not streamed (no engine sink): the same CSV, made at build() from the kept resources.
    const kept = await csvStub.collect({} as never, {});
    expect(kept.attachments?.['rows.csv']).toBe(`n,note\r\n0,'=cmd\r\n1,token ${secret}\r\n2,'=cmd\r\n`);
    staged.discard();
  });

  it('leaves no CSV attachment behind when the collector fails after starting it', async () => {
    const dir = tempDir();
    const staged = stage(dir);
    const failing = { ...csvStub, collect: async () => {
      const out = new EvidenceBuilder<{ n: number; note: string }>().attachCsv({ name: 'rows.csv', header: ['n'], row: (d) => [String(d.n)] });
      out.add({ id: 'r0', data: { n: 0, note: '' } });
      throw new Error('boom');
    } } as AnyCollector;
    const outcomes = await collectAll(planCollection([control]), {
      concurrency: 1, timeoutMs: 2 ** 31 - 1, now: () => at, load: async () => failing,
      contextFor: async () => ({ ok: true, ctx: { repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now: () => at, progress: () => {} } }),
      evidenceFile: (call, startedAt) => openEvidenceFile({ outDir: staged, collectorId: call.collectorId, params: call.params, key: call.key, startedAt, runId: 'run-1', sample: false }),
    });
    expect([...outcomes.values()][0]!.kind).toBe('error');
    expect(readdirSync(join(staged.root, 'evidence', 'repo'))).toEqual([]);
    expect(staged.written().map((f) => f.path).filter((p) => p.startsWith('evidence/'))).toEqual([]);
    staged.discard();
  });
});
