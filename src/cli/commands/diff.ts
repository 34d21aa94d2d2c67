/** `soc2 diff OLD NEW`: what changed between two runs. Exit 0 whatever changed; 2 for bad input. */
import { readResultsView } from '../../ci/results-reader.js';
import { diffResults } from '../../ci/results-diff.js';
import { diffJson, renderDiffMarkdown, renderDiffText } from '../../ci/diff-render.js';
import { makeChalk } from '../terminal.js';

export async function diffCommand(oldRun: string, newRun: string, opts: { format: 'text' | 'markdown' | 'json' }): Promise<void> {
  const cwd = process.cwd();
  const diff = diffResults(readResultsView(oldRun, cwd, 'old run'), readResultsView(newRun, cwd, 'new run'));
  const text = opts.format === 'json' ? `${JSON.stringify(diffJson(diff), null, 2)}\n`
    : opts.format === 'markdown' ? renderDiffMarkdown(diff)
    : renderDiffText(diff, makeChalk());
  process.stdout.write(text);
}
