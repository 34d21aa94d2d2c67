/**
 * Tuning controls from soc2.config.yaml without copying them: `controls.params` changes a
 * control's collector parameters, `controls.severity` its severity. A parameter given replaces the
 * control's own value for that key (a list is replaced, not extended); keys not given keep the
 * control's value. The merged parameters are validated against the collector's schema, and every
 * problem is located in the configuration file, as any other configuration problem is.
 */
import { ConfigError, type SourceIssue } from '../errors.js';
import type { LoadedConfig } from '../config/load.js';
import type { PathSegment } from '../yaml-source.js';
import { didYouMean } from '../text.js';
import { isCollectorId, loadCollector } from '../collectors/index.js';
import type { Control, ControlOverrides } from './schema.js';

export type OverrideConfig = Pick<LoadedConfig, 'config' | 'issueAt' | 'issuesAt'>;

/** Which controls were loaded, and which of them `controls.exclude` left out. */
export interface LoadedControlSet {
  controls: Control[];
  /** Every id found in the control files, in scope or not. */
  ids: ReadonlySet<string>;
}

/**
 * The controls with the configuration's overrides applied. Throws ConfigError (exit 2) listing
 * every override that names no loaded control, a control left out by controls.exclude, a manual
 * control's params, or params the collector does not accept.
 */
export async function applyOverrides(set: LoadedControlSet, loaded: OverrideConfig): Promise<Control[]> {
  const params = loaded.config.controls.params ?? {};
  const severity = loaded.config.controls.severity ?? {};
  if (!Object.keys(params).length && !Object.keys(severity).length) return set.controls;

  const issues: SourceIssue[] = [];
  const at = (path: PathSegment[], message: string, where: 'key' | 'value' = 'key'): SourceIssue =>
    loaded.issueAt?.(path, message, where) ?? { file: 'configuration', line: 0, col: 0, path: path.join('.'), message };
  const byId = new Map(set.controls.map((c) => [c.id, c]));
  const tuned = new Map<string, ControlOverrides & { control: Control }>();

  /** The control an override names, or undefined after recording why it cannot be applied. */
  const target = (section: 'params' | 'severity', id: string): Control | undefined => {
    const path = ['controls', section, id];
    const control = byId.get(id);
    if (control) return control;
    if (set.ids.has(id)) {
      issues.push(at(path, `${id} is left out by controls.exclude, so this override would change nothing; remove the override, or take ${id} out of controls.exclude.`));
    } else {
      issues.push(at(path, `no control "${id}" is loaded.${didYouMean(id, set.ids)} Overrides name the id of a control from controls.paths; \`soc2 controls list\` shows them.`));
    }
    return undefined;
  };
  const entry = (c: Control) => {
    let e = tuned.get(c.id);
    if (!e) tuned.set(c.id, (e = { control: c }));
    return e;
  };

  for (const [id, override] of Object.entries(params)) {
    const c = target('params', id);
    if (!c) continue;
    const path = ['controls', 'params', id];
    if (c.type === 'manual' || !c.collector || !isCollectorId(c.collector)) {
      issues.push(at(path, `${id} is a manual control: it has no collector parameters to change.`));
      continue;
    }
    const collector = await loadCollector(c.collector);
    const merged = { ...(c.params ?? {}), ...override };
    const parsed = collector.params.safeParse(merged);
    if (!parsed.success) {
      issues.push(...(loaded.issuesAt?.(path, parsed.error.issues, collector.params) ?? parsed.error.issues.map((i) => at(path, i.message))));
      continue;
    }
    const defined = (c.resolvedParams ?? {}) as Record<string, unknown>;
    const resolved = parsed.data as Record<string, unknown>;
    const changes: NonNullable<ControlOverrides['params']> = {};
    for (const key of Object.keys(override).sort()) changes[key] = { defined: defined[key] ?? null, configured: resolved[key] ?? null };
    const e = entry(c);
    e.params = changes;
    e.control = { ...e.control, params: merged, resolvedParams: parsed.data };
  }
  for (const [id, value] of Object.entries(severity)) {
    const c = target('severity', id);
    if (!c) continue;
    const e = entry(c);
    e.severity = { defined: c.severity, configured: value };
    e.control = { ...e.control, severity: value };
  }
  if (issues.length) throw new ConfigError(issues);

  return set.controls.map((c) => {
    const t = tuned.get(c.id);
    if (!t) return c;
    const overrides: ControlOverrides = {};
    if (t.params && Object.keys(t.params).length) overrides.params = t.params;
    if (t.severity) overrides.severity = t.severity;
    return Object.keys(overrides).length ? { ...t.control, overrides } : t.control;
  });
}
