/** The run-scoped memo behind `ctx.memo`: the first caller of a key runs the work, later callers share its promise. */
export function createMemo(): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      cache.set(key, p);
    }
    return p;
  };
}
