/**
 * Which injected fault a request of the fake servers meets. Shared by the fake AWS Config and the
 * fake GitHub, so "the first N requests", "always" and "after the first page" mean the same on both.
 *
 * Faults are consulted in the order given. Each keeps its own count per route or operation it
 * matches (a fault that matches every route fails the first N requests *of each route*), and the
 * first fault whose window is open takes the request; later faults do not see it.
 */

/** Which of the matching requests a fault takes. */
export interface FaultWindow {
  /** Let this many matching requests through before failing any: a failure midway through a paginated read. Default 0. */
  skip?: number;
  /** Fail this many matching requests, then answer normally again. Default: every one (the fault never clears). */
  times?: number;
}

interface Count {
  seen: number;
  fired: number;
}

export interface FaultBook<F extends FaultWindow> {
  /**
   * The fault this request meets, counting it. `key` names the route or operation the counts are
   * kept for; `matches` says whether a fault applies to this request at all.
   */
  take(key: string, matches: (fault: F) => boolean): F | undefined;
  /** Replaces the faults and forgets every count. */
  reset(faults: readonly F[]): void;
}

export function faultBook<F extends FaultWindow>(initial: readonly F[] = []): FaultBook<F> {
  let faults: readonly F[] = [...initial];
  let counts = new Map<F, Map<string, Count>>();
  const countFor = (fault: F, key: string): Count => {
    let byKey = counts.get(fault);
    if (!byKey) counts.set(fault, (byKey = new Map()));
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { seen: 0, fired: 0 }));
    return c;
  };
  return {
    take(key, matches) {
      for (const fault of faults) {
        if (!matches(fault)) continue;
        const c = countFor(fault, key);
        c.seen++;
        if (c.seen > (fault.skip ?? 0) && c.fired < (fault.times ?? Infinity)) {
          c.fired++;
          return fault;
        }
      }
      return undefined;
    },
    reset(next) {
      faults = [...next];
      counts = new Map();
    },
  };
}

/** Half of a response body, cut inside the JSON: what a client sees of an answer that stopped midway. */
export function halfOf(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
