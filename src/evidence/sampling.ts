/**
 * Reproducible random sampling an auditor can re-draw anywhere ("soc2 sample v1"):
 *
 *   1. The seed S is an integer, 0 <= S < 2^64.
 *   2. SplitMix64 (Steele, Lea, Flood 2014; the reference in Vigna's splitmix64.c) turns it into a
 *      stream of 64-bit numbers: state += 0x9E3779B97F4A7C15; z = state;
 *      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
 *      output z ^ (z >> 31) — all arithmetic modulo 2^64.
 *   3. A uniform integer below n is drawn by rejection, so no row is favoured: draw x until
 *      x < 2^64 - (2^64 mod n), then take x mod n.
 *   4. A partial Fisher–Yates shuffle of the row numbers 1..N picks k rows: for i = 0..k-1,
 *      j = i + uniform(N - i), swap positions i and j; the first k positions are the sample, in
 *      draw order.
 *
 * Everything is exact integer arithmetic (BigInt), so every machine and every reimplementation
 * draws the same rows from the same seed and population size.
 */

const MASK = (1n << 64n) - 1n;
const TWO_64 = 1n << 64n;

export const SAMPLING_ALGORITHM = 'soc2 sample v1: SplitMix64, rejection sampling, partial Fisher–Yates';

export class SplitMix64 {
  private state: bigint;

  constructor(seed: bigint) {
    if (seed < 0n || seed > MASK) throw new RangeError('The seed must be an integer from 0 to 2^64 - 1.');
    this.state = seed;
  }

  next(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  }

  /** Uniform in [0, n), without modulo bias. */
  below(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('n must be a positive integer.');
    const bn = BigInt(n);
    const limit = TWO_64 - (TWO_64 % bn);
    for (;;) {
      const x = this.next();
      if (x < limit) return Number(x % bn);
    }
  }
}

/** The 1-based row numbers of a sample of `size` from a population of `population` rows, in draw order. */
export function drawSample(population: number, size: number, seed: bigint): number[] {
  if (!Number.isSafeInteger(size) || size < 0 || size > population) throw new RangeError(`Cannot draw ${size} of ${population} rows.`);
  const rng = new SplitMix64(seed);
  const rows = Array.from({ length: population }, (_, i) => i + 1);
  for (let i = 0; i < size; i++) {
    const j = i + rng.below(population - i);
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows.slice(0, size);
}
