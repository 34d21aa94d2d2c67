/** `soc2 history DIR` (the period coverage of a history folder) and `soc2 history verify DIR`. */
import { resolve } from 'node:path';
import { isCalendarDate } from '../../config/load.js';
import { Soc2Error, UsageError } from '../../errors.js';
import { describeFsError, lstatOrUndefined } from '../../fs-safe.js';
import { brokenMessage, readChain, type ChainState } from '../../history/chain.js';
import { summariseHistory } from '../../history/coverage.js';
import type { HistorySummary } from '../../history/summary.js';
import { historyBlocks } from '../../reports/markdown.js';

/** The chain is broken, or does not hold the record --head names. Exit 1. */
class HistoryVerificationFailed extends Soc2Error {
  readonly code = 'SOC2_HISTORY_BROKEN';
  readonly exitCode = 1;
}

export interface HistoryOptions {
  period?: string;
  format: 'markdown' | 'json';
  cwd?: string;
  now?: Date;
}

export async function historyCommand(dir: string, opts: HistoryOptions): Promise<void> {
  process.stdout.write(renderHistory(historySummary(dir, { ...opts, cwd: opts.cwd ?? process.cwd(), now: opts.now ?? new Date() }), opts.format));
}

export function renderHistory(summary: HistorySummary, format: 'markdown' | 'json'): string {
  return format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : `${historyBlocks(summary, 1).join('\n\n')}\n`;
}

/** The summary of the folder over the period (default: the newest run's review period). */
export function historySummary(dir: string, opts: { period?: string; cwd: string; now: Date }): HistorySummary {
  const state = readIntactChain(dir, opts.cwd);
  const newest = state.records[state.records.length - 1];
  let period: { start: string; end: string };
  if (opts.period !== undefined) period = parsePeriod(opts.period);
  else if (newest) period = newest.record.results.run.period;
  else throw new UsageError(`The history in ${dir} holds no records, so there is no review period to default to.`, 'Pass --period, e.g. --period 2026-01-01..2026-03-31, or record runs first with `soc2 run --history`.');
  return summariseHistory({
    dir,
    runs: state.records.map((r) => r.record.results),
    period,
    now: opts.now,
    chain: { records: state.records.length, head: newest ? { sequence: newest.record.sequence, sha256: newest.sha256 } : null },
  });
}

export async function historyVerifyCommand(dir: string, opts: { head?: string; cwd?: string }): Promise<void> {
  process.stdout.write(verifyHistory(dir, { head: opts.head, cwd: opts.cwd ?? process.cwd() }));
}

/** What `soc2 history verify` prints when the chain is intact; throws (exit 1) when it is not. */
export function verifyHistory(dir: string, opts: { head?: string; cwd: string }): string {
  if (opts.head !== undefined && !/^[0-9a-f]{64}$/.test(opts.head)) {
    throw new UsageError(`--head ${opts.head} is not a SHA-256 (64 lower-case hex digits).`, 'Pass the digest `soc2 history verify` or `soc2 run --history` printed for the newest record.');
  }
  const state = readIntactChain(dir, opts.cwd);
  const n = state.records.length;
  const newest = state.records[n - 1];
  if (opts.head !== undefined && !state.records.some((r) => r.sha256 === opts.head)) {
    throw new HistoryVerificationFailed(
      `No record in ${dir} has SHA-256 ${opts.head}: the record it named was removed or rewritten (the chain of ${n} record${n === 1 ? '' : 's'} ${newest ? `now ends at ${newest.name}` : 'is empty'}).`,
      'Restore the history folder from a copy made after that record was written.',
    );
  }
  if (!newest) return `${dir} holds no records yet.\n`;
  const anchored = opts.head ? ` It holds the record with SHA-256 ${opts.head}.` : '';
  return [
    `${dir}: ${n} record${n === 1 ? '' : 's'}, chain intact (${n === 1 ? newest.name : `${state.records[0]!.name} to ${newest.name}`}).${anchored}`,
    `Newest record: ${newest.name}, SHA-256 ${newest.sha256}`,
    `No record was removed, reordered, edited or replaced, as far as the chain can tell: removing the newest records, or rewriting the newest one with its digests recomputed, leaves a chain that still holds. Keep the digest above outside the folder (a CI log, the audit file) and check later with: soc2 history verify ${dir} --head ${newest.sha256}`,
    '',
  ].join('\n');
}

/** The folder's chain, intact; exit 2 when there is no folder, exit 1 when the chain is broken. */
function readIntactChain(dir: string, cwd: string): ChainState {
  const abs = resolve(cwd, dir);
  const st = lstatOrUndefined(abs);
  if (!st) throw new UsageError(`No history folder at ${dir}.`, 'Pass the folder `soc2 run --history` writes its records to.');
  if (!st.isDirectory() && !st.isSymbolicLink()) throw new UsageError(`${dir} is a file, not a history folder.`, 'Pass the folder `soc2 run --history` writes its records to.');
  let state: ChainState;
  try {
    state = readChain(abs);
  } catch (e) {
    throw new UsageError(`Cannot read the history folder ${dir}: ${describeFsError(e)}.`, 'Pass a history folder you can read.');
  }
  if (state.broken) {
    throw new HistoryVerificationFailed(brokenMessage(dir, state), 'The records after the break cannot be trusted. Restore the folder from a copy, and find out who or what changed it.');
  }
  return state;
}

/** "2026-01-01..2026-03-31" → the period, whole UTC days inclusive; exit 2 otherwise. */
export function parsePeriod(text: string): { start: string; end: string } {
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text.trim());
  const hint = 'Write the period as START..END with calendar dates, e.g. --period 2026-01-01..2026-03-31.';
  if (!m) throw new UsageError(`--period ${text} is not a period.`, hint);
  const [, start, end] = m as unknown as [string, string, string];
  for (const d of [start, end]) if (!isCalendarDate(d)) throw new UsageError(`--period ${text}: ${d} is not a calendar date.`, hint);
  if (start > end) throw new UsageError(`--period ${text} ends before it starts.`, hint);
  return { start, end };
}
