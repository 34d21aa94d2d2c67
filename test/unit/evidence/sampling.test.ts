import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SplitMix64, drawSample } from '../../../src/evidence/sampling.js';
import { PopulationFormatError, parsePopulation } from '../../../src/evidence/population.js';
import { directCommitRow, toCsv } from '../../../src/collectors/github/change-rows.js';

describe('evidence/sampling', () => {
  it('SplitMix64 gives the reference outputs (Vigna\'s splitmix64.c, seed 1234567)', () => {
    const rng = new SplitMix64(1234567n);
    expect([1, 2, 3, 4, 5].map(() => rng.next())).toEqual([6457827717110365317n, 3203168211198807973n, 9817491932198370423n, 4593380528125082431n, 16408922859458223821n]);
  });

  it('draws the rows an independent reimplementation of the documented algorithm draws', () => {
    // From a 15-line Python version of the README's description.
    expect(drawSample(100, 10, 42n)).toEqual([14, 84, 87, 10, 3, 28, 88, 46, 66, 29]);
    expect(drawSample(312, 25, 20260401n)).toEqual([167, 139, 73, 81, 11, 24, 255, 285, 241, 205, 125, 164, 160, 150, 40, 80, 87, 111, 229, 310, 37, 56, 46, 284, 307]);
    expect(drawSample(5, 5, 0n)).toEqual([1, 2, 4, 3, 5]);
  });

  it('accepts every seed from 0 to 2^64 - 1 and nothing outside', () => {
    expect(() => new SplitMix64((1n << 64n) - 1n).next()).not.toThrow();
    expect(() => new SplitMix64(1n << 64n)).toThrow(RangeError);
    expect(() => new SplitMix64(-1n)).toThrow(RangeError);
  });

  it('draws distinct rows within the population, the same for the same seed, and extends a smaller sample', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.nat(), (n, seed, k0) => {
        const k = k0 % (n + 1);
        const s = drawSample(n, k, seed);
        expect(s).toHaveLength(k);
        expect(new Set(s).size).toBe(k);
        for (const r of s) expect(r >= 1 && r <= n).toBe(true);
        expect(drawSample(n, k, seed)).toEqual(s);
        if (k < n) expect(drawSample(n, k + 1, seed).slice(0, k)).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects the top of the 64-bit range that would favour low rows (no modulo bias)', () => {
    // 2^64 mod 3 = 1, so 2^64 - 1 is the one value that would make row 0 likelier; it must be skipped.
    class Scripted extends SplitMix64 {
      private values = [(1n << 64n) - 1n, 5n];
      override next(): bigint {
        return this.values.shift()!;
      }
    }
    expect(new Scripted(0n).below(3)).toBe(2);
  });

  it('spreads draws evenly over the rows', () => {
    const counts = new Array(7).fill(0);
    const rng = new SplitMix64(7n);
    for (let i = 0; i < 70_000; i++) counts[rng.below(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });
});

describe('evidence/population', () => {
  it('reads RFC 4180 records with the line each starts on: quotes, doubled quotes, line breaks, CRLF or LF, a BOM', () => {
    const p = parsePopulation('\uFEFFid,title\r\n1,plain\r\n2,"with, comma"\n3,"two\r\nlines and ""quotes"""\r\n4,\r\n5,""\r\n\r\n');
    expect(p.columns).toEqual(['id', 'title']);
    expect(p.rows).toEqual([
      { row: 1, line: 2, values: ['1', 'plain'] },
      { row: 2, line: 3, values: ['2', 'with, comma'] },
      { row: 3, line: 4, values: ['3', 'two\r\nlines and "quotes"'] },
      { row: 4, line: 6, values: ['4', ''] },
      { row: 5, line: 7, values: ['5', ''] },
    ]);
  });

  it('reads the change population CSV a run writes', () => {
    const rows = [1, 2, 3].map((i) => directCommitRow({ repository: 'acme/api', branch: 'main', oid: `${i}`.repeat(40), committedDate: '2026-02-01T00:00:00Z', headline: i === 2 ? '=cmd|"/c calc"!A1, and\nmore' : `fix ${i}`, author: 'dev', checksState: null, url: 'https://example.test' }));
    const p = parsePopulation(toCsv(rows));
    expect(p.rows).toHaveLength(3);
    expect(p.rows[1]!.values[p.columns.indexOf('title')]).toBe('\'=cmd|"/c calc"!A1, and\nmore');
    expect(p.rows[2]!.line).toBe(5);
  });

  it.each([
    ['', 1, /empty/],
    ['a,b\r\n1\r\n', 2, /has 1 field, the header has 2/],
    ['a,b\r\n1,2\r\n3,"open\r\n', 3, /never closed/],
    ['a,b\r\n1,x"y\r\n', 2, /quote inside an unquoted field/],
    ['a,b\r\n1,"x"y\r\n', 2, /text follows a closing quote/],
    ['a,b\r\n1,2\r\n\r\n3,4\r\n', 3, /has 1 field/],
  ])('names the line of a malformed file: %j', (text, line, message) => {
    let caught: unknown;
    try {
      parsePopulation(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PopulationFormatError);
    expect((caught as PopulationFormatError).line).toBe(line);
    expect((caught as Error).message).toMatch(message);
  });
});
