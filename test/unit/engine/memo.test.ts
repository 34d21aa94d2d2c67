import { describe, expect, it } from 'vitest';
import { createSharedReads } from '../../../src/engine/memo.js';
import type { CollectContext } from '../../../src/collectors/types.js';

const base = { repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now: () => new Date(0), progress: () => {} };

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

describe('engine/memo', () => {
  it('runs the work once for every caller, with the run\'s signal rather than the first caller\'s', async () => {
    const run = new AbortController();
    const reads = createSharedReads(run.signal);
    const a = new AbortController();
    const b = new AbortController();
    const seen: CollectContext[] = [];
    const work = deferred<string>();
    const fromA = reads.contextFor(base, a.signal).memo('k', (ctx) => { seen.push(ctx); return work.promise; });
    const fromB = reads.contextFor(base, b.signal).memo('k', (ctx) => { seen.push(ctx); return work.promise; });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal).toBe(run.signal);
    a.abort(new Error('A timed out'));
    await expect(fromA).rejects.toThrow('A timed out');
    expect(seen[0]!.signal.aborted).toBe(false);
    work.resolve('rules');
    await expect(fromB).resolves.toBe('rules');
  });

  it('lets a caller that already gave up stop waiting at once, and shares a failure like a value', async () => {
    const reads = createSharedReads(new AbortController().signal);
    const gone = new AbortController();
    gone.abort(new Error('gone'));
    await expect(reads.contextFor(base, gone.signal).memo('k', async () => 1)).rejects.toThrow('gone');
    const live = reads.contextFor(base, new AbortController().signal);
    await expect(live.memo('k', async () => 2)).resolves.toBe(1);
    await expect(live.memo('boom', () => { throw new TypeError('sync throw'); })).rejects.toThrow('sync throw');
    await expect(live.memo('boom', async () => 3)).rejects.toThrow('sync throw');
  });

  it('gives nested shared reads the run\'s context too', async () => {
    const run = new AbortController();
    const reads = createSharedReads(run.signal);
    const caller = new AbortController();
    let inner: CollectContext | undefined;
    await reads.contextFor(base, caller.signal).memo('outer', (ctx) => ctx.memo('inner', async (ctx) => { inner = ctx; return 1; }));
    expect(inner!.signal).toBe(run.signal);
  });

  it('keeps one abort listener per caller signal however many reads it waits for (no leak warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const reads = createSharedReads(new AbortController().signal);
      const caller = new AbortController();
      const ctx = reads.contextFor(base, caller.signal);
      const pending = Array.from({ length: 50 }, (_, i) => ctx.memo(`k${i}`, () => new Promise<never>(() => {})));
      await new Promise((r) => setImmediate(r));
      caller.abort(new Error('timed out'));
      const settled = await Promise.allSettled(pending);
      expect(settled.every((s) => s.status === 'rejected')).toBe(true);
      await new Promise((r) => setImmediate(r));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
