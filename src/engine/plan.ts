/**
 * Plan: controls → distinct collector calls. Identical calls (same collector, same params after
 * defaults) are made once and shared by every control that uses them.
 */
import type { Control } from '../controls/schema.js';
import type { CollectorId } from '../collectors/index.js';

export interface PlannedCall {
  /** collector id + canonical params: the dedupe key. */
  key: string;
  collectorId: CollectorId;
  params: unknown;
  controls: Control[];
}

/** JSON with object keys sorted, so { a, b } and { b, a } are the same call. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function planCollection(controls: readonly Control[]): PlannedCall[] {
  const calls = new Map<string, PlannedCall>();
  for (const c of controls) {
    if (c.type !== 'automated' || !c.collector) continue;
    const key = `${c.collector} ${canonicalJson(c.resolvedParams ?? {})}`;
    const existing = calls.get(key);
    if (existing) existing.controls.push(c);
    else calls.set(key, { key, collectorId: c.collector as CollectorId, params: c.resolvedParams, controls: [c] });
  }
  return [...calls.values()];
}
