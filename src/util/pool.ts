/**
 * The one bounded worker pool: every fan-out in soc2 (planned collector calls, repositories,
 * regions, files) goes through it, so no estate size turns into thousands of requests or open
 * files at once.
 *
 * A pool stops taking items when a task throws or its signal aborts, lets the tasks in flight
 * settle, and only then rejects (with the first error, or the signal's reason): nothing keeps
 * running behind the caller, and a second failure never surfaces as an unhandled rejection.
 */

/** Fan-out where a caller has no configured bound: the default of the config's `concurrency`. */
export const DEFAULT_CONCURRENCY = 8;

export interface PoolOptions {
  /** Tasks in flight at most (at least 1). */
  concurrency: number;
  /** When it aborts, no further item starts; the pool rejects with its reason once the running ones settle. */
  signal?: AbortSignal;
}

/** `fn` over `items` with at most `opts.concurrency` in flight; the results keep the input order. */
export async function mapPool<T, U>(items: readonly T[], opts: PoolOptions, fn: (item: T, index: number) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  const { signal } = opts;
  let next = 0;
  let failed = false;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed && !signal?.aborted) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T, i);
      } catch (e) {
        if (!failed) {
          failed = true;
          failure = e;
        }
      }
    }
  };
  const width = Math.max(1, Math.min(Math.floor(opts.concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: width }, worker));
  if (failed) throw failure;
  if (next < items.length && signal?.aborted) throw signal.reason;
  return out;
}

/** Pool options for fan-out inside one collector call: the default bound, stopped by the call's signal. */
export function fanOut(ctx: { signal: AbortSignal }): PoolOptions {
  return { concurrency: DEFAULT_CONCURRENCY, signal: ctx.signal };
}
