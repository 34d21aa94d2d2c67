/**
 * Approved exceptions (waivers): a failing finding covered by one becomes `excepted`, with the
 * justification, approver and expiry beside it. An expired exception no longer applies.
 */
import { z } from 'zod';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type SourceIssue } from '../errors.js';
import { issueAt, locate, readYamlFile, zodIssuesToSource } from '../yaml-source.js';
import { isCalendarDate, type LoadedConfig } from '../config/load.js';

const REMEDIATION = 'Fix the exceptions file: each entry needs control, justification, approvedBy and expires (YYYY-MM-DD); resources is optional.';

const entrySchema = z.strictObject({
  control: z.string().regex(/^[A-Z][A-Z0-9]*-\d{3}$/, 'expected a control id like GH-002'),
  resources: z.array(z.string()).min(1).optional().describe('Resources covered; omit to cover every failing resource of the control.'),
  justification: z.string().min(10, 'say why the risk is accepted, in at least a sentence'),
  approvedBy: z.string().min(1),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date written YYYY-MM-DD'),
});
export const exceptionsFileSchema = z.strictObject({ exceptions: z.array(entrySchema) });
export type ExceptionEntry = z.infer<typeof entrySchema> & {
  /** Where the entry is written (file:line), so warnings and findings can point at it. */
  at?: string;
};

/** The exceptions file a configuration names; one that does not exist is reported at the configuration's `exceptions` key. */
export function loadConfiguredExceptions(loaded: Pick<LoadedConfig, 'config' | 'baseDir' | 'issueAt'>): ExceptionEntry[] {
  const name = loaded.config.exceptions;
  if (!name) return [];
  return loadExceptions(resolve(loaded.baseDir, name), name, loaded.issueAt?.(['exceptions'], `the exceptions file "${name}" does not exist.`));
}

export function loadExceptions(file: string, displayName = file, missing?: SourceIssue): ExceptionEntry[] {
  if (!existsSync(file)) {
    throw new ConfigError([missing ?? { file: displayName, line: 0, col: 0, path: '', message: 'the exceptions file named in the configuration does not exist.' }],
      'Create it, or remove the `exceptions` key from soc2.config.yaml.');
  }
  const src = readYamlFile(file, displayName, { what: 'exceptions file', remediation: 'Point `exceptions` in soc2.config.yaml at a regular YAML file.' });
  if (src.syntaxIssues.length) throw new ConfigError(src.syntaxIssues, REMEDIATION);
  const parsed = exceptionsFileSchema.safeParse(src.value ?? {});
  if (!parsed.success) throw new ConfigError(zodIssuesToSource(src, parsed.error.issues, { schema: exceptionsFileSchema }), REMEDIATION);
  const badDates = parsed.data.exceptions.flatMap((e, i) => (isCalendarDate(e.expires) ? [] : [issueAt(src, ['exceptions', i, 'expires'], `"${e.expires}" is not a calendar date.`, 'value')]));
  if (badDates.length) throw new ConfigError(badDates, REMEDIATION);
  return parsed.data.exceptions.map((e, i) => ({ ...e, at: `${src.file}:${locate(src, ['exceptions', i]).line}` }));
}
