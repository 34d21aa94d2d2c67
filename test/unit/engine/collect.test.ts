import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { collectAll } from '../../../src/engine/collect.js';
import { planCollection } from '../../../src/engine/plan.js';
import type { AnyCollector, CollectContext, Evidence } from '../../../src/collectors/types.js';
import { collector as codeowners } from '../../../src/collectors/repo/codeowners.js';
import { collector as securityPolicy } from '../../../src/collectors/repo/security-policy.js';
import { makeRepo } from '../collectors/repo/helpers.js';
import type { Control } from '../../../src/controls/schema.js';
import { CollectorError, UsageError } from '../../../src/errors.js';

function control(id: string, collector: string, params: unknown): Control {
  return { id, title: id, criteria: ['CC8.1'], severity: 'high', type: 'automated', description: 'd', remediation: 'r', collector, assert: { key: 'x', op: 'eq', value: 1 }, file: `/c/${id}.yaml`, source: `c/${id}.yaml`, builtin: false, resolvedParams: params, whenEmptyResolved: 'error' };
}

function fakeCollector(id: string, collect: (params: unknown, signal: AbortSignal) => Promise<Evidence<Record<string, unknown>>>, timeoutMs?: number): AnyCollector {
  return { id, source: 'repo', description: id, params: z.object({}), resource: z.object({ x: z.number() }), permissions: [], defaultWhenEmpty: 'error', example: '', timeoutMs, collect: (ctx, p) => collect(p, ctx.signal) } as AnyCollector;
}

/**
 * The engine's per-call timeout where a test is not about it: the longest a timer can wait, so a
 * slow or busy machine never turns a call into a timeout. The timeout tests give the collector
 * under test its own short `timeoutMs` instead.
 */
const NO_TIMEOUT = 2 ** 31 - 1;
const empty = (): Evidence<Record<string, unknown>> => ({ resources: [{ id: 'r', data: { x: 1 } }], complete: true, gaps: [], calls: [] });
const baseCtx = { repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now: () => new Date(0), progress: () => {} };

/** A collector that reads `key` through ctx.memo; the shared read takes `ms` and stops when its own context's signal aborts. */
function sharingCollector(id: string, key: string, ms: number, timeoutMs?: number): AnyCollector {
  const read = (ctx: CollectContext) => new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => resolve(42), ms);
    ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(ctx.signal.reason); }, { once: true });
  });
  return {
    ...fakeCollector(id, async () => empty(), timeoutMs),
    collect: async (ctx: CollectContext) => {
      const x = await ctx.memo(key, (ctx) => read(ctx));
      return { resources: [{ id: 'r', data: { x } }], complete: true, gaps: [], calls: [] };
    },
  } as AnyCollector;
}

describe('engine/plan', () => {
  it('makes identical collector calls once, whatever the key order of their params', () => {
    const plan = planCollection([
      control('A-001', 'repo.workflows', { a: 1, b: 2 }),
      control('A-002', 'repo.workflows', { b: 2, a: 1 }),
      control('A-003', 'repo.workflows', { a: 2, b: 2 }),
      control('A-004', 'repo.lockfile', {}),
    ]);
    expect(plan).toHaveLength(3);
    expect(plan[0]!.controls.map((c) => c.id)).toEqual(['A-001', 'A-002']);
  });
});

