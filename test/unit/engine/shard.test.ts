import { describe, expect, it } from 'vitest';
import { COLLECTOR_SPLIT, evaluatesControl, inShard, parseShard, shardOf, splitOf } from '../../../src/engine/shard.js';
import { collectors } from '../../../src/collectors/index.js';
import { UsageError } from '../../../src/errors.js';

const names = (n: number, org = 'acme') => Array.from({ length: n }, (_, i) => `${org}/service-${i}`);

describe('engine/shard', () => {
  it('parses i/n, spaces allowed', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  });

  it.each([
    ['0/4', /shard number must be between 1 and 4/],
    ['5/4', /shard number must be between 1 and 4/],
    ['1/0', /number of shards must be between 1 and 256/],
    ['1/300', /number of shards must be between 1 and 256/],
    ['4', /is not of the form i\/n/],
    ['a/b', /is not of the form i\/n/],
    ['1/4/2', /is not of the form i\/n/],
    ['-1/4', /is not of the form i\/n/],
  ])('refuses --shard %s as a usage error (exit 2) that says what to write', (text, message) => {
    let caught: unknown;
    try {
      parseShard(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).exitCode).toBe(2);
    expect((caught as UsageError).message).toMatch(message);
    expect((caught as UsageError).remediation).toMatch(/--shard 2\/4/);
  });

  it('puts every name in exactly one shard, for any number of shards', () => {
    for (let count = 1; count <= 9; count++) {
      for (const name of names(300)) {
        const owners = Array.from({ length: count }, (_, i) => i + 1).filter((index) => inShard({ index, count }, name));
        expect(owners).toEqual([shardOf(name, count)]);
      }
    }
  });

  it('places a name by its own name only: case-insensitively, and the same whatever else is in scope', () => {
    expect(shardOf('Northwind-Analytics/API', 4)).toBe(shardOf('northwind-analytics/api', 4));
    // Pinned: a change would put repositories in other shards than parts written by an earlier soc2.
    expect(['northwind-analytics/api', 'northwind-analytics/web-app', 'northwind-analytics/billing-service', 'us-east-1', 'eu-west-1', 'us-west-2'].map((n) => shardOf(n, 4)))
      .toEqual([2, 4, 3, 1, 3, 2]);
  });

  it('spreads a large organisation evenly enough (each of 4 shards within 20% of even for 2,000 repositories)', () => {
    const counts = [0, 0, 0, 0];
    for (const n of names(2000)) counts[shardOf(n, 4) - 1]!++;
    for (const c of counts) {
      expect(c).toBeGreaterThan(400);
      expect(c).toBeLessThan(600);
    }
  });

  it('evaluates split controls in every shard and everything else in shard 1 only', () => {
    const automated = (collector: string) => ({ type: 'automated' as const, collector });
    const where = (c: Parameters<typeof evaluatesControl>[1]) => [1, 2, 3].filter((index) => evaluatesControl({ index, count: 3 }, c));
    expect(where(automated('github.branch-rules'))).toEqual([1, 2, 3]);
    expect(where(automated('github.org-settings'))).toEqual([1]);
    expect(where(automated('github.change-population'))).toEqual([1]);
    expect(where(automated('repo.secrets'))).toEqual([1]);
    expect(where(automated('aws.config-rules'))).toEqual([1]);
    expect(where(automated('aws.config-recorder'))).toEqual([1]);
    expect(splitOf('github.webhooks')).toBe('repositories');
    // A collector soc2 does not know how to split is evaluated whole, which is always correct.
    expect(where(automated('github.something-new'))).toEqual([1]);
    expect(where({ type: 'manual', collector: undefined })).toEqual([1]);
  });

  it('says how every registered collector splits, so a new one is a decision, not an accident', () => {
    expect(Object.keys(COLLECTOR_SPLIT).sort()).toEqual(Object.keys(collectors).sort());
    for (const [id, split] of Object.entries(COLLECTOR_SPLIT)) {
      if (id.startsWith('repo.')) expect(split).toBe('whole');
      if (split === 'repositories') expect(id.startsWith('github.')).toBe(true);
    }
  });
});
