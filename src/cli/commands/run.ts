/** `soc2 run`: the tool's main job. Also the pipeline `soc2 demo` drives. */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { loadConfiguredControls } from '../../controls/load.js';
import { loadConfiguredExceptions, type ExceptionEntry } from '../../engine/exceptions.js';
import { runAssessment } from '../../engine/run.js';
import { stageReport } from '../../evidence/out-dir.js';
import { bundleNote, finishReport, prepareBundle, runAttestationFor, statementDigestOf, type PreparedBundle } from '../../evidence/run-bundle.js';
import { attestationsFor, loadAttestations } from '../../evidence/manual-attestations.js';
import { createPiiMinimizer, type PiiMinimizer } from '../../evidence/pii.js';
import { renderers, DEFAULT_FORMATS } from '../../reports/index.js';
import type { Severity } from '../../controls/schema.js';
import type { Results } from '../../results.js';
import { UsageError } from '../../errors.js';
import { checkSources, withSourceFlags, type SourceFlags } from '../source-flags.js';
import { makeProgress } from '../terminal.js';
import { startRequestMeter } from '../request-meter.js';
import { undoOnInterrupt } from '../signals.js';
import { printableText } from '../../printable.js';
import { readResultsView } from '../../ci/results-reader.js';
import { presentRun } from '../run-output.js';
import { ATTESTATION_FILE } from '../../evidence/attestation.js';
import { attestRun } from '../../history/attestation.js';
import { evaluatesControl, parseShard, type Shard } from '../../engine/shard.js';

export interface RunCommandOptions extends SourceFlags {
  config?: string;
  out: string;
  failOn: Severity;
  format: string;
  only?: string;
  history?: string;
  baseline?: string;
  quiet?: boolean;
  json?: boolean;
  /** Private key file to sign the attestation with (else SOC2_SIGNING_KEY, else unsigned). */
  sign?: string;
  encryptTo?: string[];
  encryptOnly?: boolean;
  minimizePii?: boolean;
  /** --shard i/n, as typed. */
  shard?: string;
}

