import { describe, expect, it } from 'vitest';
import { mapPool } from '../../../src/util/pool.js';

/** A promise with its resolve and reject, for tasks a test finishes by hand. */
function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('util/pool', () => {
  it('keeps at most `concurrency` tasks in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapPool([5, 1, 4, 2, 3, 0, 6], { concurrency: 3 }, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      for (let k = 0; k < n; k++) await tick();
      inFlight--;
      return `${i}:${n}`;
    });
    expect(peak).toBe(3);
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
  });

  it('runs one at a time when the bound is below one, and returns [] for no items', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapPool([1, 2, 3], { concurrency: 0 }, async () => { inFlight++; peak = Math.max(peak, inFlight); await tick(); inFlight--; });
    expect(peak).toBe(1);
    expect(await mapPool([], { concurrency: 4 }, async () => 1)).toEqual([]);
  });

  it('stops taking items after a failure and rejects with the first error once the running tasks settle', async () => {
    const slow = deferred();
    const started: number[] = [];
    let slowSettled = false;
    const pool = mapPool([0, 1, 2, 3, 4], { concurrency: 2 }, async (i) => {
      started.push(i);
      if (i === 0) { await slow.promise; slowSettled = true; throw new Error('second failure'); }
      throw new Error('first failure');
    });
    let rejected = false;
    pool.catch(() => (rejected = true));
    await tick();
    expect(rejected).toBe(false); // task 0 is still running
    slow.resolve();
    await expect(pool).rejects.toThrow('first failure');
    expect(slowSettled).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('lets no task failure become an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(mapPool([1, 2, 3, 4], { concurrency: 4 }, async (i) => { await tick(); throw new Error(`task ${i}`); })).rejects.toThrow('task 1');
      await tick();
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('starts no item after its signal aborts and rejects with the signal\'s reason', async () => {
    const cancel = new AbortController();
    const gate = deferred();
    const started: number[] = [];
    const pool = mapPool([0, 1, 2, 3], { concurrency: 1, signal: cancel.signal }, async (i) => {
      started.push(i);
      if (i === 1) await gate.promise;
      return i;
    });
    await tick();
    cancel.abort(new Error('cancelled by the user'));
    gate.resolve();
    await expect(pool).rejects.toThrow('cancelled by the user');
    expect(started).toEqual([0, 1]);
  });

  it('starts nothing when its signal has already aborted', async () => {
    const cancel = new AbortController();
    cancel.abort(new Error('too late'));
    let started = 0;
    await expect(mapPool([1, 2], { concurrency: 2, signal: cancel.signal }, async () => { started++; })).rejects.toThrow('too late');
    expect(started).toBe(0);
  });
});
