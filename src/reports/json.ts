/**
 * results.json: the canonical machine-readable record (schema 2.0.0), pretty-printed. The run is
 * written proportional to what needs attention: passing findings counted, not listed, and each
 * evidence reference once at the top (toResultsFile). Arrays whose order carries no meaning are
 * sorted so the file is byte-identical however the engine happened to finish its work; lists
 * whose order is authored (evidence to attach, references, API calls in time order) are kept as
 * they are. Key order is the producer's.
 */
import { toResultsFile, type ControlRecord, type Results, type ResultsFile } from '../results.js';
import { compareFindings, compareText, findingStatusRank, sortCriteria } from './format.js';
import type { Renderer } from './types.js';

function canonical(file: ResultsFile): ResultsFile {
  return {
    ...file,
    criteria: sortCriteria(file.criteria).map((cr) => ({ ...cr, controls: [...cr.controls].sort(compareText) })),
    controls: [...file.controls].sort((a, b) => compareText(a.id, b.id) || compareText(a.title, b.title)).map(canonicalControl),
  };
}

function canonicalControl(c: ControlRecord): ControlRecord {
  return {
    ...c,
    // Deviations first, as the engine writes them, so a reader of the raw file sees them at once.
    findings: [...c.findings].sort((a, b) => findingStatusRank(a.status) - findingStatusRank(b.status) || compareFindings(a, b)),
  };
}

export const json: Renderer = {
  format: 'json',
  extension: '.json',
  fileName: 'results.json',
  render(results: Results): string {
    return `${JSON.stringify(canonical(toResultsFile(results)), null, 2)}\n`;
  },
};