export async function runCommand(opts: RunCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (shard && opts.history !== undefined) {
    throw new UsageError('--history cannot be used with --shard: the history would record a part of the scope as if it were the whole run.', 'Record the joined run instead: keep the history of the `soc2 merge` output, or run without --shard.');
  }
  const now = () => new Date();
  const loaded = loadConfig({ cwd, file: opts.config, today: now() });
  const env = withSourceFlags(process.env, opts);
  const bundle = await prepareBundle({ signKeyFile: opts.sign, env: process.env, encryptTo: opts.encryptTo, encryptOnly: opts.encryptOnly });
  const run = await executeRun({
    loaded, cwd, outDir: resolve(cwd, opts.out), failOn: opts.failOn, extraFormats: parseFormats(opts.format), only: opts.only, env, sample: false, now,
    history: opts.history, baseline: opts.baseline, quiet: opts.quiet, json: opts.json,
    bundle, ...(opts.minimizePii ? { minimizer: createPiiMinimizer() } : {}),
    ...(shard ? { shard } : {}),
  });
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
  /** --history: the folder this run is recorded in, as given. */
  history?: string;
  /** --baseline: a results.json (or report folder) whose failures do not fail this run. */
  baseline?: string;
  /** --quiet: nothing on the terminal but errors. */
  quiet?: boolean;
  /** --json: one JSON summary object on stdout instead of the terminal summary. */
  json?: boolean;
  /** The environment that says whether this is GitHub Actions (default: the process's). */
  ciEnv?: NodeJS.ProcessEnv;
  /** Signing and encryption (default: unsigned, not encrypted). */
  bundle?: PreparedBundle;
  /** --minimize-pii. */
  minimizer?: PiiMinimizer;
  /** --shard i/n. */
  shard?: Shard;
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
  const bundle = o.bundle ?? { key: undefined, recipients: [], encryptOnly: false };
  let controls = await loadConfiguredControls(o.loaded);
  // Checked against every loaded control, so --only does not turn other entries into errors.
  const allAttestations = config.attestations
    ? loadAttestations({ file: resolve(o.loaded.baseDir, config.attestations), display: config.attestations, baseDir: o.loaded.baseDir, controls, today: o.now().toISOString().slice(0, 10) })
    : undefined;
  if (o.only) {
    const wanted = new Set(o.only.split(',').map((s) => s.trim()).filter(Boolean));
    const unknown = [...wanted].filter((id) => !controls.some((c) => c.id === id));
    if (unknown.length) throw new UsageError(`--only names controls that are not loaded: ${unknown.join(', ')}.`, 'Run `soc2 controls list` to see the ids.');
    controls = controls.filter((c) => wanted.has(c.id));
  }
  // Shard 1 evaluates everything that is not split; every shard its part of what is.
  const shard = o.shard;
  if (shard) controls = controls.filter((c) => evaluatesControl(shard, c));
  const attestations = allAttestations && attestationsFor(allAttestations, new Set(controls.map((c) => c.id)));
  const exceptions: ExceptionEntry[] = loadConfiguredExceptions(o.loaded);
  await checkSources(o.loaded, o.env);
  // A history folder that cannot take this run stops it before anything is collected.
  const history = o.history === undefined ? undefined : (await import('../../history/run-history.js')).openRunHistory(resolve(o.cwd, o.history), o.history);

  const rel = relative(o.cwd, o.outDir);
  const display = rel === '' ? '.' : rel.startsWith('..') ? o.outDir : rel;
  // Everything goes to a staging directory that replaces --out only when the run has finished.
  const staged = stageReport(o.outDir, { cwd: o.cwd, shown: display });
  // Read before the swap: the previous run's statement, which this run's statement links to.
  const previous = staged.replacesPrevious ? statementDigestOf(o.outDir) : null;
  const stopUndo = undoOnInterrupt(() => {
    staged.discard();
    return staged.replacesPrevious ? `the previous report in ${join(display, '/')} is unchanged` : `no report was written to ${join(display, '/')}`;
  });
  const formats = [...new Set([...DEFAULT_FORMATS, ...o.extraFormats])];
  const files: string[] = [];
  let results: Results;
  let recorded: string | undefined;
  // The progress line, and the request meter behind it, only on a terminal.
  const interactive = !o.quiet && process.stderr.isTTY === true;
  const meter = interactive ? startRequestMeter() : undefined;
  const progress = makeProgress({ enabled: interactive, ...(meter ? { counts: meter.counts } : {}) });
  let encrypted: string | undefined;
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
      ...(attestations ? { attestations } : {}),
      ...(o.minimizer ? { minimizer: o.minimizer } : {}),
      ...(shard ? { shard } : {}),
      progress: progress.line,
      controlsDone: progress.controls,
      warn: (m) => {
        warnings.push(m);
        if (o.quiet) return;
        progress.clear();
        process.stderr.write(`soc2: warning: ${printableText(m)}\n`);
      },
    });
    progress.done();
    results = { ...results, run: { ...results.run, attestation: runAttestationFor(bundle, previous) } };
    if (history) results = history.summarise(results, o.now());

    for (const f of formats) {
      const r = renderers[f];
      staged.write(r.fileName, r.render(results));
      files.push(r.fileName);
    }
    encrypted = await finishReport(staged, results, bundle, o.outDir, (m) => {
      if (!o.quiet) process.stderr.write(`soc2: warning: ${printableText(m)}\n`);
    }, (sealed) => {
      if (!history) return;
      // Recorded after the attestation is sealed and before the report is swapped in: a report never
      // shows a history its run is not in, and the record pins the run by its statement digest.
      const record = history.record(readFileSync(join(staged.root, renderers.json.fileName)), attestRun(sealed), o.now());
      recorded = `History: recorded as ${join(o.history!, record.name)} (sha256 ${record.sha256})${record.raced ? `, after ${record.raced} record(s) other runs appended meanwhile` : ''}.`;
    });
  } finally {
    progress.done();
    meter?.stop();
    stopUndo();
    staged.discard();
  }
  const ordered = ['report.html', 'report.md', ...files.filter((f) => f !== 'report.html' && f !== 'report.md')].filter((f) => files.includes(f));
  const encryptedShown = encrypted ? `${display.replace(/[/\\]+$/, '')}.tar.age` : undefined;
  const listed = bundle.encryptOnly && encryptedShown
    ? [encryptedShown]
    : [...ordered.map((f) => join(display, f)), join(display, 'evidence/'), join(display, ATTESTATION_FILE)];
  return presentRun(results, {
    cwd: o.cwd,
    reportDir: display,
    files: listed,
    failOn: o.failOn,
    ...(baseline ? { baseline } : {}),
    quiet: o.quiet === true,
    json: o.json === true,
    ciEnv: o.ciEnv ?? process.env,
    ...(o.exitCodeNote ? { exitCodeNote: o.exitCodeNote } : {}),
    notes: [...bundleNote(results, bundle, display, encryptedShown), ...(recorded ? [recorded] : [])],
  });
}
