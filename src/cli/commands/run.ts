/** `soc2 run`: the tool's main job. Also the pipeline `soc2 demo` drives. */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadConfiguredExceptions, type ExceptionEntry } from '../../engine/exceptions.js';
import { runAssessment } from '../../engine/run.js';
import { writeManifest } from '../../evidence/write.js';
import { stageReport } from '../../evidence/out-dir.js';
import { renderers, DEFAULT_FORMATS } from '../../reports/index.js';
import type { Severity } from '../../controls/schema.js';
import type { Results } from '../../results.js';
import { UsageError } from '../../errors.js';
import { assertGitHubEndpoint, withGitHubApiUrl } from '../../collectors/github/endpoint.js';
import { makeChalk, makeProgress, renderSummary } from '../terminal.js';
import { undoOnInterrupt } from '../signals.js';
import { printableText } from '../../printable.js';

export interface RunCommandOptions {
  config?: string;
  out: string;
  failOn: Severity;
  format: string;
  only?: string;
  githubApiUrl?: string;
  history?: string;
}

export async function runCommand(opts: RunCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const now = () => new Date();
  const loaded = loadConfig({ cwd, file: opts.config, today: now() });
  const env = withGitHubApiUrl(process.env, opts.githubApiUrl);
  const results = await executeRun({ loaded, cwd, outDir: resolve(cwd, opts.out), failOn: opts.failOn, extraFormats: parseFormats(opts.format), only: opts.only, env, sample: false, now, history: opts.history });
  process.exitCode = results.summary.exitCode;
}

export function parseFormats(text: string): Array<keyof typeof renderers> {
  const formats = text.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of formats) {
    if (!(f in renderers)) throw new UsageError(`Unknown report format "${f}".`, `Formats: ${Object.keys(renderers).join(', ')}.`);
  }
  return formats as Array<keyof typeof renderers>;
}

export interface ExecuteRunOptions {
  loaded: LoadedConfig;
  cwd: string;
  outDir: string;
  failOn: Severity;
  extraFormats: Array<keyof typeof renderers>;
  only?: string;
  env: NodeJS.ProcessEnv;
  sample: boolean;
  now(): Date;
  exitCodeNote?: (r: Results) => string;
  /** --history: the folder this run is recorded in, as given. */
  history?: string;
}

export async function executeRun(o: ExecuteRunOptions): Promise<Results> {
  const { config } = o.loaded;
  let controls = await loadConfiguredControls(o.loaded);
  if (o.only) {
    const wanted = new Set(o.only.split(',').map((s) => s.trim()).filter(Boolean));
    const unknown = [...wanted].filter((id) => !controls.some((c) => c.id === id));
    if (unknown.length) throw new UsageError(`--only names controls that are not loaded: ${unknown.join(', ')}.`, 'Run `soc2 controls list` to see the ids.');
    controls = controls.filter((c) => wanted.has(c.id));
  }
  const exceptions: ExceptionEntry[] = loadConfiguredExceptions(o.loaded);
  assertGitHubEndpoint(o.loaded, o.env);
  // A history folder that cannot take this run stops it before anything is collected.
  const history = o.history === undefined ? undefined : (await import('../../history/run-history.js')).openRunHistory(resolve(o.cwd, o.history), o.history);

  const rel = relative(o.cwd, o.outDir);
  const display = rel === '' ? '.' : rel.startsWith('..') ? o.outDir : rel;
  // Everything goes to a staging directory that replaces --out only when the run has finished.
  const staged = stageReport(o.outDir, { cwd: o.cwd, shown: display });
  const stopUndo = undoOnInterrupt(() => {
    staged.discard();
    return staged.replacesPrevious ? `the previous report in ${join(display, '/')} is unchanged` : `no report was written to ${join(display, '/')}`;
  });
  const formats = [...new Set([...DEFAULT_FORMATS, ...o.extraFormats])];
  const files: string[] = [];
  let results: Results;
  let recorded: string | undefined;
  try {
    const progress = makeProgress();
    const warnings: string[] = [];
    results = await runAssessment({
      loaded: o.loaded,
      controls,
      exceptions,
      outDir: staged,
      failOn: o.failOn,
      now: o.now,
      env: o.env,
      sample: o.sample,
      progress: progress.line,
      warn: (m) => {
        progress.done();
        warnings.push(m);
        process.stderr.write(`soc2: warning: ${printableText(m)}\n`);
      },
    });
    progress.done();
    if (history) results = history.summarise(results, o.now());

    for (const f of formats) {
      const r = renderers[f];
      staged.write(r.fileName, r.render(results));
      files.push(r.fileName);
    }
    writeManifest(staged, results.run.id);
    if (history) {
      // Recorded before the report is swapped in: a report never shows a history its run is not in.
      const record = history.record(readFileSync(join(staged.root, renderers.json.fileName)), staged.written(), o.now());
      recorded = `History: recorded as ${join(o.history!, record.name)} (sha256 ${record.sha256})${record.raced ? `, after ${record.raced} record(s) other runs appended meanwhile` : ''}.\n`;
    }
    const leftover = staged.commit();
    if (leftover) process.stderr.write(`soc2: warning: ${printableText(leftover)}\n`);
  } finally {
    stopUndo();
    staged.discard();
  }
  const ordered = ['report.html', 'report.md', ...files.filter((f) => f !== 'report.html' && f !== 'report.md')].filter((f) => files.includes(f));
  const shown = ordered.map((f) => join(display, f));
  process.stdout.write('\n' + renderSummary(results, { outDir: display, files: [...shown, join(display, 'evidence/')], c: makeChalk(), exitCodeNote: o.exitCodeNote?.(results) }));
  if (recorded) process.stdout.write(recorded);
  return results;
}
