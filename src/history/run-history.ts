/**
 * `soc2 run --history DIR`: what a run does with its history folder. Before collecting, the folder
 * must be usable (a directory, not a link; its chain intact), so that a broken history stops the
 * run before anything is collected. Once the run is decided, its results carry the summary of the
 * folder plus this run over the review period, for the reports. After the report files and the
 * attestation are written, and before the report is swapped into place, the run is appended, so a
 * report that shows the history section always belongs to a recorded run.
 */
import { Soc2Error } from '../errors.js';
import { OutputPathError, lstatOrUndefined } from '../fs-safe.js';
import type { Results } from '../results.js';
import type { RunAttestation } from './attestation.js';
import { appendRecord, brokenMessage, HistoryBrokenError, readChain, type AppendedRecord, type ChainState } from './chain.js';
import { summariseHistory } from './coverage.js';
import { sha256 } from './record.js';
import { readRunForHistory } from './run-reader.js';

export interface RunHistory {
  /** The results with `history` set: the folder's runs and this one over the run's review period. */
  summarise(results: Results, now: Date): Results;
  /** Append the run, given the bytes of its results.json and the attestation that pins its report. */
  record(resultsJson: Uint8Array, attestation: RunAttestation, now: Date): AppendedRecord;
}

/** The run could not be recorded after it was collected; its report is not written either. Exit 2. */
export class HistoryNotRecordedError extends Soc2Error {
  readonly code = 'SOC2_HISTORY_NOT_RECORDED';
  readonly exitCode = 2;
}

const NOT_WRITTEN = "This run's report was not written either: a report with a history section must belong to a recorded run.";

export function openRunHistory(dir: string, shown: string): RunHistory {
  const check = (consequence = 'Nothing was collected.'): ChainState => {
    const st = lstatOrUndefined(dir);
    if (!st) return { records: [] };
    if (st.isSymbolicLink()) throw new OutputPathError(`--history ${shown} is a symbolic link; soc2 does not write history records through links.`, 'Pass the directory the link points to as --history, or remove the link.');
    if (!st.isDirectory()) throw new OutputPathError(`--history ${shown} is a file, not a directory.`, 'Pass a directory for the history records, e.g. --history soc2-history.');
    const state = readChain(dir);
    if (state.broken) {
      throw new HistoryBrokenError(`${brokenMessage(shown, state)} ${consequence}`, `Run \`soc2 history verify ${shown}\` for details; restore the folder from a copy, or pass a new --history folder.`);
    }
    return state;
  };
  check();
  return {
    summarise(results, now) {
      const state = check(NOT_WRITTEN);
      const current = readRunForHistory(results);
      if (!current.ok) throw new Error(`soc2 bug: this run's results cannot be read for history (${current.problem}).`);
      const head = state.records[state.records.length - 1];
      const history = summariseHistory({
        dir: shown,
        runs: [...state.records.map((r) => r.record.results), current.run],
        period: results.run.period,
        now,
        chain: { records: state.records.length, head: head ? { sequence: head.record.sequence, sha256: head.sha256 } : null },
        thisRun: results.run.id,
      });
      return { ...results, history };
    },
    record(resultsJson, attestation, now) {
      const run = readRunForHistory(JSON.parse(Buffer.from(resultsJson).toString('utf8')));
      if (!run.ok) throw new Error(`soc2 bug: this run's results.json cannot be read for history (${run.problem}).`);
      try {
        return appendRecord(dir, shown, { recordedAt: now, attestation, resultsSha256: sha256(resultsJson), results: run.run });
      } catch (e) {
        if (e instanceof Soc2Error) throw new HistoryNotRecordedError(`${e.message} ${NOT_WRITTEN}`, e.remediation, { cause: e });
        throw e;
      }
    },
  };
}
