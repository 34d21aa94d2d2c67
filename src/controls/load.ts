/**
 * Loads control YAML files. Every file is validated completely before anything runs and every
 * problem is reported at once, each with file:line:col, the key path and what is expected.
 */
import { readdirSync, statSync, existsSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ControlDefinitionError, type SourceIssue } from '../errors.js';
import { builtinControlsDir, packageRoot } from '../paths.js';
import { didYouMean } from '../text.js';
import { readYamlFile, issueAt, zodIssuesToSource, type YamlSource } from '../yaml-source.js';
import { collectors, isCollectorId, loadCollector } from '../collectors/index.js';
import { criteriaCatalogue } from './criteria.js';
import type { LoadedConfig } from '../config/load.js';
import { controlSchema, type Control, type Assertion } from './schema.js';
import { validateAssertion } from './validate-assertion.js';
import { InputFileError } from '../input-file.js';
import { applyOverrides, type LoadedControlSet } from './overrides.js';

/** The control schema with `assert` and `params` left to the collector-aware checks below. */
const controlShapeSchema = controlSchema.extend({ assert: z.unknown().optional(), params: z.unknown().optional() });

export interface LoadOptions {
  /** Directories or files; 'builtin' is the shipped library. */
  paths: readonly string[];
  /** Control ids to leave out. */
  exclude?: readonly string[];
  /** Base for relative paths and for file names in messages. */
  cwd?: string;
  /** Where the i-th path is written (controls.paths in the configuration), so a missing one is reported there. */
  pathIssue?: (index: number, message: string) => SourceIssue;
}

/** The controls a configuration puts in scope (controls.paths less controls.exclude), tuned by controls.params and controls.severity. */
export async function loadConfiguredControls(loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'issueAt' | 'issuesAt'>): Promise<Control[]> {
  const { issueAt } = loaded;
  const set = await loadControlSet({
    paths: loaded.config.controls.paths,
    exclude: loaded.config.controls.exclude,
    cwd: loaded.baseDir,
    pathIssue: issueAt && ((i, message) => issueAt(['controls', 'paths', i], message)),
  });
  return applyOverrides(set, loaded);
}

export function resolveControlFiles(paths: readonly string[], cwd: string, pathIssue?: LoadOptions['pathIssue']): { files: string[]; issues: SourceIssue[] } {
  const files: string[] = [];
  const issues: SourceIssue[] = [];
  paths.forEach((p, i) => {
    const issue = (message: string): SourceIssue => pathIssue?.(i, `"${p}": ${message}`) ?? { file: p, line: 0, col: 0, path: '', message };
    const abs = p === 'builtin' ? builtinControlsDir : resolve(cwd, p);
    if (!existsSync(abs)) {
      issues.push(issue('no such file or directory; check controls.paths in the configuration or the paths you passed.'));
      return;
    }
    if (statSync(abs).isDirectory()) {
      try {
        files.push(...readdirSync(abs).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(abs, f)));
      } catch (e) {
        issues.push(issue(`the directory could not be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); make it readable by the user running soc2.`));
      }
    } else files.push(abs);
  });
  return { files: [...new Set(files)], issues };
}

function isBuiltin(file: string): boolean {
  return !relative(builtinControlsDir, file).startsWith('..');
}

