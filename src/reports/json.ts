/**
 * results.json: the canonical machine-readable record, pretty-printed. Arrays whose order carries
 * no meaning are sorted so the file is byte-identical however the engine happened to finish its
 * work; lists whose order is authored (evidence to attach, references, API calls in time order)
 * are kept as they are. Key order is the producer's.
 */
import type { ControlResult, Results } from '../results.js';
import { compareFindings, compareText, findingStatusRank, sortControlsById, sortCriteria } from './format.js';
import type { Renderer } from './types.js';

function canonical(results: Results): Results {
  return {
    ...results,
    criteria: sortCriteria(results.criteria).map((cr) => ({ ...cr, controls: [...cr.controls].sort(compareText) })),
    controls: sortControlsById(results.controls).map(canonicalControl),
  };
}

function canonicalControl(c: ControlResult): ControlResult {
  return {
    ...c,
    // Deviations first, as the engine writes them, so a reader of the raw file sees them at once.
    findings: [...c.findings].sort((a, b) => findingStatusRank(a.status) - findingStatusRank(b.status) || compareFindings(a, b)),
    evidence: [...c.evidence].sort((a, b) => compareText(a.file, b.file)),
  };
}

export const json: Renderer = {
  format: 'json',
  extension: '.json',
  fileName: 'results.json',
  render(results: Results): string {
    return `${JSON.stringify(canonical(results), null, 2)}\n`;
  },
};
