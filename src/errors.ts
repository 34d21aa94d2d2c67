/**
 * Typed errors. A Soc2Error carries a stable code, the exit code the CLI maps it to, and a
 * remediation sentence printed after the message. User mistakes never print a stack trace.
 */
import { printableLine } from './printable.js';

export abstract class Soc2Error extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: number;
  constructor(
    message: string,
    readonly remediation = '',
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad command-line usage (unknown option value, missing argument). Exit 2. */
export class UsageError extends Soc2Error {
  readonly code = 'SOC2_USAGE';
  readonly exitCode = 2;
}

/** One located problem in a YAML file (config or control). */
export interface SourceIssue {
  file: string;
  /** 0 when the problem is the whole file (it is a directory, too large, …). */
  line: number;
  col: number;
  /** Dotted key path, e.g. 'params.minApprovals' or 'assert.all[1].op'. Empty for the whole file. */
  path: string;
  message: string;
}

/** File, then line, then column: the order a person fixes them in. */
export function sortIssues(issues: readonly SourceIssue[]): SourceIssue[] {
  return [...issues].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}

/** One line per issue: a file name, key or value that holds a newline or escape cannot forge another line. */
export function formatIssue(issue: SourceIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.col}` : `${issue.file}:`;
  return printableLine(issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where} ${issue.message}`);
}

/** soc2.config.yaml (or the exceptions file) is invalid. Exit 2. */
export class ConfigError extends Soc2Error {
  readonly code = 'SOC2_CONFIG_INVALID';
  readonly exitCode = 2;
  readonly issues: SourceIssue[];
  constructor(issues: SourceIssue[], remediation = 'Fix the configuration and run again; `soc2 init` writes a commented example.') {
    issues = sortIssues(issues);
    super(`${issues.length} problem${issues.length === 1 ? '' : 's'} in the configuration:\n${issues.map((i) => '  ' + formatIssue(i)).join('\n')}`, remediation);
    this.issues = issues;
  }
}

/** One or more control files are invalid. Exit 2, before anything is collected. */
export class ControlDefinitionError extends Soc2Error {
  readonly code = 'SOC2_CONTROL_INVALID';
  readonly exitCode = 2;
  readonly issues: SourceIssue[];
  constructor(issues: SourceIssue[]) {
    issues = sortIssues(issues);
    super(
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in control definitions:\n${issues.map((i) => '  ' + formatIssue(i)).join('\n')}`,
      'Fix the control files listed above; `soc2 controls validate` checks them without collecting anything.',
    );
    this.issues = issues;
  }
}

/**
 * Evidence could not be collected for a reason the engine should report on the control
 * (missing credentials, permission denied, throttled past retries). Becomes status `error`.
 */
export class CollectorError extends Soc2Error {
  readonly code = 'SOC2_COLLECTOR_FAILED';
  readonly exitCode = 3;
  constructor(
    message: string,
    readonly kind: 'permission' | 'rate-limit' | 'unavailable' | 'timeout' | 'credentials' | 'not-found' | 'other' = 'other',
    remediation = '',
    options?: ErrorOptions,
  ) {
    super(message, remediation, options);
  }
}