/** The built-in library is named relative to the package (controls/GH-002.yaml); other files relative to cwd when inside it. */
function displayName(file: string, cwd: string): string {
  if (isBuiltin(file)) return relative(packageRoot, file);
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

export async function loadControls(opts: LoadOptions): Promise<Control[]> {
  return (await loadControlSet(opts)).controls;
}

/**
 * The controls in scope, and every id the files define. An id may be defined once, with one
 * exception: one of the user's files may replace a built-in control of the same id when
 * controls.exclude names that id (the built-in one is then what is left out).
 */
export async function loadControlSet(opts: LoadOptions): Promise<LoadedControlSet> {
  const cwd = opts.cwd ?? process.cwd();
  const { files, issues } = resolveControlFiles(opts.paths, cwd, opts.pathIssue);
  const exclude = new Set(opts.exclude ?? []);
  const controls: Control[] = [];
  const seen = new Map<string, { at: SourceIssue; builtin: boolean; index: number }>();
  /** Ids whose built-in control one of the user's files replaces. */
  const replaced = new Set<string>();
  for (const file of files) {
    let src: YamlSource;
    try {
      src = readYamlFile(file, displayName(file, cwd), { what: 'control file' });
    } catch (e) {
      // A file that cannot be read is one more problem to list, not a reason to stop checking the others.
      if (e instanceof InputFileError) {
        issues.push(e.issue);
        continue;
      }
      throw e;
    }
    const result = await validateControlSource(src);
    issues.push(...result.issues);
    if (!result.control) continue;
    const c = result.control;
    const builtin = isBuiltin(file);
    const here = issueAt(src, ['id'], '', 'value');
    const loadedControl = { ...c, file, source: src.file, builtin };
    const first = seen.get(c.id);
    if (!first) {
      seen.set(c.id, { at: here, builtin, index: controls.push(loadedControl) - 1 });
      continue;
    }
    const where = `${first.at.file}:${first.at.line}:${first.at.col}`;
    if (first.builtin !== builtin && exclude.has(c.id)) {
      // The user's copy replaces the built-in control it was copied from.
      replaced.add(c.id);
      if (!builtin) {
        controls[first.index] = loadedControl;
        seen.set(c.id, { at: here, builtin, index: first.index });
      }
      continue;
    }
    if (first.builtin !== builtin) {
      const user = builtin ? first.at : here;
      const library = builtin ? here : first.at;
      issues.push({
        ...user,
        message:
          `control id "${c.id}" is also a built-in control (${library.file}). To run your file instead, add ${c.id} to controls.exclude in soc2.config.yaml ` +
          `(the built-in one is then left out); to change only its params or severity, delete the copy and set controls.params or controls.severity for ${c.id}.`,
      });
      continue;
    }
    issues.push({ ...here, message: `duplicate control id "${c.id}": also defined at ${where}. Ids must be unique across all control files.` });
  }
  if (issues.length) throw new ControlDefinitionError(issues);
  return {
    controls: controls.filter((c) => !exclude.has(c.id) || replaced.has(c.id)).sort((a, b) => a.id.localeCompare(b.id)),
    ids: new Set(seen.keys()),
  };
}

/** Validates one parsed file; returns the control when it has no problems. */
export async function validateControlSource(src: YamlSource): Promise<{ control?: Omit<Control, 'file' | 'source' | 'builtin'>; issues: SourceIssue[] }> {
  if (src.syntaxIssues.length) return { issues: src.syntaxIssues };
  const issues: SourceIssue[] = [];
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) {
    return { issues: [issueAt(src, [], 'a control file must be a YAML mapping with id, title, criteria, severity, …')] };
  }
  const parsed = controlShapeSchema.safeParse(src.value);
  if (!parsed.success) issues.push(...zodIssuesToSource(src, parsed.error.issues, { schema: controlShapeSchema }));
  const raw = src.value as Record<string, unknown>;

  if (typeof raw.id === 'string') {
    const stem = basename(src.file, extname(src.file));
    if (stem !== raw.id) issues.push(issueAt(src, ['id'], `id "${raw.id}" does not match the file name "${basename(src.file)}"; name the file ${raw.id}.yaml.`, 'value'));
  }
  if (Array.isArray(raw.criteria)) {
    const catalogue = criteriaCatalogue();
    raw.criteria.forEach((c, i) => {
      if (typeof c === 'string' && !catalogue.has(c)) {
        issues.push(issueAt(src, ['criteria', i], `"${c}" is not a 2017 Trust Services Criteria id.${didYouMean(c, catalogue.keys())} Ids look like CC6.1, A1.2, C1.1, PI1.3, P4.2.`, 'value'));
      }
    });
  }

  const type = raw.type ?? 'automated';
  let resolvedParams: unknown;
  let whenEmptyResolved: Control['whenEmptyResolved'] = (raw.whenEmpty as Control['whenEmptyResolved']) ?? 'error';
  if (type === 'manual') {
    if (!raw.evidenceRequired) issues.push(issueAt(src, [], 'manual control needs "evidenceRequired": the list of documents or records a person must attach.'));
    for (const k of ['collector', 'params', 'assert'] as const) {
      if (k in raw) issues.push(issueAt(src, [k], `"${k}" has no meaning on a manual control; remove it or set type: automated.`));
    }
  } else if (type === 'automated') {
    if (typeof raw.collector !== 'string') {
      if (!('collector' in raw)) issues.push(issueAt(src, [], 'missing required key "collector" (automated controls name the collector that gathers their evidence).'));
    } else if (!isCollectorId(raw.collector)) {
      issues.push(issueAt(src, ['collector'], `unknown collector "${raw.collector}".${didYouMean(raw.collector, Object.keys(collectors))} Run \`soc2 controls collectors\` to list them.`, 'value'));
    } else {
      const collector = await loadCollector(raw.collector);
      const params = collector.params.safeParse(raw.params ?? {});
      if (!params.success) issues.push(...zodIssuesToSource(src, params.error.issues, { schema: collector.params, prefix: ['params'] }));
      else resolvedParams = params.data;
      if (!raw.whenEmpty) whenEmptyResolved = collector.defaultWhenEmpty;
      if (!('assert' in raw)) issues.push(issueAt(src, [], 'missing required key "assert" (what must be true of every resource).'));
      else {
        for (const p of validateAssertion(raw.assert, collector.resource)) issues.push(issueAt(src, p.path, p.message, p.at));
      }
    }
    if (raw.evidenceRequired) issues.push(issueAt(src, ['evidenceRequired'], '"evidenceRequired" is for manual controls; automated controls collect their own evidence.'));
  }
  if (issues.length || !parsed.success) return { issues };
  return {
    control: {
      ...(parsed.data as Omit<Control, 'file' | 'source' | 'builtin' | 'resolvedParams' | 'whenEmptyResolved' | 'assert'>),
      assert: raw.assert as Assertion | undefined,
      resolvedParams,
      whenEmptyResolved,
    },
    issues,
  };
}
