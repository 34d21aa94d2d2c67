/**
 * The contract every report renderer follows: a pure function of results.json, so that
 * `soc2 report` can re-render an old run and get the same bytes the run wrote.
 */
import type { Results } from '../results.js';

export type ReportFormat = 'markdown' | 'html' | 'junit' | 'sarif' | 'json' | 'oscal' | 'findings-csv';

export interface Renderer {
  /** Stable format name used on the command line (`--format markdown,html`). */
  readonly format: ReportFormat;
  /** File extension including the dot, e.g. '.md'. */
  readonly extension: string;
  /** Name of the file the run writes into its output directory, e.g. 'report.md'. */
  readonly fileName: string;
  /** Pure and deterministic: same Results in → same string out. No clock, no I/O, no randomness. */
  render(results: Results): string;
}
