/**
 * The calendar intervals a frequency divides time into, in UTC (no time zone, no daylight saving):
 * continuous → hours, daily → days, weekly → ISO weeks (Monday to Sunday), monthly → calendar
 * months, quarterly → calendar quarters (January, April, July, October). A control meets its
 * frequency in a period when every such interval of the period, clipped to it, holds a run that
 * decided the control. Calendar intervals rather than "no more than 24 hours apart": a nightly job
 * whose start drifts by minutes still runs once a day.
 */
import type { Frequency } from '../controls/schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Start of the interval holding instant `t` (ms since the epoch). */
export function intervalStart(t: number, f: Frequency): number {
  const d = new Date(t);
  switch (f) {
    case 'continuous':
      return Math.floor(t / HOUR) * HOUR;
    case 'daily':
      return Math.floor(t / DAY) * DAY;
    case 'weekly': {
      const day = Math.floor(t / DAY) * DAY;
      const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
      return day - sinceMonday * DAY;
    }
    case 'monthly':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case 'quarterly':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
  }
}

/** Start of the interval after the one starting at `start`. */
export function nextIntervalStart(start: number, f: Frequency): number {
  const d = new Date(start);
  switch (f) {
    case 'continuous':
      return start + HOUR;
    case 'daily':
      return start + DAY;
    case 'weekly':
      return start + 7 * DAY;
    case 'monthly':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    case 'quarterly':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 3, 1);
  }
}

/** A stretch of intervals without evidence, [from, to) in ms, clipped to the period. */
export interface Uncovered {
  from: number;
  to: number;
  intervals: number;
}

/**
 * The intervals of [from, to) holding none of `times`, merged into stretches. An interval still
 * under way at `now` is not a gap unless it has ended; intervals after `now` are not reached yet.
 */
export function uncoveredIntervals(times: readonly number[], from: number, to: number, now: number, f: Frequency): Uncovered[] {
  const sorted = [...times].filter((t) => t >= from && t < to).sort((a, b) => a - b);
  const gaps: Uncovered[] = [];
  let i = 0;
  for (let start = intervalStart(from, f); start < to; start = nextIntervalStart(start, f)) {
    const lo = Math.max(start, from);
    const hi = Math.min(nextIntervalStart(start, f), to);
    if (lo >= now) break; // not reached yet
    while (i < sorted.length && sorted[i]! < lo) i++;
    const covered = i < sorted.length && sorted[i]! < hi;
    if (covered) continue;
    if (hi > now) break; // under way: a run may still come
    const last = gaps[gaps.length - 1];
    if (last && last.to === lo) {
      last.to = hi;
      last.intervals++;
    } else gaps.push({ from: lo, to: hi, intervals: 1 });
  }
  return gaps;
}
