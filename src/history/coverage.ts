/**
 * Pure: (runs, period, now) → HistorySummary. No clock and no I/O: `now` is passed in, and every
 * instant is UTC. A run counts for the period when it started inside it (whole days, inclusive).
 */
import { FREQUENCIES, type Frequency } from '../controls/schema.js';
import type { HistoryRun } from './run-reader.js';
import { uncoveredIntervals } from './intervals.js';
import type { ControlCoverage, HistoryFailure, HistoryGap, HistorySummary } from './summary.js';

const DAY = 86_400_000;

/** Statuses that mean the run reached a verdict on the control; `error` (could not tell) and `manual` do not. */
const DECIDED: ReadonlySet<string> = new Set(['pass', 'fail', 'excepted', 'not_applicable']);
/** A failure ends at a run that finds the control passing or no longer applicable. */
const ENDS_FAILURE: ReadonlySet<string> = new Set(['pass', 'not_applicable']);
const KNOWN_STATUSES = ['pass', 'fail', 'error', 'excepted', 'manual', 'not_applicable'] as const;

export interface CoverageInput {
  dir: string;
  /** Every run in the history (any order), plus the current run when summarising inside one. */
  runs: readonly HistoryRun[];
  period: { start: string; end: string };
  now: Date;
  chain: HistorySummary['chain'];
  thisRun?: string;
}

const iso = (t: number) => new Date(t).toISOString();
const startOf = (r: HistoryRun) => Date.parse(r.run.startedAt);

export function summariseHistory(input: CoverageInput): HistorySummary {
  const from = Date.parse(`${input.period.start}T00:00:00Z`);
  const to = Date.parse(`${input.period.end}T00:00:00Z`) + DAY;
  const now = input.now.getTime();
  const all = [...input.runs].sort((a, b) => startOf(a) - startOf(b) || (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0));
  const inPeriod = all.filter((r) => startOf(r) >= from && startOf(r) < to);
  const before = all.filter((r) => startOf(r) < from);

  const ids = [...new Set(inPeriod.flatMap((r) => r.controls.map((c) => c.id)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const controls = ids.map((id) => controlCoverage(id, inPeriod, before, from, to, now));

  return {
    dir: input.dir,
    period: { ...input.period },
    asOf: iso(now),
    chain: input.chain,
    thisRun: input.thisRun ?? null,
    runs: {
      inPeriod: inPeriod.length,
      beforePeriod: before.length,
      afterPeriod: all.length - inPeriod.length - before.length,
      first: inPeriod[0]?.run.startedAt ?? null,
      last: inPeriod[inPeriod.length - 1]?.run.startedAt ?? null,
    },
    noRun: gaps(inPeriod.map(startOf), from, to, now, 'daily'),
    notYetReached: now < to ? { from: iso(Math.max(now, from)), to: iso(to) } : null,
    controls,
  };
}

function controlCoverage(id: string, inPeriod: readonly HistoryRun[], before: readonly HistoryRun[], from: number, to: number, now: number): ControlCoverage {
  const seen = inPeriod.flatMap((r) => {
    const c = r.controls.find((x) => x.id === id);
    return c ? [{ at: startOf(r), startedAt: r.run.startedAt, control: c }] : [];
  });
  // The newest run says what the control is now: its title, type and frequency.
  const latest = seen[seen.length - 1]!.control;
  const frequency: Frequency = (FREQUENCIES as readonly string[]).includes(latest.frequency) ? latest.frequency : 'daily';
  const statuses = { pass: 0, fail: 0, error: 0, excepted: 0, manual: 0, not_applicable: 0, other: 0 };
  for (const s of seen) {
    const known = (KNOWN_STATUSES as readonly string[]).includes(s.control.status) ? (s.control.status as (typeof KNOWN_STATUSES)[number]) : 'other';
    statuses[known]++;
  }
  const lastBefore = [...before].reverse().map((r) => r.controls.find((x) => x.id === id)).find((c) => c && DECIDED.has(c.status));
  return {
    id,
    title: latest.title,
    type: latest.type,
    frequency,
    runs: seen.length,
    statuses,
    firstRunAt: seen[0]?.startedAt ?? null,
    lastRunAt: seen[seen.length - 1]?.startedAt ?? null,
    lastStatus: latest.status,
    failures: failures(seen.map((s) => ({ startedAt: s.startedAt, status: s.control.status })), lastBefore?.status === 'fail' || lastBefore?.status === 'excepted'),
    gaps: latest.type === 'manual' ? null : gaps(seen.filter((s) => DECIDED.has(s.control.status)).map((s) => s.at), from, to, now, frequency),
  };
}

/**
 * Stretches of failure: each starts at a failing run and ends at the first later run that finds the
 * control passing or not applicable. Excepted runs (the deviation is still there, accepted) and
 * runs in error (could not tell) do not end it.
 */
export function failures(runs: ReadonlyArray<{ startedAt: string; status: string }>, failingBeforePeriod: boolean): HistoryFailure[] {
  const out: HistoryFailure[] = [];
  let open: HistoryFailure | undefined;
  let lastPass: string | null = null;
  // Until a run in the period finds the control passing (or not applicable), a failure carried
  // over from before the period is still the same failure.
  let carriedOver = failingBeforePeriod;
  for (const r of runs) {
    if (open) {
      if (ENDS_FAILURE.has(r.status)) {
        open.to = r.startedAt;
        open = undefined;
      } else open.runs++;
    } else if (r.status === 'fail') {
      open = { from: r.startedAt, to: null, runs: 1, lastPassBefore: lastPass, beganBeforePeriod: carriedOver };
      out.push(open);
    }
    if (ENDS_FAILURE.has(r.status)) carriedOver = false;
    if (r.status === 'pass') lastPass = r.startedAt;
  }
  return out;
}

function gaps(times: readonly number[], from: number, to: number, now: number, f: Frequency): HistoryGap[] {
  return uncoveredIntervals(times, from, to, now, f).map((g) => ({ from: iso(g.from), to: iso(g.to), intervals: g.intervals }));
}
