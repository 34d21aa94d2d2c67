/**
 * Finds and validates soc2.config.yaml. A missing file is fine (defaults: only the local checkout
 * is in scope); a present file is validated like controls: unknown keys named, with line and column.
 */
import { existsSync } from 'node:fs';
import { resolve, relative } from 'node:path';
import type { z } from 'zod';
import { ConfigError, UsageError, type SourceIssue } from '../errors.js';
import { issueAt, readYamlFile, zodIssuesToSource, type PathSegment } from '../yaml-source.js';
import { configSchema, type Config } from './schema.js';
import { sha256 } from '../evidence/write.js';

export const DEFAULT_CONFIG_FILE = 'soc2.config.yaml';

export interface LoadedConfig {
  config: Config;
  /** Absolute path, or null when no file exists and defaults apply. */
  file: string | null;
  sha256: string | null;
  /** Directory relative paths in the config are resolved against. */
  baseDir: string;
  period: { start: string; end: string };
  /** A problem located at a key of the file (file:line:col), for checks made after loading; absent without a file. Points at the value unless `at` is 'key'. */
  issueAt?(path: PathSegment[], message: string, at?: 'key' | 'value'): SourceIssue;
  /**
   * Issues from validating a value of the file with another schema (a control's params override
   * against its collector's schema), located at the value's keys; `schema` names allowed keys.
   */
  issuesAt?(path: PathSegment[], issues: readonly z.core.$ZodIssue[], schema?: z.ZodType): SourceIssue[];
}

export function loadConfig(opts: { cwd: string; file?: string; today: Date }): LoadedConfig {
  const explicit = opts.file !== undefined;
  const abs = resolve(opts.cwd, opts.file ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(abs)) {
    if (explicit) throw new UsageError(`Configuration file not found: ${opts.file}`, 'Check the --config path, or run `soc2 init` to write a starter soc2.config.yaml.');
    const config = configSchema.parse({});
    return { config, file: null, sha256: null, baseDir: opts.cwd, period: defaultPeriod(opts.today) };
  }
  const display = relative(opts.cwd, abs) || abs;
  const src = readYamlFile(abs, display.startsWith('..') ? abs : display, {
    what: 'configuration file',
    remediation: 'Pass a regular YAML file with --config, or run `soc2 init` to write a starter soc2.config.yaml.',
  });
  if (src.syntaxIssues.length) throw new ConfigError(src.syntaxIssues);
  const parsed = configSchema.safeParse(src.value ?? {});
  if (!parsed.success) throw new ConfigError(zodIssuesToSource(src, parsed.error.issues, { schema: configSchema }));
  const config = parsed.data;
  let period = defaultPeriod(opts.today);
  if (config.period) {
    const { start, end } = config.period;
    const problems = [];
    for (const [k, v] of [['start', start], ['end', end]] as const) {
      if (!isCalendarDate(v)) problems.push(issueAt(src, ['period', k], `"${v}" is not a calendar date.`, 'value'));
    }
    if (!problems.length && start > end) problems.push(issueAt(src, ['period', 'end'], `the period ends (${end}) before it starts (${start}).`, 'value'));
    if (problems.length) throw new ConfigError(problems);
    period = { start, end };
  }
  return {
    config,
    file: abs,
    sha256: sha256(src.bytes),
    baseDir: resolve(abs, '..'),
    period,
    issueAt: (path, message, at = 'value') => issueAt(src, path, message, at),
    issuesAt: (path, issues, schema) => zodIssuesToSource(src, issues, { schema, prefix: path }),
  };
}

/** The 90 days before today: from today−90 to yesterday, inclusive. */
export function defaultPeriod(today: Date): { start: string; end: string } {
  const day = 86_400_000;
  const midnight = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return {
    start: new Date(midnight - 90 * day).toISOString().slice(0, 10),
    end: new Date(midnight - day).toISOString().slice(0, 10),
  };
}

/** True for a real day: 2026-02-31 is not one, though Date.parse may accept it. */
export function isCalendarDate(v: string): boolean {
  const t = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
}
