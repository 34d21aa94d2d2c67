import { describe, expect, it } from 'vitest';
import { EvidenceBuilder } from '../../../src/collectors/evidence-builder.js';
import type { ApiCall, Gap } from '../../../src/collectors/types.js';

const call = (operation: string, at: string): ApiCall => ({ source: 'local', operation, params: {}, at });

describe('EvidenceBuilder: the one way every source assembles evidence', () => {
  it('keeps resources in the order they were added, one at a time', () => {
    const out = new EvidenceBuilder<{ n: number }>();
    for (let n = 3; n > 0; n--) out.add({ id: `r${n}`, data: { n } });
    const ev = out.build();
    expect(ev.resources.map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect(ev.complete).toBe(true);
    expect(ev).not.toHaveProperty('facts');
    expect(ev).not.toHaveProperty('attachments');
  });

  it('is incomplete as soon as one gap is added, and lists a repeated gap once', () => {
    const gap: Gap = { kind: 'other', resource: 'a/b', message: 'a/b: could not be read.' };
    const ev = new EvidenceBuilder().addGap(gap).addGaps([{ ...gap }, { ...gap, resource: 'a/c' }]).build();
    expect(ev.complete).toBe(false);
    expect(ev.gaps.map((g) => g.resource)).toEqual(['a/b', 'a/c']);
  });

  it('lists a shared call once however many reads hand it back, and takes a shared read\'s gaps', () => {
    const shared = call('GET /orgs/{org}/repos', '2026-04-01T00:00:00Z');
    const out = new EvidenceBuilder<object>();
    const value = out.use({ value: 42, calls: [shared], gaps: [] });
    out.use({ value: undefined, calls: [shared], gaps: [{ kind: 'timeout', message: 'slow' }] });
    const ev = out.addCalls([shared]).build();
    expect(value).toBe(42);
    expect(ev.calls).toEqual([shared]);
    expect(ev.complete).toBe(false);
  });

  it('orders calls and resources by a key when asked, by code point', () => {
    const out = new EvidenceBuilder<object>({ sortCallsBy: (c) => c.at });
    out.addCalls([call('b', '2026-04-01T00:00:02Z'), call('a', '2026-04-01T00:00:01Z')]);
    out.add({ id: 'b', data: {} }).add({ id: 'B', data: {} }).add({ id: 'a', data: {} }).orderResourcesBy((r) => r.id);
    const ev = out.build();
    expect(ev.calls.map((c) => c.operation)).toEqual(['a', 'b']);
    expect(ev.resources.map((r) => r.id)).toEqual(['B', 'a', 'b']);
  });

  it('carries facts and attachments by name', () => {
    const out = new EvidenceBuilder<object>().withFacts({ total: 2 }).attach('population.csv', 'id\n1\n');
    out.facts.more = true;
    const ev = out.build();
    expect(ev.facts).toEqual({ total: 2, more: true });
    expect(ev.attachments).toEqual({ 'population.csv': 'id\n1\n' });
  });
});
