/**
 * The words of the history section, shared by the Markdown report, the HTML report and
 * `soc2 history`, so they can never disagree about what the history shows. Plain text: each
 * renderer escapes it. Pure: times come from the summary, never from a clock.
 */
import type { Frequency } from '../controls/schema.js';
import type { ControlCoverage, HistoryGap, HistorySummary } from '../history/summary.js';
import { plural } from '../text.js';

export const HISTORY_HEADING = 'History over the review period';

export const FREQUENCY_TEXT: Readonly<Record<Frequency, string>> = {
  continuous: 'continuous (hourly)',
  daily: 'daily',
  weekly: 'weekly',
  monthly: 'monthly',
  quarterly: 'quarterly',
};

const UNIT: Readonly<Record<Frequency, [string, string]>> = {
  continuous: ['hour', 'hours'],
  daily: ['day', 'days'],
  weekly: ['week', 'weeks'],
  monthly: ['month', 'months'],
  quarterly: ['quarter', 'quarters'],
};

export function intervalsText(n: number, f: Frequency): string {
  return plural(n, UNIT[f][0], UNIT[f][1]);
}

/** 2026-01-05T03:04:05.000Z → "2026-01-05 03:04 UTC". */
export function whenText(iso: string | null): string {
  // A results.json handed to `soc2 report` may say anything here; what is not a time is shown as written.
  if (iso === null) return 'an unrecorded time';
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

/** The last whole day a span ending at `iso` covers (the day before it, in UTC); what is not a time is shown as written. */
function dayBefore(iso: string): string {
  const end = new Date(Date.parse(iso) - 1);
  return Number.isNaN(end.getTime()) ? iso : end.toISOString().slice(0, 10);
}

/** A gap as a reader counts it: whole days inclusive ("2026-01-01 to 2026-01-09"), or hours for hourly controls. */
export function gapText(g: HistoryGap, f: Frequency): string {
  if (f === 'continuous') return `${whenText(g.from)} to ${whenText(g.to)} (${intervalsText(g.intervals, f)})`;
  const first = g.from.slice(0, 10);
  const last = dayBefore(g.to);
  return `${first === last ? first : `${first} to ${last}`} (${intervalsText(g.intervals, f)})`;
}

/** "3 days 4 hours", "2 hours 5 minutes", "12 minutes": the two largest units, rounded down to the minute. */
export function durationText(ms: number): string {
  if (Number.isNaN(ms)) return 'an unknown time';
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const parts: Array<[number, string]> = [
    [Math.floor(minutes / 1440), 'day'],
    [Math.floor((minutes % 1440) / 60), 'hour'],
    [minutes % 60, 'minute'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return 'less than a minute';
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => plural(n, u)).join(' ');
}

/** "9 of 10 (90%)", rounded down so that a share short of every run never reads as 100%. */
export function passingText(c: ControlCoverage): string {
  if (c.type === 'manual') return 'manual';
  if (c.runs === 0) return '—';
  return `${c.statuses.pass} of ${c.runs} (${Math.floor((c.statuses.pass * 100) / c.runs)}%)`;
}

export function firstFailureText(c: ControlCoverage): string {
  const f = c.failures[0];
  if (!f) return '—';
  return `${whenText(f.from)}${f.beganBeforePeriod ? ' (already failing before the period)' : ''}`;
}

export function fixedText(c: ControlCoverage): string {
  const f = c.failures[0];
  if (!f) return '—';
  return f.to ? whenText(f.to) : 'not fixed by the last run';
}

export function failingForText(c: ControlCoverage): string {
  const f = c.failures[0];
  if (!f) return '—';
  const more = c.failures.length > 1 ? ` (then ${plural(c.failures.length - 1, 'more failure')})` : '';
  if (f.to) return `${durationText(Date.parse(f.to) - Date.parse(f.from))}${more}`;
  return `at least ${durationText(Date.parse(c.lastRunAt ?? f.from) - Date.parse(f.from))}, still failing at the last run`;
}

export function gapsCellText(c: ControlCoverage): string {
  if (c.gaps === null) return 'not visible to soc2 (manual)';
  if (!c.gaps.length) return 'none';
  const total = c.gaps.reduce((n, g) => n + g.intervals, 0);
  return `${intervalsText(total, c.frequency)} in ${plural(c.gaps.length, 'gap')}`;
}

export const HISTORY_TABLE_HEADERS = ['Control', 'Frequency', 'Runs', 'Passing', 'First failure', 'Fixed', 'Failing for', 'Intervals without a decision'] as const;

export function historyRow(c: ControlCoverage): string[] {
  return [`${c.id} — ${c.title}`, FREQUENCY_TEXT[c.frequency], String(c.runs), passingText(c), firstFailureText(c), fixedText(c), failingForText(c), gapsCellText(c)];
}

/** Sorted by control id (code units, so every machine agrees). */
export function historyControls(h: HistorySummary): ControlCoverage[] {
  return [...h.controls].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const MAX_SPANS = 10;

function spansText(gaps: readonly HistoryGap[], f: Frequency): string {
  const shown = gaps.slice(0, MAX_SPANS).map((g) => gapText(g, f)).join('; ');
  return gaps.length > MAX_SPANS ? `${shown}; and ${gaps.length - MAX_SPANS} more` : shown;
}

/** The opening paragraph: where the runs come from and what they are for. */
export function historyIntro(h: HistorySummary): string {
  const r = h.runs;
  const runs = r.inPeriod === 0
    ? `no run started in the period ${h.period.start} to ${h.period.end}`
    : `${plural(r.inPeriod, 'run')} started in the period ${h.period.start} to ${h.period.end} (${r.inPeriod === 1 ? `at ${whenText(r.first)}` : `first ${whenText(r.first)}, last ${whenText(r.last)}`})${h.thisRun ? ', this run included' : ''}`;
  const chain = h.chain.head
    ? `The chain of ${plural(h.chain.records, 'record')} was verified intact when this was computed (newest record number ${h.chain.head.sequence}, SHA-256 ${h.chain.head.sha256})${h.thisRun ? '; this run is recorded after it' : ''}.`
    : h.thisRun ? 'The folder held no records yet; this run is its first.' : 'The folder holds no records.';
  const outside = r.beforePeriod + r.afterPeriod ? ` ${plural(r.beforePeriod, 'run')} before the period and ${plural(r.afterPeriod, 'run')} after it are not counted.` : '';
  return `From the history folder ${h.dir}, as of ${whenText(h.asOf)}: ${runs}. ${chain}${outside} Each record keeps every control's status and the failing resources of its run: the runs are the population an auditor samples to test the controls over the period. Between runs the evidence says nothing: a control is known to have been in place only when a run decided it.`;
}

/** The parts of the period the evidence does not cover, said plainly: one sentence each, with sub-items. */
export function notCovered(h: HistorySummary): Array<{ text: string; items?: string[] }> {
  const out: Array<{ text: string; items?: string[] }> = [];
  const controls = historyControls(h);
  if (h.runs.inPeriod === 0) out.push({ text: 'No run started in the period: the evidence covers none of it.' });
  else if (h.runs.inPeriod === 1) {
    out.push({ text: 'Only one run started in the period. It shows the controls at one moment, not how they worked across the rest of the period.' });
  }
  if (h.noRun.length) {
    const days = h.noRun.reduce((n, g) => n + g.intervals, 0);
    out.push({ text: `No run at all on ${plural(days, 'day')}: ${spansText(h.noRun, 'daily')}.` });
  }
  if (h.notYetReached) {
    out.push({ text: `From ${whenText(h.notYetReached.from)} to the end of the period (${h.period.end}) had not been reached when this was computed: nothing covers it yet.` });
  }
  const unmet = controls.filter((c) => c.gaps !== null && c.gaps.length > 0);
  if (unmet.length) {
    out.push({
      text: `${plural(unmet.length, 'control')} did not meet ${unmet.length === 1 ? 'its' : 'their'} frequency: no run decided ${unmet.length === 1 ? 'it' : 'them'} (pass, fail, excepted or not applicable; a run in error decides nothing) in these intervals.`,
      items: unmet.map((c) => `${c.id} (${FREQUENCY_TEXT[c.frequency]}): ${spansText(c.gaps!, c.frequency)}.`),
    });
  }
  const manual = controls.filter((c) => c.gaps === null);
  if (manual.length) {
    out.push({
      text: `${plural(manual.length, 'manual control')} (${manual.map((c) => c.id).join(', ')}) ${manual.length === 1 ? 'is' : 'are'} not covered by automated evidence: a person attaches ${manual.length === 1 ? 'its' : 'their'} evidence, and soc2 cannot see whether that happened as often as required.`,
    });
  }
  if (h.runs.inPeriod > 1 && !h.noRun.length && !unmet.length) {
    const until = h.notYetReached ? `to ${whenText(h.asOf)}` : `to the end of ${h.period.end}`;
    out.push({ text: `Otherwise, every automated control was decided at least once in every interval of its frequency from ${h.period.start} ${until}.` });
  }
  return out;
}

export const FAILING_FOR_NOTE =
  '"Failing for" runs from the first run that found the failure to the run that found it fixed: the failure may have begun after the last passing run before it, and ended before the fixing run. Every stretch of failure, with those bounds, is in the JSON: the history field of results.json, or the output of soc2 history --format json.';
