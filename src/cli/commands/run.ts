/** `soc2 run`: the tool's main job. Also the pipeline `soc2 demo` drives. */
import { mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadExceptions, type ExceptionEntry } from '../../engine/exceptions.js';
import { runAssessment } from '../../engine/run.js';
import { writeManifest } from '../../evidence/write.js';
import { renderers, DEFAULT_FORMATS } from '../../reports/index.js';
import type { Severity } from '../../controls/schema.js';
import type { Results } from '../../results.js';
import { UsageError } from '../../errors.js';
import { makeChalk, makeProgress, renderSummary } from '../terminal.js';
import { printableText } from '../../printable.js';

export interface RunCommandOptions {
  config?: string;
  out: string;
  failOn: Severity;
  format: string;
  only?: string;
}

export async function runCommand(opts: RunCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const now = () => new Date();
  const loaded = loadConfig({ cwd, file: opts.config, today: now() });
  const results = await executeRun({ loaded, cwd, outDir: resolve(cwd, opts.out), failOn: opts.failOn, extraFormats: parseFormats(opts.format), only: opts.only, env: process.env, sample: false, now });
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
  const exceptions: ExceptionEntry[] = config.exceptions ? loadExceptions(resolve(o.loaded.baseDir, config.exceptions), config.exceptions) : [];

  prepareOutDir(o.outDir);
  const progress = makeProgress();
  const warnings: string[] = [];
  const results = await runAssessment({
    loaded: o.loaded,
    controls,
    exceptions,
    outDir: o.outDir,
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

  const formats = [...new Set([...DEFAULT_FORMATS, ...o.extraFormats])];
  const files: string[] = [];
  for (const f of formats) {
    const r = renderers[f];
    writeFileSync(join(o.outDir, r.fileName), r.render(results));
    files.push(r.fileName);
  }
  writeManifest(o.outDir, results.run.id, files);
  const rel = relative(o.cwd, o.outDir);
  const display = rel === '' ? '.' : rel.startsWith('..') ? o.outDir : rel;
  const ordered = ['report.html', 'report.md', ...files.filter((f) => f !== 'report.html' && f !== 'report.md')].filter((f) => files.includes(f));
  const shown = ordered.map((f) => join(display, f));
  process.stdout.write('\n' + renderSummary(results, { outDir: display, files: [...shown, join(display, 'evidence/')], c: makeChalk(), exitCodeNote: o.exitCodeNote?.(results) }));
  return results;
}

/** Clear what a previous run left (so the manifest lists only this run's files), but never a foreign directory. */
function prepareOutDir(outDir: string): void {
  if (existsSync(outDir)) {
    const ours = existsSync(join(outDir, 'results.json')) || existsSync(join(outDir, 'evidence', 'manifest.json'));
    if (ours) {
      rmSync(join(outDir, 'evidence'), { recursive: true, force: true });
      for (const r of Object.values(renderers)) rmSync(join(outDir, r.fileName), { force: true });
    }
  }
  mkdirSync(outDir, { recursive: true });
}
