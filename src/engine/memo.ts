/**
 * The run-scoped memo behind `ctx.memo`: the first caller of a key starts the work, later callers
 * share its promise.
 *
 * The shared work belongs to the run, not to whichever collector asked first: it runs with a
 * context whose signal is the run's (aborted only when the run is cancelled or over), so one
 * collector's timeout never fails another that waits for the same read. Each caller still stops
 * *waiting* when its own signal aborts.
 */
import type { BaseContext } from '../collectors/types.js';

/**
 * A collection context before the engine gives it a signal and a memo: what every collector gets,
 * plus the parts its sources set up (`github`, `aws`, `repoRoot`), which it keeps.
 */
export type ContextBase = Omit<BaseContext, 'signal' | 'memo'>;

export interface SharedReads {
  /** The context one caller collects with: its own signal, and a memo that shares work under the run's signal. */
  contextFor<B extends ContextBase>(base: B, callerSignal: AbortSignal): B & BaseContext;
  /**
   * Let go of every shared value once collection is over: they hold whole API answers (every
   * evaluation result of a rule, every repository's facts) that evaluation and the reports never
   * read, and a context kept by a client would otherwise keep them to the end of the run.
   */
  clear(): void;
}

export function createSharedReads(runSignal: AbortSignal): SharedReads {
  const cache = new Map<string, Promise<unknown>>();
  const contextFor = <B extends ContextBase>(base: B, callerSignal: AbortSignal): B & BaseContext => ({
    ...base,
    signal: callerSignal,
    memo: <T>(key: string, fn: (shared: B & BaseContext) => Promise<T>): Promise<T> => {
      let p = cache.get(key) as Promise<T> | undefined;
      if (!p) {
        try {
          p = fn(contextFor(base, runSignal));
        } catch (e) {
          p = Promise.reject(e);
        }
        cache.set(key, p);
      }
      return untilAborted(p, callerSignal);
    },
  });
  return { contextFor, clear: () => cache.clear() };
}

/** A fresh run's context with no cancellation: for tests, benchmarks and one-off collection. */
export function standaloneContext<B extends ContextBase>(base: B, signal: AbortSignal = new AbortController().signal): B & BaseContext {
  return createSharedReads(new AbortController().signal).contextFor(base, signal);
}

/** `p`, or a rejection with the signal's reason as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // The shared work may still settle later; keep its outcome from surfacing as unhandled.
    p.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const stopWaiting = whenAborted(signal, reject);
    p.then(
      (v) => { stopWaiting(); resolve(v); },
      (e: unknown) => { stopWaiting(); reject(e); },
    );
  });
}

// One abort listener per signal, however many reads a collector waits for at once (a listener
// each would trip Node's "possible EventTarget memory leak" warning past ten).
const waiters = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

function whenAborted(signal: AbortSignal, onAbort: (reason: unknown) => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const fresh = new Set<(reason: unknown) => void>();
    signal.addEventListener('abort', () => {
      for (const f of fresh) f(signal.reason);
      fresh.clear();
    }, { once: true });
    waiters.set(signal, fresh);
    set = fresh;
  }
  set.add(onAbort);
  const registered = set;
  return () => registered.delete(onAbort);
}
