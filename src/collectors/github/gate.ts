/**
 * A serial gate with a minimum spacing between starts, shaped like the slice of a Bottleneck group
 * that @octokit/plugin-throttling uses for its `write` limiter (`group.key(id).schedule(opts, fn)`),
 * so the plugin can space GraphQL queries without this project depending on Bottleneck itself.
 */

export interface Gate {
  key(id: string): { schedule<T>(...args: unknown[]): Promise<T> };
}

export function serialGate(spacingMs: number, clock: () => number = () => performance.now()): Gate {
  let tail: Promise<unknown> = Promise.resolve();
  let lastStart = Number.NEGATIVE_INFINITY;
  const schedule = <T>(...args: unknown[]): Promise<T> => {
    // Bottleneck's signature: schedule([options,] fn, ...fnArgs)
    const at = typeof args[0] === 'function' ? 0 : 1;
    const fn = args[at] as (...a: unknown[]) => T | Promise<T>;
    const fnArgs = args.slice(at + 1);
    const run = tail.then(async () => {
      const wait = lastStart + spacingMs - clock();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      lastStart = clock();
    });
    tail = run.catch(() => {});
    return run.then(() => fn(...fnArgs));
  };
  return { key: () => ({ schedule }) };
}