describe('engine/collect', () => {
  it('runs at most `concurrency` calls at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const col = fakeCollector('repo.slow', async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return empty();
    });
    const plan = planCollection(Array.from({ length: 9 }, (_, i) => control(`A-00${i}`, 'repo.slow', { i })));
    const out = await collectAll(plan, { concurrency: 3, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async () => col, contextFor: async () => ({ ok: true, ctx: baseCtx }) });
    expect(peak).toBe(3);
    expect([...out.values()].every((o) => o.kind === 'evidence')).toBe(true);
  });

  it('ends only the crashing call in error and keeps the others', async () => {
    const crash = fakeCollector('repo.crash', async () => { throw new TypeError('boom'); });
    const fine = fakeCollector('repo.fine', async () => empty());
    const plan = planCollection([control('A-001', 'repo.crash', {}), control('A-002', 'repo.fine', {})]);
    const out = await collectAll(plan, { concurrency: 2, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async (id) => (id === 'repo.crash' ? crash : fine), contextFor: async () => ({ ok: true, ctx: baseCtx }) });
    const crashed = out.get(plan[0]!.key)!;
    expect(crashed.kind).toBe('error');
    expect(crashed.kind === 'error' && crashed.reason).toContain('repo.crash collector failed unexpectedly: boom');
    expect(out.get(plan[1]!.key)!.kind).toBe('evidence');
  });

  it('stops a call that passes its timeout, aborts its signal, and reports the timeout', async () => {
    let aborted = false;
    const hang = fakeCollector('repo.hang', (_p, signal) => new Promise((resolve) => {
      signal.addEventListener('abort', () => { aborted = true; resolve(empty()); });
    }), 30);
    const plan = planCollection([control('A-001', 'repo.hang', {})]);
    const out = await collectAll(plan, { concurrency: 1, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async () => hang, contextFor: async () => ({ ok: true, ctx: baseCtx }) });
    const o = out.get(plan[0]!.key)!;
    expect(o.kind).toBe('error');
    expect(o.kind === 'error' && o.reason).toBe("repo.hang did not finish within 30 ms and was stopped. Raise timeoutSeconds in soc2.config.yaml, or narrow the scope (fewer regions or repositories).");
    expect(aborted).toBe(true);
  });

  it('carries a typed collector error message and remediation into the reason', async () => {
    const denied = fakeCollector('repo.denied', async () => { throw new CollectorError('No AWS credentials found.', 'credentials', 'Set AWS_PROFILE.'); });
    const plan = planCollection([control('A-001', 'repo.denied', {})]);
    const out = await collectAll(plan, { concurrency: 1, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async () => denied, contextFor: async () => ({ ok: true, ctx: baseCtx }) });
    const o = out.get(plan[0]!.key)!;
    expect(o.kind === 'error' && o.reason).toBe('No AWS credentials found. Set AWS_PROFILE.');
  });

  it('reports a source out of scope as not applicable without calling the collector', async () => {
    let called = false;
    const col = fakeCollector('repo.x', async () => { called = true; return empty(); });
    const plan = planCollection([control('A-001', 'repo.x', {})]);
    const out = await collectAll(plan, { concurrency: 1, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async () => col, contextFor: async () => ({ ok: false, status: 'not_applicable', reason: 'AWS is not in scope.' }) });
    expect(out.get(plan[0]!.key)).toMatchObject({ kind: 'not_applicable', reason: 'AWS is not in scope.' });
    expect(called).toBe(false);
  });

  it('stops the run on a usage error (a bad token) instead of recording it on one control', async () => {
    let started = 0;
    const col = fakeCollector('repo.x', async () => { started++; return empty(); });
    const plan = planCollection(Array.from({ length: 5 }, (_, i) => control(`A-00${i}`, 'repo.x', { i })));
    const run = collectAll(plan, { concurrency: 1, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async () => col, contextFor: async () => { throw new UsageError('GitHub rejected the token (401 Bad credentials).'); } });
    await expect(run).rejects.toThrow('GitHub rejected the token');
    expect(started).toBe(0);
  });

  it('runs 32 calls at once on one run signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => { if (w.name === 'MaxListenersExceededWarning') warnings.push(w); };
    process.on('warning', onWarning);
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let started = 0;
      // Every call waits until all 32 are in flight, so 32 of them listen on the run's signal together.
      const col = fakeCollector('repo.wide', async () => {
        if (++started === 32) release();
        await gate;
        return empty();
      });
      const plan = planCollection(Array.from({ length: 32 }, (_, i) => control(`A-${i}`, 'repo.wide', { i })));
      const out = await collectAll(plan, { concurrency: 32, timeoutMs: NO_TIMEOUT, signal: new AbortController().signal, now: () => new Date(0), load: async () => col, contextFor: async () => ({ ok: true, ctx: baseCtx }) });
      expect(started).toBe(32);
      expect([...out.values()].every((o) => o.kind === 'evidence')).toBe(true);
      // process.emitWarning emits on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings.map((w) => w.message)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  describe('reads shared through ctx.memo', () => {
    it('run under the run\'s signal: the first caller\'s timeout does not fail the other caller', async () => {
      const first = sharingCollector('repo.first', 'shared-list', 80, 20);
      const second = sharingCollector('repo.second', 'shared-list', 80);
      const plan = planCollection([control('A-001', 'repo.first', {}), control('A-002', 'repo.second', {})]);
      const out = await collectAll(plan, { concurrency: 2, timeoutMs: NO_TIMEOUT, now: () => new Date(0), load: async (id) => (id === 'repo.first' ? first : second), contextFor: async () => ({ ok: true, ctx: baseCtx }) });
      expect(out.get(plan[0]!.key)).toMatchObject({ kind: 'error', reason: expect.stringContaining('repo.first did not finish within 20 ms') });
      const o = out.get(plan[1]!.key)!;
      expect(o.kind === 'evidence' ? o.evidence.resources[0]!.data : o).toEqual({ x: 42 });
    });

    it('stop when the run is cancelled, and so do the calls waiting for them', async () => {
      const run = new AbortController();
      const col = sharingCollector('repo.slow', 'shared-list', 60_000);
      const plan = planCollection([control('A-001', 'repo.slow', { a: 1 }), control('A-002', 'repo.slow', { a: 2 })]);
      const collecting = collectAll(plan, { concurrency: 2, timeoutMs: NO_TIMEOUT, signal: run.signal, now: () => new Date(0), load: async () => col, contextFor: async () => ({ ok: true, ctx: baseCtx }) });
      setTimeout(() => run.abort(new Error('cancelled by the user')), 20);
      const out = await collecting;
      expect([...out.values()].map((o) => o.kind === 'error' && o.reason)).toEqual(['The run was cancelled before this evidence was collected.', 'The run was cancelled before this evidence was collected.']);
    });

    it('keep the repo.* collectors\' shared checkout listing alive when the first of them times out', async () => {
      const dir = await makeRepo({ 'SECURITY.md': '# Security\n\nReport vulnerabilities to security@acme.example.\n', '.github/CODEOWNERS': '* @acme/platform\n' });
      const hasty = { ...codeowners, timeoutMs: 1 } as AnyCollector;
      const plan = planCollection([control('A-001', 'repo.codeowners', {}), control('A-002', 'repo.security-policy', {})]);
      const out = await collectAll(plan, {
        concurrency: 2, timeoutMs: NO_TIMEOUT, now: () => new Date(0),
        load: async (id) => (id === 'repo.codeowners' ? hasty : securityPolicy as AnyCollector),
        contextFor: async () => ({ ok: true, ctx: { ...baseCtx, repoRoot: dir } }),
      });
      expect(out.get(plan[0]!.key)).toMatchObject({ kind: 'error', reason: expect.stringContaining('did not finish within 1 ms') });
      const o = out.get(plan[1]!.key)!;
      expect(o.kind === 'error' ? o.reason : o.kind).toBe('evidence');
      // The listing came from git, not from a fallback taken because git was killed.
      expect(o.kind === 'evidence' && o.evidence.calls.map((c) => c.operation)).toContain('git ls-files');
      expect(o.kind === 'evidence' && o.evidence.resources[0]!.data).toMatchObject({ securityPolicyPresent: true });
    });
  });
});
