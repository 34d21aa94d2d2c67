/**
 * The one reader of results.json for the CI gate (`soc2 diff`, `soc2 run --baseline`). It needs
 * only what a comparison needs — control id, title, severity, status, and the resource and message
 * of failing and erroring findings — and ignores everything else, so results written by an older
 * or newer soc2 (another schemaVersion, passing findings reduced to counts) still compare.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { MAX_RESULTS_BYTES, readInputText } from '../input-file.js';
import type { Results } from '../results.js';

const findingView = z.object({
  resource: z.string(),
  region: z.string().optional(),
  account: z.string().optional(),
  // Kept as text: a status a later version adds is simply neither a failure nor an error here.
  status: z.string(),
  message: z.string().default(''),
});

const controlView = z.object({
  id: z.string().min(1),
  title: z.string().default(''),
  severity: z.string().default('low'),
  status: z.string(),
  statusReason: z.string().default(''),
  incomplete: z.boolean().optional(),
  findings: z.array(findingView).default([]),
});

const resultsView = z.object({
  schemaVersion: z.string(),
  tool: z.object({ name: z.string(), version: z.string().optional() }).optional(),
  run: z.object({ id: z.string().optional(), finishedAt: z.string().optional(), sample: z.boolean().optional() }).optional(),
  controls: z.array(controlView),
});

export type FindingView = z.infer<typeof findingView>;
export type ControlView = z.infer<typeof controlView>;

/** A run as the CI gate sees it. */
export interface ResultsView {
  /** The file as the user named it (a results.json, or the report folder holding one). */
  shown: string;
  runId?: string;
  finishedAt?: string;
  sample: boolean;
  controls: ControlView[];
}

/** A run in memory (the one `soc2 run` just made) in the same shape as one read from disk. */
export function viewOfResults(results: Results, shown: string): ResultsView {
  return {
    shown,
    runId: results.run.id,
    finishedAt: results.run.finishedAt,
    sample: results.run.sample,
    controls: results.controls.map((c) => ({
      id: c.id,
      title: c.title,
      severity: c.severity,
      status: c.status,
      statusReason: c.statusReason,
      ...(c.incomplete ? { incomplete: true } : {}),
      findings: c.findings.map((f) => ({ resource: f.resource, status: f.status, message: f.message, ...(f.region ? { region: f.region } : {}), ...(f.account ? { account: f.account } : {}) })),
    })),
  };
}

const WHAT_TO_PASS = 'Pass a results.json written by `soc2 run`, or the report folder that holds one (default soc2-report).';

/**
 * Reads `path` (a results.json, or a report folder with one) relative to `cwd`. Anything that is
 * not a soc2 results file is a UsageError (exit 2) naming the file and what is wrong with it.
 */
export function readResultsView(path: string, cwd: string, role = 'results'): ResultsView {
  let file = resolve(cwd, path);
  let shown = path;
  if (!existsSync(file)) throw new UsageError(`No such file or folder: ${path} (the ${role}).`, WHAT_TO_PASS);
  if (statSync(file).isDirectory()) {
    file = join(file, 'results.json');
    shown = join(path, 'results.json');
    if (!existsSync(file)) throw new UsageError(`${path} is a folder without a results.json (the ${role}).`, WHAT_TO_PASS);
  }
  // A FIFO, a device or an oversized file is an exit-2 error naming it, never a hang.
  const { text } = readInputText(file, { display: shown, maxBytes: MAX_RESULTS_BYTES, what: `results file (the ${role})`, remediation: WHAT_TO_PASS });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${shown} is not valid JSON (${e instanceof Error ? e.message : String(e)}); it was given as the ${role}.`, WHAT_TO_PASS);
  }
  const parsed = resultsView.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    const where = first.path.length ? `${first.path.join('.')}: ` : '';
    throw new UsageError(`${shown} is not a soc2 results file (${where}${first.message}); it was given as the ${role}.`, WHAT_TO_PASS);
  }
  if (parsed.data.tool && parsed.data.tool.name !== 'soc2') {
    throw new UsageError(`${shown} was written by ${parsed.data.tool.name}, not soc2; it was given as the ${role}.`, WHAT_TO_PASS);
  }
  const run = parsed.data.run;
  return {
    shown,
    ...(run?.id ? { runId: run.id } : {}),
    ...(run?.finishedAt ? { finishedAt: run.finishedAt } : {}),
    sample: run?.sample ?? false,
    controls: parsed.data.controls,
  };
}
