/** `soc2 run`: the tool's main job. Also the pipeline `soc2 demo` drives. */
import { join, relative, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadExceptions, type ExceptionEntry } from '../../engine/exceptions.js';
import { runAssessment } from '../../engine/run.js';
import { writeManifest } from '../../evidence/write.js';
import { stageReport } from '../../evidence/out-dir.js';
import { renderers, DEFAULT_FORMATS } from '../../reports/index.js';
import type { Severity } from '../../controls/schema.js';
import type { Results } from '../../results.js';
import { UsageError } from '../../errors.js';
import { makeProgress } from '../terminal.js';
import { startRequestMeter } from '../request-meter.js';
import { undoOnInterrupt } from '../signals.js';
import { readResultsView } from '../../ci/results-reader.js';
import { presentRun } from '../run-output.js';

export interface RunCommandOptions {
  config?: string;
  out: string;
  failOn: Severity;
  format: string;
  only?: string;
  baseline?: string;
  quiet?: boolean;
  json?: boolean;
}

export async function runCommand(opts: RunCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const now = () => new Date();
  const loaded = loadConfig({ cwd, file: opts.config, today: now() });
  const run = await executeRun({ loaded, cwd, outDir: resolve(cwd, opts.out), failOn: opts.failOn, extraFormats: parseFormats(opts.format), only: opts.only, env: process.env, sample: false, now, baseline: opts.baseline, quiet: opts.quiet, json: opts.json });
  process.exitCode = run.exitCode;
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
  /** Rewrites the closing "Exit code …" sentence (the demo says what a real run would do). */
  exitCodeNote?: (note: string) => string;
  /** --baseline: a results.json (or report folder) whose failures do not fail this run. */
  baseline?: string;
  /** --quiet: nothing on the terminal but errors. */
  quiet?: boolean;
  /** --json: one JSON summary object on stdout instead of the terminal summary. */
  json?: boolean;
  /** The environment that says whether this is GitHub Actions (default: the process's). */
  ciEnv?: NodeJS.ProcessEnv;
}

export interface FinishedRun {
  results: Results;
  /** What the process exits with: the run's own code, or the baseline gate's. */
  exitCode: number;
}

export async function executeRun(o: ExecuteRunOptions): Promise<FinishedRun> {
  const { config } = o.loaded;
  // Read before anything is collected: a wrong baseline path must not cost a whole run.
  const baseline = o.baseline === undefined ? undefined : readResultsView(o.baseline, o.cwd, 'baseline');
  let controls = await loadConfiguredControls(o.loaded);
  if (o.only) {
    const wanted = new Set(o.only.split(',').map((s) => s.trim()).filter(Boolean));
    const unknown = [...wanted].filter((id) => !controls.some((c) => c.id === id));
    if (unknown.length) throw new UsageError(`--only names controls that are not loaded: ${unknown.join(', ')}.`, 'Run `soc2 controls list` to see the ids.');
    controls = controls.filter((c) => wanted.has(c.id));
  }
  const exceptions: ExceptionEntry[] = config.exceptions ? loadExceptions(resolve(o.loaded.baseDir, config.exceptions), config.exceptions) : [];

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
  // The progress line, and the request meter behind it, only on a terminal.
  const interactive = !o.quiet && process.stderr.isTTY === true;
  const meter = interactive ? startRequestMeter() : undefined;
  const progress = makeProgress({ enabled: interactive, ...(meter ? { counts: meter.counts } : {}) });
  try {
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
      controlsDone: progress.controls,
      warn: (m) => {
        warnings.push(m);
        if (o.quiet) return;
        progress.clear();
        process.stderr.write(`soc2: warning: ${m}\n`);
      },
    });
    progress.done();

    for (const f of formats) {
      const r = renderers[f];
      staged.write(r.fileName, r.render(results));
      files.push(r.fileName);
    }
    writeManifest(staged, results.run.id);
    const leftover = staged.commit();
    if (leftover && !o.quiet) process.stderr.write(`soc2: warning: ${leftover}\n`);
  } finally {
    progress.done();
    meter?.stop();
    stopUndo();
    staged.discard();
  }
  const ordered = ['report.html', 'report.md', ...files.filter((f) => f !== 'report.html' && f !== 'report.md')].filter((f) => files.includes(f));
  return presentRun(results, {
    cwd: o.cwd,
    reportDir: display,
    files: ordered.map((f) => join(display, f)),
    failOn: o.failOn,
    ...(baseline ? { baseline } : {}),
    quiet: o.quiet === true,
    json: o.json === true,
    ciEnv: o.ciEnv ?? process.env,
    ...(o.exitCodeNote ? { exitCodeNote: o.exitCodeNote } : {}),
  });
}
