/**
 * Accumulates one collector call's evidence. Shared reads hand back the same ApiCall objects to
 * every control that uses them; the builder lists each once. Any gap makes the evidence incomplete.
 */
import type { ApiCall, CollectedResource, Evidence, Gap } from '../types.js';
import type { Shared } from './regional.js';

export class EvidenceBuilder<R> {
  readonly resources: Array<CollectedResource<R>> = [];
  readonly facts: Record<string, unknown> = {};
  private readonly gaps: Gap[] = [];
  private readonly gapKeys = new Set<string>();
  private readonly calls = new Set<ApiCall>();

  addCalls(calls: readonly ApiCall[]): void {
    for (const c of calls) this.calls.add(c);
  }

  addGap(gap: Gap): void {
    const key = `${gap.kind}|${gap.resource ?? ''}|${gap.message}`;
    if (this.gapKeys.has(key)) return;
    this.gapKeys.add(key);
    this.gaps.push(gap);
  }

  /** Takes the calls and gaps of a shared read; returns its value (undefined when it failed). */
  use<T>(shared: Shared<T>): T | undefined {
    this.addCalls(shared.calls);
    for (const g of shared.gaps) this.addGap(g);
    return shared.value;
  }

  get gapCount(): number {
    return this.gaps.length;
  }

  build(): Evidence<R> {
    const calls = sortByKey([...this.calls], (c) => `${c.at}|${c.region ?? ''}|${c.operation}`);
    const evidence: Evidence<R> = { resources: this.resources, complete: this.gaps.length === 0, gaps: this.gaps, calls };
    if (Object.keys(this.facts).length > 0) evidence.facts = this.facts;
    return evidence;
  }
}

/**
 * Sorts by a string key computed once per item, compared by code point: deterministic across
 * machines and locales, and cheap for thousands of resources (no localeCompare per comparison).
 */
export function sortByKey<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => [key(item), item] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  keyed.forEach(([, item], i) => (items[i] = item));
  return items;
}
